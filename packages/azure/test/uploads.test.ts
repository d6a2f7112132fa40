import { Readable } from "node:stream";

import { expect } from "chai";

import {
  InvalidArgumentError,
  OperationAbortedError,
  PreconditionFailedError,
  UploadSourceError,
  md5Hex,
  type Container,
} from "@stowage/core";

import { MAX_BLOCKS } from "../src/limits.js";
import { blockSizeFor } from "../src/upload-plan.js";
import { generated, readStream, rejection, useAzurite } from "./support.js";

const KiB = 1024;
const MiB = 1024 * KiB;

describe("Azure block uploads (Azurite)", () => {
  const azurite = useAzurite();
  let container: Container;

  beforeEach(async () => {
    container = await azurite.container(azurite.driver({ blockSize: 256 * KiB, concurrency: 3 }));
  });

  it("sends a stream larger than a block as blocks, with the MD5 of the whole", async () => {
    const body = await readStream(generated(3 * MiB + 123, 50_000));
    const progress: number[] = [];
    const source = Readable.from(generated(3 * MiB + 123, 50_000));
    const obj = await container.uploadObjectViaStream(source, "big.bin", {
      onProgress: ({ bytes }) => progress.push(bytes),
      verifyHash: true,
    });

    expect(obj.size).to.equal(body.length);
    expect(obj.hashAlgorithm).to.equal("md5");
    expect(obj.hash).to.equal(md5Hex(body));
    expect(progress.at(-1)).to.equal(body.length);

    const head = await container.getObject("big.bin");
    expect(head.hash).to.equal(md5Hex(body));
    const read = await readStream(await head.asStream());
    expect(read.equals(body)).to.equal(true);

    const blocks = await blockList(container, "big.bin");
    expect(blocks.committed).to.equal(Math.ceil(body.length / (256 * KiB)));
  });

  it("uploads a 7 MiB stream of unknown length with bounded memory (C20)", async () => {
    const driver = azurite.driver({ blockSize: 1 * MiB, concurrency: 2 });
    const target = await driver.getContainer(container.name);
    let pulled = 0;
    let peak = 0;
    // Every 512 KiB pulled from the source, ask Azurite how many bytes it has staged: the
    // difference is what the upload holds in memory (plus what streams buffer).
    async function* watched() {
      for await (const chunk of generated(7 * MiB, 64 * KiB)) {
        if (pulled % (512 * KiB) === 0) {
          const staged = (await blockList(target, "seven.bin")).uncommittedBytes;
          peak = Math.max(peak, pulled - staged);
        }
        pulled += chunk.length;
        yield chunk;
      }
    }
    const obj = await target.uploadObjectViaStream(watched(), "seven.bin");

    expect(obj.size).to.equal(7 * MiB);
    expect(peak).to.be.greaterThan(0);
    // concurrency blocks in flight, one being filled, and the stream buffers' 64 KiB chunks.
    expect(peak).to.be.at.most(3 * MiB + 256 * KiB);
    expect((await target.getObject("seven.bin")).hash).to.equal(obj.hash);
  });

  it("uploads empty Buffers, strings and streams as 0-byte objects (C18)", async () => {
    const sources = [Buffer.alloc(0), "", Readable.from([]), generated(0)];
    for (const [i, source] of sources.entries()) {
      const obj = await container.uploadObjectViaStream(source, `empty-${i}`);
      expect(obj.size).to.equal(0);
      expect(obj.hash).to.equal(md5Hex(""));
      expect((await container.getObject(`empty-${i}`)).hash).to.equal(md5Hex(""));
      expect((await readStream(await obj.asStream())).length).to.equal(0);
    }
  });

  it("commits nothing when the source fails, keeping the old object intact (C05)", async () => {
    const old = Buffer.alloc(1 * MiB, 1);
    await container.uploadObjectViaStream(old, "keep.bin");

    async function* failing() {
      yield* generated(3 * MiB);
      throw new Error("source broke");
    }
    const error = await rejection(container.uploadObjectViaStream(failing(), "keep.bin"));
    expect(error).to.be.instanceOf(UploadSourceError);
    expect((error as Error).cause).to.have.property("message", "source broke");

    const read = await readStream(await (await container.getObject("keep.bin")).asStream());
    expect(read.equals(old)).to.equal(true);

    const fresh = await rejection(container.uploadObjectViaStream(failing(), "never.bin"));
    expect(fresh).to.be.instanceOf(UploadSourceError);
    expect(await container.objectExists("never.bin")).to.equal(false);
  });

  it("commits nothing when the caller aborts mid-upload", async () => {
    const controller = new AbortController();
    async function* slow() {
      let sent = 0;
      for await (const chunk of generated(4 * MiB)) {
        sent += chunk.length;
        if (sent > 1 * MiB) controller.abort();
        yield chunk;
      }
    }
    const error = await rejection(
      container.uploadObjectViaStream(slow(), "aborted.bin", { signal: controller.signal }),
    );
    expect(error).to.be.instanceOf(OperationAbortedError);
    expect(await container.objectExists("aborted.bin")).to.equal(false);
  });

  it("refuses a source whose length is not the declared size, committing nothing", async () => {
    for (const [size, total] of [[2 * MiB, 1 * MiB], [1 * MiB, 2 * MiB], [10, 5]] as const) {
      const error = await rejection(
        container.uploadObjectViaStream(Readable.from(generated(total)), "sized.bin", { size }),
      );
      expect(error, `${size} vs ${total}`).to.be.instanceOf(InvalidArgumentError);
    }
    expect(await container.objectExists("sized.bin")).to.equal(false);
  });

  it("honours ifNoneMatch and ifMatch on single and block uploads", async () => {
    for (const size of [10, 1 * MiB]) {
      const name = `cond-${size}`;
      const put = (fill: number, options: object) =>
        container.uploadObjectViaStream(Buffer.alloc(size, fill), name, options);
      const first = await put(1, { ifNoneMatch: "*" });
      const again = put(2, { ifNoneMatch: "*" });
      expect(await rejection(again)).to.be.instanceOf(PreconditionFailedError);

      const stale = '"0x8D0000000000000"';
      const wrong = put(3, { ifMatch: stale });
      expect(await rejection(wrong)).to.be.instanceOf(PreconditionFailedError);

      const ok = await container.uploadObjectViaStream(Buffer.alloc(size, 4), name, {
        ifMatch: first.extra.version,
      });
      expect((await container.getObject(name)).hash).to.equal(ok.hash);
      expect(ok.hash).to.equal(md5Hex(Buffer.alloc(size, 4)));
    }
  });
});

describe("Azure block sizes (C20)", () => {
  it("keeps the configured block size while 50,000 blocks suffice", () => {
    expect(blockSizeFor(undefined, 4 * MiB)).to.equal(4 * MiB);
    expect(blockSizeFor(MAX_BLOCKS * 4 * MiB, 4 * MiB)).to.equal(4 * MiB);
  });

  it("grows the block size for a known size beyond 50,000 blocks", () => {
    const size = MAX_BLOCKS * 4 * MiB + 1;
    const grown = blockSizeFor(size, 4 * MiB);
    expect(grown).to.equal(5 * MiB);
    expect(Math.ceil(size / grown)).to.be.at.most(MAX_BLOCKS);
  });

  it("refuses a size beyond 50,000 of Azure's largest blocks, naming the limit", () => {
    expect(() => blockSizeFor(MAX_BLOCKS * 4000 * MiB + 1, 8 * MiB)).to.throw(
      InvalidArgumentError,
      /50000 blocks/,
    );
  });
});

describe("Azure upload limits (Azurite)", () => {
  const azurite = useAzurite();

  it("refuses an upload too large for any block size before reading a byte", async () => {
    const container = await azurite.container();
    let read = false;
    const source = new Readable({
      read() {
        read = true;
        this.push(Buffer.alloc(1024));
      },
    });
    const size = MAX_BLOCKS * 4000 * MiB + 1;
    const error = await rejection(container.uploadObjectViaStream(source, "huge.bin", { size }));
    expect(error).to.be.instanceOf(InvalidArgumentError);
    expect((error as Error).message).to.match(/50000 blocks/);
    expect(read).to.equal(false);
    source.destroy();
  });
});

async function blockList(container: Container, name: string) {
  const driver = container.driver as import("../src/index.js").AzureBlobsStorageDriver;
  const client = driver.service.getContainerClient(container.name).getBlockBlobClient(name);
  const list = await client.getBlockList("all").catch(() => undefined);
  const uncommitted = list?.uncommittedBlocks ?? [];
  return {
    committed: list?.committedBlocks?.length ?? 0,
    uncommitted: uncommitted.length,
    uncommittedBytes: uncommitted.reduce((sum, block) => sum + block.size, 0),
  };
}
