import { spawn } from "node:child_process";
import { mkdir, readdir, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import { OperationAbortedError, UploadSourceError } from "@stowage/core";

import { LocalStorageDriver } from "@stowage/local";

import {
  bodyOf,
  listedNames,
  md5,
  failsWith,
  rejectionOf,
  sandbox,
  type Sandbox,
} from "./support.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/killed-upload.ts", import.meta.url));

/** A body as a stream of two chunks, so that it arrives in more than one write. */
function inTwoChunks(body: Buffer): Readable {
  return Readable.from([body.subarray(0, body.length >> 1), body.subarray(body.length >> 1)]);
}

/** Files in the container's directory for writes in progress. */
async function tempFiles(box: Sandbox): Promise<string[]> {
  return readdir(join(box.root, "box", ".stowage", "tmp"));
}

describe("LocalStorageDriver atomic writes (C04)", () => {
  let box: Sandbox;

  beforeEach(async () => {
    box = await sandbox();
  });

  afterEach(() => box.cleanup());

  it("lets readers see only complete versions while an object is rewritten 100 times", async () => {
    const bodies = [Buffer.alloc(256 * 1024, "a"), Buffer.alloc(256 * 1024, "b")];
    await box.container.uploadObjectViaStream(bodies[0]!, "doc.bin");
    let writing = true;
    let reads = 0;

    const reader = async () => {
      while (writing) {
        const obj = await box.container.getObject("doc.bin");
        const body = await bodyOf(obj);
        const complete = body.equals(bodies[0]!) || body.equals(bodies[1]!);
        expect(complete, "a complete version").to.equal(true);
        expect(await listedNames(box.container)).to.deep.equal(["doc.bin"]);
        reads++;
      }
    };
    const writer = async () => {
      for (let round = 0; round < 100; round++) {
        await box.container.uploadObjectViaStream(bodies[round % 2]!, "doc.bin");
      }
      writing = false;
    };

    await Promise.all([writer(), reader(), reader(), reader()]);
    expect(reads).to.be.greaterThan(3);
    expect(await tempFiles(box)).to.deep.equal([]);
  });

  it("ends two concurrent 8 MiB uploads to one name as one body, with its metadata", async () => {
    const first = Buffer.alloc(8 << 20, "1");
    const second = Buffer.alloc(8 << 20, "2");
    const upload = (body: Buffer, who: string, type: string) =>
      box.container.uploadObjectViaStream(inTwoChunks(body), "big", {
        extra: { metaData: { who }, contentType: type },
      });

    await Promise.all([upload(first, "first", "text/one"), upload(second, "second", "text/two")]);

    const obj = await box.container.getObject("big");
    const body = await bodyOf(obj);
    const winner = body.equals(first) ? "first" : body.equals(second) ? "second" : "neither";
    expect(winner).to.not.equal("neither");
    expect(obj.hash).to.equal(md5(body));
    expect(obj.metaData).to.deep.equal({ who: winner });
    expect(obj.contentType).to.equal(winner === "first" ? "text/one" : "text/two");
    expect(await tempFiles(box)).to.deep.equal([]);
  });

  it("keeps the previous complete version when the writing process is killed", async function () {
    this.timeout(30_000);
    const old = Buffer.alloc(1 << 20, "o");
    const extra = { metaData: { version: "old" } };
    await box.container.uploadObjectViaStream(old, "victim.bin", { extra });

    const child = spawn(
      process.execPath,
      ["--conditions=@stowage/source", "--import", "tsx", FIXTURE, box.root, "box", "victim.bin"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (data: Buffer) => data.toString().includes("streaming") && resolve());
      child.once("exit", (code) => reject(new Error(`the child exited early (${code})`)));
    });
    const partial = await tempFiles(box);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));

    // The killed upload left its unfinished file behind, and that file is never listed.
    expect(partial).to.have.length(1);
    const unfinished = await stat(join(box.root, "box", ".stowage", "tmp", partial[0]!));
    expect(unfinished.size).to.be.greaterThan(0);
    expect(await listedNames(box.container)).to.deep.equal(["victim.bin"]);

    const obj = await box.container.getObject("victim.bin");
    expect((await bodyOf(obj)).equals(old)).to.equal(true);
    expect(obj.metaData).to.deep.equal({ version: "old" });
    expect(obj.hash).to.equal(md5(old));
  });

  it("clears temporary files killed writers left days ago, on first write", async () => {
    const tmp = join(box.root, "box", ".stowage", "tmp");
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, "abandoned.part"), "old");
    await writeFile(join(tmp, "recent.part"), "in progress");
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    await utimes(join(tmp, "abandoned.part"), twoDaysAgo, twoDaysAgo);

    await new LocalStorageDriver(box.root).uploadObjectViaStream("x", box.container, "x");
    expect(await readdir(tmp)).to.deep.equal(["recent.part"]);
  });
});

describe("LocalStorageDriver failed writes (C05)", () => {
  let box: Sandbox;

  beforeEach(async () => {
    box = await sandbox();
  });

  afterEach(() => box.cleanup());

  it("leaves the old object intact when the source fails after 3 MiB", async () => {
    const old = Buffer.alloc(1 << 20, "o");
    await box.container.uploadObjectViaStream(old, "keep.bin");

    async function* failing() {
      for (let i = 0; i < 3; i++) yield Buffer.alloc(1 << 20, "x");
      throw new Error("source broke");
    }
    const error = await rejectionOf(box.container.uploadObjectViaStream(failing(), "keep.bin"));
    expect(error).to.be.instanceOf(UploadSourceError);
    expect(((error as Error).cause as Error).message).to.equal("source broke");

    expect((await bodyOf(await box.container.getObject("keep.bin"))).equals(old)).to.equal(true);
    expect(await tempFiles(box)).to.deep.equal([]);
  });

  it("leaves nothing behind when the upload is aborted mid-stream", async () => {
    const controller = new AbortController();
    async function* slow() {
      yield Buffer.alloc(1 << 20, "x");
      controller.abort();
      yield Buffer.alloc(1 << 20, "y");
    }
    const signal = controller.signal;
    const upload = box.container.uploadObjectViaStream(slow(), "never.bin", { signal });

    await failsWith(upload, OperationAbortedError);
    expect(await listedNames(box.container)).to.deep.equal([]);
    expect(await tempFiles(box)).to.deep.equal([]);
  });
});
