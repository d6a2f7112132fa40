import { EventEmitter } from "node:events";
import { Readable } from "node:stream";

import {
  HashingStream,
  InvalidArgumentError,
  knownLength,
  md5Hex,
  readAll,
  toReadable,
  type UploadSource,
} from "@stowage/core";
import { expect } from "chai";

const TEXT = "grüße, 世界";
const BYTES = Buffer.from(TEXT);

/** An old-style stream: an EventEmitter with pipe() that emits data on its own. */
function legacyStream(): NodeJS.ReadableStream {
  const legacy = new EventEmitter() as unknown as NodeJS.ReadableStream;
  const self = () => legacy;
  Object.assign(legacy, { pipe: self, pause: self, resume: self });
  setImmediate(() => {
    legacy.emit("data", BYTES.subarray(0, 5));
    legacy.emit("data", BYTES.subarray(5));
    legacy.emit("end");
  });
  return legacy;
}

const SOURCES: Record<string, () => UploadSource> = {
  "a string, as UTF-8": () => TEXT,
  "a Buffer": () => BYTES,
  "a Uint8Array": () => new Uint8Array(BYTES),
  "a Readable": () => Readable.from([BYTES.subarray(0, 3), BYTES.subarray(3)]),
  "a web ReadableStream": () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(BYTES));
        controller.close();
      },
    }),
  "an async generator of strings": () =>
    (async function* () {
      yield "grüße, ";
      yield "世界";
    })(),
  "an array of Uint8Arrays": () => [BYTES.subarray(0, 2), new Uint8Array(BYTES.subarray(2))],
  "an old-style Node stream": legacyStream,
};

describe("toReadable", () => {
  for (const [kind, make] of Object.entries(SOURCES)) {
    it(`reads ${kind}`, async () => {
      const stream = toReadable(make());
      expect(stream).to.be.instanceOf(Readable);
      expect((await readAll(stream)).equals(BYTES)).to.equal(true);
    });
  }

  it("returns a Readable as it is, unread", () => {
    const source = Readable.from([BYTES]);
    expect(toReadable(source)).to.equal(source);
    expect(source.readableDidRead).to.equal(false);
  });

  it("refuses what is not a source of bytes", () => {
    for (const bad of [42, null, undefined, { length: 3 }]) {
      expect(() => toReadable(bad as unknown as UploadSource)).to.throw(InvalidArgumentError);
    }
  });

  it("fails the stream when an iterable yields something other than bytes", async () => {
    const stream = toReadable([{ not: "bytes" }] as unknown as Iterable<Uint8Array>);
    let error: unknown;
    await readAll(stream).catch((e) => (error = e));
    expect(error).to.be.instanceOf(InvalidArgumentError);
  });
});

describe("knownLength", () => {
  it("counts the UTF-8 bytes of strings and the bytes of buffers", () => {
    expect(knownLength(TEXT)).to.equal(BYTES.length);
    expect(knownLength(BYTES)).to.equal(BYTES.length);
    expect(knownLength(new Uint8Array(5))).to.equal(5);
    expect(knownLength("")).to.equal(0);
  });

  it("does not know the length of streams and iterables", () => {
    expect(knownLength(Readable.from([BYTES]))).to.equal(undefined);
    expect(knownLength([BYTES])).to.equal(undefined);
  });
});

describe("HashingStream", () => {
  it("counts and hashes the bytes that pass, and reports the running count", async () => {
    const seen: number[] = [];
    const hashing = new HashingStream("md5", (bytes) => seen.push(bytes));
    const out = Readable.from([BYTES.subarray(0, 4), BYTES.subarray(4)]).pipe(hashing);

    expect((await readAll(out)).equals(BYTES)).to.equal(true);
    expect(hashing.bytes).to.equal(BYTES.length);
    expect(hashing.digest()).to.equal(md5Hex(BYTES));
    expect(hashing.digest()).to.equal(md5Hex(TEXT));
    expect(seen).to.deep.equal([4, BYTES.length]);
  });

  it("gives the MD5 of nothing for an empty stream", async () => {
    const hashing = new HashingStream();
    await readAll(Readable.from([]).pipe(hashing));
    expect(hashing.digest()).to.equal("d41d8cd98f00b204e9800998ecf8427e");
  });
});
