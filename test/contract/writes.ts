// Uploads from every kind of source, with the hash and size the driver reports.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";

import {
  InvalidArgumentError,
  NotSupportedError,
  type Progress,
  type UploadOptions,
  type UploadSource,
} from "@stowage/core";
import { expect } from "chai";

import {
  contentOf,
  md5,
  namesIn,
  put,
  random,
  read,
  rejects,
  scratchDir,
  type Fixture,
} from "./support.js";

export function writeTests(fixture: Fixture): void {
  describe("uploads", () => {
    sourceTests(fixture);
    fileTests(fixture);
    behaviourTests(fixture);
  });
}

const BODY = random(300 * 1024);

/** Each kind of source an upload takes, each yielding BODY. */
const SOURCES: Record<string, () => UploadSource> = {
  "a Buffer": () => BODY,
  "a Uint8Array": () => new Uint8Array(BODY),
  "a Node stream": () => Readable.from([BODY.subarray(0, 1000), BODY.subarray(1000)]),
  "a web ReadableStream from Node": () => Readable.toWeb(Readable.from([BODY])),
  "a web ReadableStream of its own": () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(BODY.subarray(0, 5000)));
        controller.enqueue(new Uint8Array(BODY.subarray(5000)));
        controller.close();
      },
    }),
  "an async generator": () =>
    (async function* () {
      yield BODY.subarray(0, 7);
      yield BODY.subarray(7);
    })(),
  "an array of Buffers": () => [BODY.subarray(0, 100), BODY.subarray(100)],
};

function sourceTests(fixture: Fixture): void {
  for (const [kind, make] of Object.entries(SOURCES)) {
    it(`uploads from ${kind}, with the MD5 of its bytes`, async () => {
      const container = await fixture().newContainer();
      const obj = await container.uploadObjectViaStream(make(), "from-source.bin");

      expect(obj.name).to.equal("from-source.bin");
      expect(obj.size).to.equal(BODY.length);
      expect(obj.container.name).to.equal(container.name);
      if (obj.hashAlgorithm === "md5") expect(obj.hash).to.equal(md5(BODY));

      const head = await container.getObject("from-source.bin");
      expect(head.size).to.equal(BODY.length);
      if (head.hashAlgorithm === "md5") expect(head.hash).to.equal(md5(BODY));
      expect((await contentOf(head)).equals(BODY)).to.equal(true);
    });
  }

  it("uploads from a string as UTF-8", async () => {
    const container = await fixture().newContainer();
    const obj = await put(container, "greeting.txt", "grüße, 世界");
    expect(obj.size).to.equal(Buffer.byteLength("grüße, 世界"));
    expect((await read(container, "greeting.txt")).toString("utf8")).to.equal("grüße, 世界");
  });

  it("uploads with verifyHash from a Buffer and from a stream", async () => {
    const container = await fixture().newContainer();
    await container.uploadObjectViaStream(BODY, "a.bin", { verifyHash: true });
    const streamed = Readable.from([BODY]);
    await container.uploadObjectViaStream(streamed, "b.bin", { verifyHash: true });

    expect((await read(container, "a.bin")).equals(BODY)).to.equal(true);
    expect((await read(container, "b.bin")).equals(BODY)).to.equal(true);
  });
}

function fileTests(fixture: Fixture): void {
  it("uploads a file from disk with uploadObject and verifyHash", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const path = join(await scratchDir(), "from-file.bin");
    await writeFile(path, BODY);

    const obj = await driver.uploadObject(path, container, "from-file.bin", { verifyHash: true });
    expect(obj.size).to.equal(BODY.length);
    if (obj.hashAlgorithm === "md5") expect(obj.hash).to.equal(md5(BODY));
    expect((await contentOf(obj)).equals(BODY)).to.equal(true);
  });

  it("refuses a file that does not exist, and stores nothing", async () => {
    const container = await fixture().newContainer();
    const path = join(await scratchDir(), "missing.bin");

    await rejects(container.uploadObject(path, "never.bin"), InvalidArgumentError);
    expect(await namesIn(container)).to.deep.equal([]);
  });
}

function behaviourTests(fixture: Fixture): void {
  it("replaces an object with a new body", async () => {
    const container = await fixture().newContainer();
    await put(container, "doc.txt", "first");
    const second = await put(container, "doc.txt", "second version");

    expect(second.size).to.equal(14);
    expect((await read(container, "doc.txt")).toString()).to.equal("second version");
    expect(await namesIn(container)).to.deep.equal(["doc.txt"]);
  });

  it("ends two concurrent uploads to one name as one of the two bodies, whole", async () => {
    const container = await fixture().newContainer();
    const bodies = [random(1024 * 1024), random(1024 * 1024)];

    await Promise.all(bodies.map((body) => put(container, "raced.bin", body)));
    const stored = await read(container, "raced.bin");
    expect(bodies.some((body) => body.equals(stored))).to.equal(true);
    expect(await namesIn(container)).to.deep.equal(["raced.bin"]);
  });

  it("reports progress up to the total", async () => {
    const container = await fixture().newContainer();
    const seen: Progress[] = [];
    await container.uploadObjectViaStream(BODY, "progress.bin", {
      onProgress: (p) => seen.push(p),
    });

    expect(seen.length).to.be.greaterThan(0);
    expect(seen.at(-1)).to.deep.equal({ bytes: BODY.length, total: BODY.length });
    const bytes = seen.map((p) => p.bytes);
    expect(bytes).to.deep.equal([...bytes].sort((a, b) => a - b));
  });

  it("refuses a size that is not a byte count, and an ifNoneMatch other than '*'", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const upload = (name: string, options: UploadOptions) =>
      container.uploadObjectViaStream("x", name, options);

    await rejects(upload("negative.txt", { size: -1 }), InvalidArgumentError);
    await rejects(upload("fraction.txt", { size: 0.5 }), InvalidArgumentError);
    const refusal = driver.capabilities.conditionalWrites
      ? InvalidArgumentError
      : NotSupportedError;
    await rejects(upload("inm.txt", { ifNoneMatch: "abc" as "*" }), refusal);
    expect(await namesIn(container)).to.deep.equal([]);
  });
}
