import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import {
  InvalidArgumentError,
  NotSupportedError,
  ObjectDoesNotExistError,
  ObjectHashMismatchError,
  PreconditionFailedError,
  getDriver,
  Provider,
  readAll,
  type UploadOptions,
} from "@stowage/core";

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

describe("LocalStorageDriver objects", () => {
  let box: Sandbox;

  beforeEach(async () => {
    box = await sandbox();
  });

  afterEach(() => box.cleanup());

  it("is the driver registered for Provider.LOCAL", () => {
    expect(getDriver(Provider.LOCAL)).to.equal(LocalStorageDriver);
  });

  it("keeps metadata and headers beside the object, not in the object's directory", async () => {
    const headers = { "Cache-Control": "max-age=60", "Content-Disposition": "attachment" };
    await box.container.uploadObjectViaStream("body", "docs/a.txt", {
      extra: { contentType: "text/x-custom", metaData: { owner: "ann", "file-name": "報告" } },
      headers,
    });

    const listed = (await box.container.listObjects())[0]!;
    const fresh = await new LocalStorageDriver(box.root).getObject("box", "docs/a.txt");
    for (const obj of [listed, fresh]) {
      expect(obj.contentType).to.equal("text/x-custom");
      expect(obj.metaData).to.deep.equal({ owner: "ann", "file-name": "報告" });
      expect(obj.extra.cacheControl).to.equal("max-age=60");
      expect(obj.extra.contentDisposition).to.equal("attachment");
      expect(obj.hash).to.equal(md5("body")).and.to.equal(obj.extra.version);
    }
    expect(await readdir(join(box.root, "box", "docs"))).to.deep.equal(["a.txt"]);
  });

  it("reads ranges with an exclusive end through file streams", async () => {
    const obj = await box.container.uploadObjectViaStream("0123456789", "digits");
    const read = async (start: number, end?: number) =>
      (await readAll(await obj.rangeAsStream(start, end))).toString();
    expect(await read(0, 3)).to.equal("012");
    expect(await read(9, 10)).to.equal("9");
    expect(await read(3)).to.equal("3456789");
    expect(await read(0, 100)).to.equal("0123456789");
    expect(await read(5, 5)).to.equal("");
  });

  it("honours a small chunk size with back-pressure", async () => {
    const obj = await box.container.uploadObjectViaStream(Buffer.alloc(100_000, 7), "big");
    const stream = await box.driver.downloadObjectAsStream(obj, { chunkSize: 1_000 });
    let chunks = 0;
    for await (const chunk of stream) {
      expect((chunk as Buffer).length).to.be.at.most(1_000);
      chunks++;
    }
    expect(chunks).to.be.at.least(100);
  });

  it("verifies a hash on upload and on download when asked", async () => {
    const obj = await box.container.uploadObjectViaStream("checked", "c.txt", { verifyHash: true });
    expect(obj.hash).to.equal(md5("checked"));
    const stream = await box.driver.downloadObjectAsStream(obj, { verifyHash: true });
    expect((await readAll(stream)).toString()).to.equal("checked");
  });

  it("creates only if absent (ifNoneMatch), replaces only a version (ifMatch)", async () => {
    const put = (body: string, name: string, options: UploadOptions) =>
      box.container.uploadObjectViaStream(body, name, options);
    const first = await put("one", "cas", { ifNoneMatch: "*" });
    await failsWith(put("two", "cas", { ifNoneMatch: "*" }), PreconditionFailedError);

    const second = await put("two", "cas", { ifMatch: first.extra.version });
    await failsWith(put("three", "cas", { ifMatch: first.extra.version }), PreconditionFailedError);
    await failsWith(put("x", "none", { ifMatch: second.hash }), PreconditionFailedError);
    expect((await bodyOf(await box.container.getObject("cas"))).toString()).to.equal("two");
  });

  it("lets exactly one of many concurrent create-only writes win", async () => {
    const attempts = Array.from({ length: 20 }, (_, i) =>
      box.container.uploadObjectViaStream(`writer ${i}`, "once", { ifNoneMatch: "*" }).then(
        () => "won",
        (error) => (error instanceof PreconditionFailedError ? "lost" : error),
      ),
    );
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === "won")).to.have.length(1);
    expect(outcomes.filter((o) => o === "lost")).to.have.length(19);
    expect(await readdir(join(box.root, "box", ".stowage", "tmp"))).to.deep.equal([]);
  });

  it("copies with metadata, or replaces it when asked", async () => {
    const source = await box.container.uploadObjectViaStream("bytes", "src.txt", {
      extra: { metaData: { k: "v" } },
      headers: { "Cache-Control": "no-store" },
    });
    const other = await box.driver.createContainer("other");

    const kept = await source.copyTo(other, "deep/copy.txt");
    expect(kept.metaData).to.deep.equal({ k: "v" });
    expect(kept.extra.cacheControl).to.equal("no-store");
    expect((await bodyOf(await other.getObject("deep/copy.txt"))).toString()).to.equal("bytes");

    const extra = { metaData: { n: "1" } };
    const replaced = await source.copyTo(box.container, "new.json", { extra });
    expect(replaced.metaData).to.deep.equal({ n: "1" });
    expect(replaced.contentType).to.equal("application/json");
    expect(await listedNames(box.container)).to.deep.equal(["new.json", "src.txt"]);
  });

  it("moves by renaming, with metadata, and removes the emptied source directories", async () => {
    const source = await box.container.uploadObjectViaStream("bytes", "from/here/a.txt", {
      extra: { metaData: { k: "v" } },
    });
    const moved = await source.moveTo(box.container, "to/there.txt");

    expect(moved.metaData).to.deep.equal({ k: "v" });
    expect(await listedNames(box.container)).to.deep.equal(["to/there.txt"]);
    expect((await readdir(join(box.root, "box"))).sort()).to.deep.equal([".stowage", "to"]);
    const body = await bodyOf(await box.container.getObject("to/there.txt"));
    expect(body.toString()).to.equal("bytes");

    const gone = rejectionOf(source.moveTo(box.container, "again.txt"));
    expect(await gone).to.be.instanceOf(ObjectDoesNotExistError);
    expect(await moved.moveTo(box.container, "to/there.txt")).to.equal(moved);
  });

  it("answers file:// CDN URLs that address the exact file", async () => {
    const name = "dir/a b#?%+é\\x.txt";
    const obj = await box.container.uploadObjectViaStream("url", name);
    const url = await obj.getCdnUrl();

    expect(url.startsWith("file://")).to.equal(true);
    expect(await readFile(fileURLToPath(url), "utf8")).to.equal("url");
    expect(fileURLToPath(await box.container.getCdnUrl())).to.equal(join(box.root, "box") + "/");
  });

  it("answers URLs under a configured base URL, one encoded segment each", async () => {
    const driver = new LocalStorageDriver(box.root, { baseUrl: "https://files.example.com/up" });
    const container = await driver.getContainer("box");
    const obj = await container.uploadObjectViaStream("x", "a b/c#d?e%f");
    expect(await obj.getCdnUrl()).to.equal("https://files.example.com/up/box/a%20b/c%23d%3Fe%25f");
    expect(await container.getCdnUrl()).to.equal("https://files.example.com/up/box/");
    const invalid = () => new LocalStorageDriver(box.root, { baseUrl: "not a url" });
    expect(invalid).to.throw(InvalidArgumentError);
  });

  it("does not sign URLs", async () => {
    const obj = await box.container.uploadObjectViaStream("x", "s");
    expect(box.driver.capabilities.signedUrls).to.equal(false);
    await failsWith(obj.getSignedUrl(), NotSupportedError);
    await failsWith(box.container.getSignedUploadUrl("s"), NotSupportedError);
  });

  it("does not verify downloads by default, but does when asked", async () => {
    const stale = await box.container.uploadObjectViaStream("first", "v.txt");
    await writeFile(join(box.root, "box", "v.txt"), "other");

    expect((await readAll(await stale.asStream())).toString()).to.equal("other");
    const checked = rejectionOf(readAll(await stale.asStream({ verifyHash: true })));
    expect(await checked).to.be.instanceOf(ObjectHashMismatchError);
  });
});
