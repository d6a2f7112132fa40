import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  DestinationExistsError,
  InvalidArgumentError,
  InvalidRangeError,
  ObjectDoesNotExistError,
  type StorageObject,
} from "@stowage/core";
import { expect } from "chai";

import { bytesOf, put, random, rejects, type Fixture } from "./support.js";

/** C17: [start, end, expected] on the object "0123456789". */
const RANGES: [number, number | undefined, string][] = [
  [0, 3, "012"],
  [2, 3, "2"],
  [9, 10, "9"],
  [0, 10, "0123456789"],
  [5, 5, ""],
  [3, undefined, "3456789"],
  [0, 100, "0123456789"],
];

export function readTests(fixture: Fixture): void {
  describe("downloads", () => {
    fileTests(fixture);
    rangeTests(fixture);
    missingTests(fixture);
  });
}

async function scratchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "stowage-download-"));
}

function fileTests(fixture: Fixture): void {
  it("downloads an object to a file", async () => {
    const container = await fixture().newContainer();
    const body = random(200 * 1024);
    const obj = await put(container, "photo.jpg", body);
    const dir = await scratchDir();

    expect(await obj.download(join(dir, "photo.jpg"))).to.equal(true);
    expect((await readFile(join(dir, "photo.jpg"))).equals(body)).to.equal(true);
    expect(await readdir(dir)).to.deep.equal(["photo.jpg"]);
  });

  it("refuses to overwrite a file unless told to", async () => {
    const container = await fixture().newContainer();
    const obj = await put(container, "new.txt", "new content");
    const path = join(await scratchDir(), "existing.txt");
    await writeFile(path, "old content");

    await rejects(obj.download(path), DestinationExistsError);
    expect(await readFile(path, "utf8")).to.equal("old content");

    await obj.download(path, { overwriteExisting: true });
    expect(await readFile(path, "utf8")).to.equal("new content");
  });

  it("leaves an existing file untouched when the object is missing (C05)", async () => {
    const container = await fixture().newContainer();
    const obj = await put(container, "soon-gone.txt", "bytes");
    await obj.delete();
    const dir = await scratchDir();
    const path = join(dir, "keep.txt");
    await writeFile(path, "precious");

    await rejects(obj.download(path, { overwriteExisting: true }), ObjectDoesNotExistError);
    expect(await readFile(path, "utf8")).to.equal("precious");
    expect(await readdir(dir)).to.deep.equal(["keep.txt"]);
  });

  it("downloads a range to a file", async () => {
    const container = await fixture().newContainer();
    const obj = await put(container, "digits", "0123456789");
    const path = join(await scratchDir(), "part");

    await obj.downloadRange(path, 2, 6);
    expect(await readFile(path, "utf8")).to.equal("2345");
  });
}

function rangeTests(fixture: Fixture): void {
  async function digits(): Promise<StorageObject> {
    const container = await fixture().newContainer();
    await put(container, "digits", "0123456789");
    return container.getObject("digits");
  }

  it("reads the C17 ranges with Libcloud's convention, the same on every driver", async () => {
    const obj = await digits();
    for (const [start, end, expected] of RANGES) {
      const got = (await bytesOf(await obj.rangeAsStream(start, end))).toString();
      expect(got, `range (${start}, ${end})`).to.equal(expected);
    }
  });

  it("refuses a start at or past the end with InvalidRangeError", async () => {
    const obj = await digits();
    await rejects(obj.rangeAsStream(10, 12), InvalidRangeError);
    await rejects(obj.rangeAsStream(12, 20), InvalidRangeError);
  });

  it("refuses an end before the start with InvalidArgumentError", async () => {
    const obj = await digits();
    await rejects(obj.rangeAsStream(5, 2), InvalidArgumentError);
  });

  it("reads the first and the last byte of a large object", async () => {
    const container = await fixture().newContainer();
    const body = random(3 * 1024 * 1024 + 17);
    const obj = await put(container, "large.bin", body);

    expect((await bytesOf(await obj.rangeAsStream(0, 1))).equals(body.subarray(0, 1))).to.equal(
      true,
    );
    const tail = await bytesOf(await obj.rangeAsStream(body.length - 1));
    expect(tail.equals(body.subarray(body.length - 1))).to.equal(true);
    const middle = await bytesOf(await obj.rangeAsStream(1_000_000, 2_500_000));
    expect(middle.equals(body.subarray(1_000_000, 2_500_000))).to.equal(true);
  });
}

function missingTests(fixture: Fixture): void {
  it("deletes idempotently", async () => {
    const container = await fixture().newContainer();
    const obj = await put(container, "twice", "x");
    await obj.delete();
    await obj.delete();
    expect(await container.objectExists("twice")).to.equal(false);
  });
}
