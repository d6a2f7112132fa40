import { once } from "node:events";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";

import {
  DestinationExistsError,
  ObjectHashMismatchError,
  guardStream,
  md5Hex,
  readAll,
  saveStreamToFile,
} from "@stowage/core";
import { expect } from "chai";

/** A source that never yields: only destroying it ends it. */
function idleSource(): Readable {
  return new Readable({ read() {} });
}

const asError = (error: unknown) => error as Error;

describe("guardStream", () => {
  it("releases the source when the result is destroyed before any read", async () => {
    const source = idleSource();
    const guarded = guardStream(source, asError);

    guarded.destroy();
    await once(guarded, "close");
    expect(source.destroyed).to.equal(true);
  });

  it("releases the source when the result is destroyed midway", async () => {
    const source = Readable.from([Buffer.from("a"), Buffer.from("b")]);
    const guarded = guardStream(source, asError);

    for await (const chunk of guarded) {
      expect(chunk.toString()).to.equal("a");
      break;
    }
    if (!guarded.closed) await new Promise((resolve) => guarded.once("close", resolve));
    expect(source.destroyed).to.equal(true);
  });

  it("passes the bytes through and checks their MD5 at the end", async () => {
    const body = Buffer.from("checked bytes");
    const ok = guardStream(Readable.from([body]), asError, { objectName: "o", md5: md5Hex(body) });
    expect((await readAll(ok)).equals(body)).to.equal(true);

    const bad = guardStream(Readable.from([body]), asError, { objectName: "o", md5: md5Hex("x") });
    let error: unknown;
    await readAll(bad).catch((e) => (error = e));
    expect(error).to.be.instanceOf(ObjectHashMismatchError);
  });

  it("maps the source's errors", async () => {
    const source = new Readable({
      read() {
        this.destroy(new Error("disk gone"));
      },
    });
    const guarded = guardStream(source, (e) => new Error(`mapped: ${(e as Error).message}`));
    let error: unknown;
    await readAll(guarded).catch((e) => (error = e));
    expect((error as Error).message).to.equal("mapped: disk gone");
  });
});

describe("saveStreamToFile", () => {
  const options = { overwriteExisting: false, deleteOnFailure: true };

  it("refuses an existing destination and releases the stream", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stowage-save-"));
    const path = join(dir, "taken");
    await writeFile(path, "old");
    const source = idleSource();

    let error: unknown;
    await saveStreamToFile(source, path, options).catch((e) => (error = e));
    expect(error).to.be.instanceOf(DestinationExistsError);
    expect(source.destroyed).to.equal(true);
    expect(await readFile(path, "utf8")).to.equal("old");
  });

  it("leaves no partial file when the stream fails", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stowage-save-"));
    async function* failing() {
      yield Buffer.from("half");
      throw new Error("cut");
    }

    let error: unknown;
    await saveStreamToFile(Readable.from(failing()), join(dir, "out"), options).catch(
      (e) => (error = e),
    );
    expect((error as Error).message).to.equal("cut");
    expect(await readdir(dir)).to.deep.equal([]);
  });
});
