// Uploads on fake-gcs-server: one request or resumable chunks, bounded memory, checksums,
// and failed or aborted uploads that must leave no object and an old one intact.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { expect } from "chai";

import {
  InvalidArgumentError,
  ObjectHashMismatchError,
  OperationAbortedError,
  UploadSourceError,
  md5Hex,
  type Container,
  type Logger,
} from "@stowage/core";

import type { GoogleStorageDriver } from "../src/index.js";
import { MARKER, startCorruptingProxy } from "./corrupting-proxy.js";
import { generated, readStream, useGcs } from "./support.js";

const MiB = 1024 * 1024;

/** A logger that keeps the driver's decisions, so a test can see which path an upload took. */
function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const keep = (message: string) => void messages.push(message);
  return { messages, debug: keep, warn: keep };
}

/** Yields `good` bytes, then fails (or ends early by being destroyed). */
async function* failingAfter(good: number, error: Error): AsyncGenerator<Buffer> {
  yield* generated(good);
  throw error;
}

async function bodyOf(container: Container, name: string): Promise<Buffer> {
  return readStream(await (await container.getObject(name)).asStream());
}

describe("GoogleStorageDriver uploads (fake-gcs-server)", function () {
  const gcs = useGcs();
  let driver: GoogleStorageDriver;
  let container: Container;
  let logger: ReturnType<typeof recordingLogger>;

  beforeEach(async function () {
    logger = recordingLogger();
    driver = gcs.driver({ logger, chunkSize: MiB, resumableThreshold: 2 * MiB });
    container = await gcs.container(driver);
  });

  it("sends a known-size body up to the threshold in one request", async function () {
    const body = Buffer.alloc(2 * MiB, 3);
    const obj = await container.uploadObjectViaStream(body, "small.bin");

    expect(obj.hash).to.equal(md5Hex(body));
    expect(logger.messages).to.not.include("uploading resumably");
  });

  it("sends a larger known-size body resumably in chunks, byte-exact", async function () {
    const body = Buffer.alloc(5 * MiB + 17, 9);
    const obj = await container.uploadObjectViaStream(body, "large.bin");

    expect(logger.messages).to.include("uploading resumably");
    expect(obj.size).to.equal(body.length);
    expect(obj.hash).to.equal(md5Hex(body));
    expect((await bodyOf(container, "large.bin")).equals(body)).to.equal(true);
  });

  it("uploads a 7 MiB stream of unknown length (C20) byte-exact", async function () {
    const expected = createHash("md5");
    for await (const chunk of generated(7 * MiB)) expected.update(chunk);

    const obj = await container.uploadObjectViaStream(generated(7 * MiB), "unknown-length.bin", {
      verifyHash: true,
    });
    expect(logger.messages).to.include("uploading resumably");
    expect(obj.size).to.equal(7 * MiB);
    expect(obj.hash).to.equal(expected.digest("hex"));
  });

  it("holds about one chunk in memory however long the stream (C20)", async function () {
    // Live memory only: garbage collection runs before each sample, so that the figure is
    // what the upload holds rather than what the collector has not reclaimed yet.
    setFlagsFromString("--expose_gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;

    async function* sampled(): AsyncGenerator<Buffer> {
      let sent = 0;
      for await (const chunk of generated(32 * MiB)) {
        if (sent % MiB === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
        }
        sent += chunk.length;
        yield chunk;
      }
    }

    const obj = await container.uploadObjectViaStream(sampled(), "bounded.bin");
    expect(obj.size).to.equal(32 * MiB);
    expect(peak).to.be.below(8 * MiB);
  });

  it("reports progress up to the total", async function () {
    const seen: number[] = [];
    await container.uploadObjectViaStream(Buffer.alloc(3 * MiB), "progress.bin", {
      onProgress: ({ bytes }) => seen.push(bytes),
    });

    expect(seen.at(-1)).to.equal(3 * MiB);
    expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
  });

  for (const [label, size] of [
    ["resumable, unknown length", undefined],
    ["one request, declared size", 3 * MiB],
  ] as const) {
    it(`keeps the old object when the source fails (C05, ${label})`, async function () {
      const old = Buffer.alloc(MiB, 1);
      await container.uploadObjectViaStream(old, "replace.bin");
      const driverWithBigThreshold = gcs.driver({ chunkSize: MiB, resumableThreshold: 4 * MiB });

      const failure = new Error("source broke");
      const source = failingAfter(3 * MiB - 1, failure);
      const error = await driverWithBigThreshold
        .uploadObjectViaStream(source, container, "replace.bin", { size })
        .catch((e: unknown) => e);

      expect(error).to.be.instanceOf(UploadSourceError);
      expect((error as UploadSourceError).cause).to.equal(failure);
      expect((await bodyOf(container, "replace.bin")).equals(old)).to.equal(true);
    });
  }

  it("keeps the old object when the source is destroyed without an error (C05)", async function () {
    const old = Buffer.alloc(MiB, 2);
    await container.uploadObjectViaStream(old, "destroyed.bin");
    const source = Readable.from(generated(3 * MiB));
    let sent = 0;
    source.on("data", (chunk: Buffer) => {
      sent += chunk.length;
      if (sent >= 2 * MiB) source.destroy();
    });

    const error = await container
      .uploadObjectViaStream(source, "destroyed.bin")
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UploadSourceError);
    expect((await bodyOf(container, "destroyed.bin")).equals(old)).to.equal(true);
  });

  it("keeps the old object, and stores nothing new, when an upload is aborted", async function () {
    const old = Buffer.alloc(MiB, 4);
    await container.uploadObjectViaStream(old, "aborted.bin");
    const controller = new AbortController();
    async function* abortsAfterTwoChunks(): AsyncGenerator<Buffer> {
      let sent = 0;
      for await (const chunk of generated(6 * MiB)) {
        if (sent === 2 * MiB) controller.abort();
        sent += chunk.length;
        yield chunk;
      }
    }

    const error = await container
      .uploadObjectViaStream(abortsAfterTwoChunks(), "aborted.bin", { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(OperationAbortedError);
    expect((await bodyOf(container, "aborted.bin")).equals(old)).to.equal(true);
  });

  it("refuses a body whose length is not the declared size, storing nothing", async function () {
    const cases = [["short-small", 100], ["short-large", 4 * MiB], ["long", 10]] as const;
    for (const [name, size] of cases) {
      const error = await container
        .uploadObjectViaStream(generated(3 * MiB), name, { size })
        .catch((e: unknown) => e);
      expect(error, name).to.be.instanceOf(InvalidArgumentError);
      expect(await container.objectExists(name), name).to.equal(false);
    }
  });

  describe("through a proxy that damages bytes in transit", function () {
    let proxy: Awaited<ReturnType<typeof startCorruptingProxy>>;

    before(async function () {
      proxy = await startCorruptingProxy(gcs.server().endpoint);
    });

    after(async function () {
      await proxy?.close();
    });

    it("has a one-request upload refused by GCS: its declared MD5 differs", async function () {
      const damaging = gcs.driver({ endpoint: proxy.endpoint });
      const before = proxy.damaged();
      const body = Buffer.concat([MARKER, Buffer.alloc(1000)]);
      const error = await damaging
        .uploadObjectViaStream(body, container, "damaged-small.bin")
        .catch((e: unknown) => e);

      expect(proxy.damaged()).to.equal(before + 1);
      expect(error).to.be.instanceOf(ObjectHashMismatchError);
      expect(await container.objectExists("damaged-small.bin")).to.equal(false);
    });

    it("fails a download whose bytes differ from the object's MD5", async function () {
      const stored = await container.uploadObjectViaStream(MARKER, "damaged-download.bin");
      const damaging = gcs.driver({ endpoint: proxy.endpoint });
      const viaProxy = await damaging.getObject(container.name, stored.name);

      const before = proxy.damaged();
      const error = await readStream(await viaProxy.asStream()).catch((e: unknown) => e);
      expect(proxy.damaged()).to.equal(before + 1);
      expect(error).to.be.instanceOf(ObjectHashMismatchError);

      const unchecked = await viaProxy.asStream({ verifyHash: false });
      expect((await readStream(unchecked)).toString()).to.equal("CORRUPT-ME");
    });

    it("catches a damaged resumable upload by its CRC32C and deletes it", async function () {
      const damaging = gcs.driver({ endpoint: proxy.endpoint, chunkSize: MiB });
      async function* marked(): AsyncGenerator<Buffer> {
        yield MARKER;
        yield* generated(2 * MiB);
      }

      const before = proxy.damaged();
      const error = await damaging
        .uploadObjectViaStream(marked(), container, "damaged-large.bin")
        .catch((e: unknown) => e);

      expect(proxy.damaged()).to.equal(before + 1);
      expect(error).to.be.instanceOf(ObjectHashMismatchError);
      expect(await container.objectExists("damaged-large.bin")).to.equal(false);
    });
  });
});
