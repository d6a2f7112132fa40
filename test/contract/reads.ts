// Downloads: to a file (with its overwrite rule), as a stream, and deletes.
import { createReadStream } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import {
  DestinationExistsError,
  ObjectDoesNotExistError,
  PreconditionFailedError,
} from "@stowage/core";
import { expect } from "chai";

import {
  MiB,
  bytesOf,
  generated,
  goneObject,
  md5Of,
  namesIn,
  put,
  random,
  rejects,
  scratchDir,
  type Fixture,
} from "./support.js";

export function readTests(fixture: Fixture): void {
  describe("downloads", () => {
    fileTests(fixture);
    streamTests(fixture);
    staleTests(fixture);
    deleteTests(fixture);
  });
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

  it("downloads 5 MiB to a file through the driver, compared by hash", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const source = generated(5 * MiB);
    await container.uploadObjectViaStream(source.stream, "big.bin");
    const path = join(await scratchDir(), "big.bin");

    const obj = await driver.getObject(container.name, "big.bin");
    expect(await driver.downloadObject(obj, path)).to.equal(true);
    expect(await md5Of(createReadStream(path))).to.equal(source.digest());
  });

  it("refuses to overwrite a file unless told to", async () => {
    const container = await fixture().newContainer();
    const obj = await put(container, "new.txt", "new content");
    const path = join(await scratchDir(), "existing.txt");
    await writeFile(path, "old content");

    const error = await rejects(obj.download(path), DestinationExistsError);
    expect(error.code).to.equal("DESTINATION_EXISTS");
    expect(error.path).to.equal(path);
    expect(await readFile(path, "utf8")).to.equal("old content");

    await obj.download(path, { overwriteExisting: true });
    expect(await readFile(path, "utf8")).to.equal("new content");
  });

  it("leaves an existing file untouched when the object is missing (C05)", async () => {
    const container = await fixture().newContainer();
    const obj = await goneObject(container, "soon-gone.txt");
    const dir = await scratchDir();
    const path = join(dir, "keep.txt");
    await writeFile(path, "precious");

    for (const deleteOnFailure of [true, false]) {
      const options = { overwriteExisting: true, deleteOnFailure };
      await rejects(obj.download(path, options), ObjectDoesNotExistError);
      expect(await readFile(path, "utf8")).to.equal("precious");
      expect(await readdir(dir)).to.deep.equal(["keep.txt"]);
    }
  });
}

function streamTests(fixture: Fixture): void {
  it("streams an object, in chunks no larger than asked where the driver honours it", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const body = random(300 * 1024);
    const obj = await put(container, "chunks.bin", body);

    const stream = await driver.downloadObjectAsStream(obj, { chunkSize: 16 * 1024 });
    expect((await bytesOf(stream)).equals(body)).to.equal(true);
    const viaContainer = await container.downloadObjectAsStream(obj);
    expect((await bytesOf(viaContainer)).equals(body)).to.equal(true);
  });

  it("serves two readers of one object at once", async () => {
    const container = await fixture().newContainer();
    const body = random(MiB);
    const obj = await put(container, "shared.bin", body);

    const [a, b] = await Promise.all([obj.asStream(), obj.asStream()]);
    const [first, second] = await Promise.all([bytesOf(a), bytesOf(b)]);
    expect(first.equals(body) && second.equals(body)).to.equal(true);
  });

  it("releases streams destroyed early; the object reads whole after", async () => {
    const container = await fixture().newContainer();
    const body = random(2 * MiB);
    const obj = await put(container, "early.bin", body);

    for (let i = 0; i < 5; i++) (await obj.asStream()).destroy();
    expect((await bytesOf(await obj.asStream())).equals(body)).to.equal(true);
  });
}

function deleteTests(fixture: Fixture): void {
  it("deletes idempotently", async () => {
    const container = await fixture().newContainer();
    const obj = await put(container, "twice", "x");
    await obj.delete();
    await obj.delete();
    expect(await container.objectExists("twice")).to.equal(false);
  });

  it("deletes one object and leaves its neighbours", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    for (const name of ["d/a", "d/b", "d/a.bak"]) await put(container, name, name);

    await driver.deleteObject({ name: "d/a", container });
    expect(await namesIn(container)).to.deep.equal(["d/a.bak", "d/b"]);
  });
}

/**
 * Reads a range through a handle fetched before its object was replaced by a body at least
 * as long: the range of the new bytes, or an error that says the version is gone.
 */
function staleTests(fixture: Fixture): void {
  for (const [label, body] of Object.entries({
    "a body of the same size": "BBBBBBBBBB",
    "a longer body": "DDDDDDDDDDDDDDDDDDDD",
  })) {
    it(`reads a range of a handle replaced by ${label}: new bytes or a version error`, async () => {
      const container = await fixture().newContainer();
      const stale = await put(container, "v.txt", "AAAAAAAAAA");
      await put(container, "v.txt", body);

      let got: Buffer;
      try {
        got = await bytesOf(await stale.rangeAsStream(0, 5));
      } catch (error) {
        const versionGone = [PreconditionFailedError, ObjectDoesNotExistError];
        const named = versionGone.some((kind) => error instanceof kind);
        return void expect(named, `got ${String(error)}`).to.equal(true);
      }
      expect(got.toString()).to.equal(body.slice(0, 5));
    });
  }
}
