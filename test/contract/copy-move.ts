// Copy and move, within and across containers; C12: invalid destinations are refused before
// any request, and a copy or move onto itself never loses the source.
import { InvalidObjectNameError } from "@stowage/core";
import { expect } from "chai";

import { md5, namesIn, put, read, rejects, type Fixture } from "./support.js";

export function copyMoveTests(fixture: Fixture): void {
  describe("copy and move", () => {
    copyTests(fixture);
    moveTests(fixture);
    refusalTests(fixture);
  });
}

function copyTests(fixture: Fixture): void {
  it("copies within a container and keeps content type, metadata and headers", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const extra = driver.capabilities.metadata
      ? { contentType: "text/csv", metaData: { owner: "ana", "original-name": "表.csv" } }
      : { contentType: "text/csv" };
    const headers = { "Cache-Control": "no-cache" };
    const source = await container.uploadObjectViaStream("a,b", "src.csv", { extra, headers });

    const copy = await source.copyTo(container, "dir/copy.csv");
    expect(copy.name).to.equal("dir/copy.csv");
    expect(copy.size).to.equal(3);
    if (copy.hashAlgorithm === "md5") expect(copy.hash).to.equal(md5("a,b"));

    const fetched = await container.getObject("dir/copy.csv");
    expect((await read(container, "dir/copy.csv")).toString()).to.equal("a,b");
    expect(fetched.contentType).to.equal("text/csv");
    expect(fetched.metaData).to.deep.equal(extra.metaData ?? {});
    expect(fetched.extra.cacheControl).to.equal("no-cache");
    expect(await namesIn(container)).to.deep.equal(["dir/copy.csv", "src.csv"]);
  });

  it("replaces content type and metadata when the copy is given extra", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const source = await put(container, "src.txt", "text");
    const extra = driver.capabilities.metadata
      ? { contentType: "text/markdown", metaData: { stage: "reviewed" } }
      : { contentType: "text/markdown" };

    await source.copyTo(container, "dst.md", { extra });
    const copy = await container.getObject("dst.md");
    expect(copy.contentType).to.equal("text/markdown");
    expect(copy.metaData).to.deep.equal(extra.metaData ?? {});
    expect((await container.getObject("src.txt")).contentType).to.match(/^text\/plain/);
  });

  it("copies across containers", async () => {
    const from = await fixture().newContainer();
    const to = await fixture().newContainer();
    const source = await put(from, "x.bin", "payload");

    const copy = await source.copyTo(to, "y.bin");
    expect(copy.container.name).to.equal(to.name);
    expect((await read(to, "y.bin")).toString()).to.equal("payload");
    expect((await read(from, "x.bin")).toString()).to.equal("payload");
  });

  it("replaces an existing destination", async () => {
    const container = await fixture().newContainer();
    const source = await put(container, "new.txt", "new body");
    await put(container, "target.txt", "old body that was longer");

    await source.copyTo(container, "target.txt");
    const target = await container.getObject("target.txt");
    expect(target.size).to.equal(8);
    expect((await read(container, "target.txt")).toString()).to.equal("new body");
  });
}

function moveTests(fixture: Fixture): void {
  it("moves an object within a container", async () => {
    const container = await fixture().newContainer();
    const source = await put(container, "old/name.txt", "moving");

    const moved = await source.moveTo(container, "new/name.txt");
    expect(moved.name).to.equal("new/name.txt");
    expect(await namesIn(container)).to.deep.equal(["new/name.txt"]);
    expect((await read(container, "new/name.txt")).toString()).to.equal("moving");
  });

  it("moves an object across containers", async () => {
    const from = await fixture().newContainer();
    const to = await fixture().newContainer();
    const source = await put(from, "a.txt", "travels");

    await source.moveTo(to, "b.txt");
    expect(await namesIn(from)).to.deep.equal([]);
    expect(await namesIn(to)).to.deep.equal(["b.txt"]);
    expect((await read(to, "b.txt")).toString()).to.equal("travels");
  });

  it("keeps the source when copied or moved onto itself (C12)", async () => {
    const container = await fixture().newContainer();
    const source = await put(container, "foo", "still here");

    await source.copyTo(container, "foo");
    await source.moveTo(container, "foo");
    expect(await namesIn(container)).to.deep.equal(["foo"]);
    expect((await read(container, "foo")).toString()).to.equal("still here");
  });
}

function refusalTests(fixture: Fixture): void {
  it("refuses invalid destination names, keeping the source (C12)", async () => {
    const container = await fixture().newContainer();
    const source = await put(container, "foo", "safe");

    const error = await rejects(source.moveTo(container, "/foo"), InvalidObjectNameError);
    expect(error.objectName).to.equal("/foo");
    await rejects(source.copyTo(container, "foo//"), InvalidObjectNameError);
    for (const bad of ["a//b", "/lead", "trail/"])
      await rejects(put(container, bad, "x"), InvalidObjectNameError);

    expect(await namesIn(container)).to.deep.equal(["foo"]);
    expect((await read(container, "foo")).toString()).to.equal("safe");
  });

  it("refuses invalid names before any request (C12)", async () => {
    // The container is gone: only a check made before any request can give the name error.
    const container = await fixture().newContainer();
    const source = await put(container, "foo", "safe");
    const gone = await fixture().newContainer();
    await gone.delete();

    await rejects(source.moveTo(gone, "/foo"), InvalidObjectNameError);
    await rejects(source.copyTo(gone, "foo//"), InvalidObjectNameError);
    for (const bad of ["a//b", "/lead", "trail/"])
      await rejects(put(gone, bad, "x"), InvalidObjectNameError);
    expect(await namesIn(container)).to.deep.equal(["foo"]);
  });
}
