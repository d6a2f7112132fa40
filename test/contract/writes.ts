import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";

import {
  ContainerDoesNotExistError,
  OperationAbortedError,
  UploadSourceError,
  type Container,
  type Progress,
} from "@stowage/core";
import { expect } from "chai";

import {
  EMPTY_MD5,
  MiB,
  bytesOf,
  contentOf,
  failingSource,
  generated,
  md5,
  md5Of,
  namesIn,
  put,
  random,
  read,
  rejects,
  type Fixture,
} from "./support.js";

export function writeTests(fixture: Fixture): void {
  describe("uploads", () => {
    sourceTests(fixture);
    emptyTests(fixture);
    largeTests(fixture);
    failedUploadTests(fixture);
  });
}

function sourceTests(fixture: Fixture): void {
  const body = random(300 * 1024);

  const sources: Record<string, () => unknown> = {
    "a Buffer": () => body,
    "a Node stream": () => Readable.from([body.subarray(0, 1000), body.subarray(1000)]),
    "a web ReadableStream": () => Readable.toWeb(Readable.from([body])),
    "an async generator": () =>
      (async function* () {
        yield body.subarray(0, 7);
        yield body.subarray(7);
      })(),
  };

  for (const [kind, make] of Object.entries(sources)) {
    it(`uploads from ${kind}`, async () => {
      const container = await fixture().newContainer();
      const obj = await container.uploadObjectViaStream(make() as Buffer, "from-source.bin");

      expect(obj.name).to.equal("from-source.bin");
      expect(obj.size).to.equal(body.length);
      if (obj.hashAlgorithm === "md5") expect(obj.hash).to.equal(md5(body));
      expect((await read(container, "from-source.bin")).equals(body)).to.equal(true);
    });
  }

  it("uploads from a string as UTF-8", async () => {
    const container = await fixture().newContainer();
    const obj = await put(container, "greeting.txt", "grüße, 世界");
    expect(obj.size).to.equal(Buffer.byteLength("grüße, 世界"));
    expect((await read(container, "greeting.txt")).toString("utf8")).to.equal("grüße, 世界");
  });

  it("uploads a file from disk with uploadObject", async () => {
    const container = await fixture().newContainer();
    const path = join(tmpdir(), `stowage-contract-${process.pid}-${Date.now()}.bin`);
    await writeFile(path, body);

    const obj = await container.uploadObject(path, "from-file.bin", { verifyHash: true });
    expect(obj.size).to.equal(body.length);
    expect((await contentOf(obj)).equals(body)).to.equal(true);
  });

  it("replaces an object with a new body", async () => {
    const container = await fixture().newContainer();
    await put(container, "doc.txt", "first");
    await put(container, "doc.txt", "second version");
    expect((await read(container, "doc.txt")).toString()).to.equal("second version");
    expect(await namesIn(container)).to.deep.equal(["doc.txt"]);
  });

  it("reports progress up to the total", async () => {
    const container = await fixture().newContainer();
    const seen: Progress[] = [];
    await container.uploadObjectViaStream(body, "progress.bin", {
      onProgress: (p) => seen.push(p),
    });
    expect(seen.length).to.be.greaterThan(0);
    expect(seen.at(-1)!.bytes).to.equal(body.length);
  });

  it("fails on a missing container with ContainerDoesNotExistError", async () => {
    const gone = await fixture().newContainer();
    await gone.delete();
    const error = await rejects(put(gone, "x.txt", "x"), ContainerDoesNotExistError);
    expect(error.container).to.equal(gone.name);
  });
}

function emptyTests(fixture: Fixture): void {
  const empties: Record<string, () => unknown> = {
    "an empty Buffer": () => Buffer.alloc(0),
    "an empty string": () => "",
    "an empty stream of known length": () => Readable.from([]),
    "an empty stream of unknown length": () => (async function* () {})(),
  };

  for (const [kind, make] of Object.entries(empties)) {
    it(`stores ${kind} as a 0-byte object (C18)`, async () => {
      const container = await fixture().newContainer();
      const size = kind.includes("known length") && !kind.includes("unknown") ? 0 : undefined;
      const obj = await container.uploadObjectViaStream(make() as Buffer, "empty.bin", { size });
      await expectEmpty(container, obj.name);
    });
  }

  it("stores an empty file as a 0-byte object (C18)", async () => {
    const container = await fixture().newContainer();
    const path = join(tmpdir(), `stowage-empty-${process.pid}-${Date.now()}`);
    await writeFile(path, "");
    await container.uploadObject(path, "empty-file");
    await expectEmpty(container, "empty-file");
  });
}

async function expectEmpty(container: Container, name: string) {
  const head = await container.getObject(name);
  expect(head.size).to.equal(0);
  expect(head.hash).to.be.a("string").and.not.equal("");
  if (head.hashAlgorithm === "md5") expect(head.hash).to.equal(EMPTY_MD5);

  expect((await contentOf(head)).length).to.equal(0);
  expect((await bytesOf(await head.rangeAsStream(0, 0))).length).to.equal(0);
  expect(await namesIn(container)).to.deep.equal([name]);

  await head.delete();
  expect(await namesIn(container)).to.deep.equal([]);
}

function largeTests(fixture: Fixture): void {
  it("round-trips 9 MiB of known length, larger than every buffer", async () => {
    const container = await fixture().newContainer();
    const source = generated(9 * MiB);
    const obj = await container.uploadObjectViaStream(source.stream, "big.bin", {
      size: 9 * MiB,
      verifyHash: true,
    });

    expect(obj.size).to.equal(9 * MiB);
    expect(await md5Of(await (await container.getObject("big.bin")).asStream())).to.equal(
      source.digest(),
    );
  });

  it("round-trips a 7 MiB stream of unknown length (C20)", async () => {
    const container = await fixture().newContainer();
    const source = generated(7 * MiB);
    const obj = await container.uploadObjectViaStream(source.stream, "unknown.bin");

    expect(obj.size).to.equal(7 * MiB);
    expect(await md5Of(await obj.asStream())).to.equal(source.digest());
  });
}

function failedUploadTests(fixture: Fixture): void {
  it("keeps the old object when a replacing source fails after 3 MiB (C05)", async () => {
    const container = await fixture().newContainer();
    const old = random(MiB);
    await put(container, "victim.bin", old);

    const boom = new Error("source broke");
    const error = await rejects(
      container.uploadObjectViaStream(failingSource(3 * MiB, boom), "victim.bin"),
      UploadSourceError,
    );
    expect(error.cause).to.equal(boom);
    expect((await read(container, "victim.bin")).equals(old)).to.equal(true);
    expect(await namesIn(container)).to.deep.equal(["victim.bin"]);
  });

  it("keeps the old object when a replacing source is destroyed without an error (C05)", async () => {
    const container = await fixture().newContainer();
    const old = random(MiB);
    await put(container, "victim.bin", old);

    let pushed = 0;
    const source = new Readable({
      read() {
        if (pushed++ < 3) this.push(random(MiB));
        else this.destroy();
      },
    });
    await rejects(container.uploadObjectViaStream(source, "victim.bin"), UploadSourceError);
    expect((await read(container, "victim.bin")).equals(old)).to.equal(true);
    expect(await namesIn(container)).to.deep.equal(["victim.bin"]);
  });
}
