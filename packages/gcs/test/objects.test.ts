// Objects on fake-gcs-server through the driver: round trips, metadata, names, listing.
import { gzipSync } from "node:zlib";

import { expect } from "chai";

import { InvalidObjectNameError, StoragePrefix, md5Hex, type Container } from "@stowage/core";

import type { GoogleStorageDriver } from "../src/index.js";
import { readStream, useGcs } from "./support.js";
import { nameSets as sharedNameSets, type NameSets } from "../../../test/support/cases.js";

function nameSets(): NameSets {
  return sharedNameSets;
}

describe("GoogleStorageDriver objects (fake-gcs-server)", function () {
  const gcs = useGcs();
  let driver: GoogleStorageDriver;
  let container: Container;

  before(async function () {
    driver = gcs.driver();
    container = await gcs.container(driver);
  });

  it("round-trips bytes, size, MD5 and generation", async function () {
    const obj = await container.uploadObjectViaStream("hello gcs", "greeting.txt");
    expect(obj.size).to.equal(9);
    expect(obj.hashAlgorithm).to.equal("md5");
    expect(obj.hash).to.equal(md5Hex("hello gcs"));
    expect(obj.extra.version).to.match(/^\d+$/);
    expect(obj.contentType).to.equal("text/plain");

    const fetched = await container.getObject("greeting.txt");
    expect(fetched.extra.version).to.equal(obj.extra.version);
    expect((await readStream(await fetched.asStream())).toString()).to.equal("hello gcs");
  });

  it("keeps content type, non-ASCII user metadata and the standard headers", async function () {
    // RFC 6266: an ASCII fallback, then the UTF-8 filename percent-encoded.
    const disposition =
      "attachment; filename=\"report.pdf\"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf";
    const metaData = { "original-name": "報告書.pdf", "X-Digits1": "1" };
    await container.uploadObjectViaStream("%PDF", "docs/report.pdf", {
      extra: { contentType: "application/pdf", metaData },
      headers: {
        "Cache-Control": "public, max-age=60",
        "Content-Disposition": disposition,
        "Content-Encoding": "identity",
        "Content-Language": "ja",
      },
    });

    const obj = await container.getObject("docs/report.pdf");
    expect(obj.contentType).to.equal("application/pdf");
    expect(obj.metaData).to.deep.equal(metaData);
    expect(obj.extra).to.include({
      cacheControl: "public, max-age=60",
      contentDisposition: disposition,
      contentEncoding: "identity",
      contentLanguage: "ja",
    });
  });

  it("serves gzip-encoded objects as stored: sizes, ranges and the MD5 agree", async function () {
    const stored = gzipSync("compressible ".repeat(100));
    const obj = await container.uploadObjectViaStream(stored, "text.gz", {
      extra: { contentType: "text/plain" },
      headers: { "Content-Encoding": "gzip" },
    });
    expect(obj.extra.contentEncoding).to.equal("gzip");

    const whole = await readStream(await obj.asStream());
    expect(whole.equals(stored)).to.equal(true);
    const head = await readStream(await obj.rangeAsStream(0, 10));
    expect(head.equals(stored.subarray(0, 10))).to.equal(true);
  });

  it("round-trips every legal name of the shared cases, and lists it exactly", async function () {
    const sets = nameSets();
    const names = [...sets.roundtrip, ...sets.awkward, ...sets.percent].filter(
      (name) => driver.objectNameProblem(name) === undefined,
    );
    const box = await gcs.container(driver);

    for (const name of names) await box.uploadObjectViaStream(`body of ${name}`, name);
    for (const name of names) {
      const obj = await box.getObject(name);
      expect((await readStream(await obj.asStream())).toString(), name).to.equal(`body of ${name}`);
    }

    const listed = (await box.listObjects()).map((obj) => obj.name);
    expect(listed).to.have.members(names);
    expect(listed).to.have.length(names.length);
  });

  it("refuses what GCS forbids before any request, naming the reason", async function () {
    const refused = [
      "Icon\r",
      "line\nfeed",
      `${"x".repeat(1021)}.bin`,
      ".well-known/acme-challenge/token",
    ];
    for (const name of refused) {
      const error = await container.uploadObjectViaStream("x", name).catch((e: unknown) => e);
      expect(error, JSON.stringify(name)).to.be.instanceOf(InvalidObjectNameError);
      expect((error as InvalidObjectNameError).reason).to.match(/Cloud Storage/);
    }
    expect(driver.objectNameProblem("ü".repeat(512))).to.equal(undefined);
    expect(driver.objectNameProblem("ü".repeat(513))).to.match(/1024 bytes/);
  });

  it("lists with a delimiter: objects and prefixes merged in name order", async function () {
    const box = await gcs.container(driver);
    const names = [
      "reports/2024/a.csv",
      "reports/2024-old/b.csv",
      "reports/20245.csv",
      "reports/2024",
    ];
    for (const name of names) await box.uploadObjectViaStream(name, name);

    const entries: string[] = [];
    for await (const entry of box.iterateObjects({ prefix: "reports/", delimiter: "/" })) {
      entries.push(entry instanceof StoragePrefix ? `prefix:${entry.name}` : entry.name);
    }
    expect(entries).to.deep.equal([
      "reports/2024",
      "prefix:reports/2024-old/",
      "prefix:reports/2024/",
      "reports/20245.csv",
    ]);
  });

  it("pages lazily with pageSize and yields each name once, in order", async function () {
    const box = await gcs.container(driver);
    const names = Array.from({ length: 23 }, (_, i) => `p/${String(i).padStart(3, "0")} +x`);
    for (const name of names) await box.uploadObjectViaStream("x", name);

    const listed = (await box.listObjects({ pageSize: 5 })).map((obj) => obj.name);
    expect(listed).to.deep.equal(names);

    const iterator = box.iterateObjects({ pageSize: 5 })[Symbol.asyncIterator]();
    expect((await iterator.next()).value.name).to.equal(names[0]);
    await iterator.return?.();
  });

  it("pages a delimiter listing without repeating or losing a group", async function () {
    const box = await gcs.container(driver);
    const names = ["a.txt", "b/1", "b/2", "b/3", "c.txt", "d/1", "d/2", "e.txt", "f/1"];
    for (const name of names) await box.uploadObjectViaStream("x", name);

    const entries: string[] = [];
    for await (const entry of box.iterateObjects({ delimiter: "/", pageSize: 2 })) {
      entries.push(entry.name);
    }
    expect(entries).to.deep.equal(["a.txt", "b/", "c.txt", "d/", "e.txt", "f/"]);
  });

  it("copies server-side keeping metadata, or replacing it when asked", async function () {
    const source = await container.uploadObjectViaStream("copy me", "copy/source.txt", {
      extra: { metaData: { colour: "blue" } },
    });

    const kept = await source.copyTo(container, "copy/kept.txt");
    expect(kept.metaData).to.deep.equal({ colour: "blue" });
    expect((await readStream(await kept.asStream())).toString()).to.equal("copy me");

    const replaced = await source.copyTo(container, "copy/replaced.txt", {
      extra: { contentType: "text/csv", metaData: { colour: "red" } },
    });
    expect(replaced.metaData).to.deep.equal({ colour: "red" });
    expect(replaced.contentType).to.equal("text/csv");
  });

  it("moves: the copy exists, the source is gone", async function () {
    const source = await container.uploadObjectViaStream("move me", "move/a b+c.txt");
    const moved = await source.moveTo(container, "move/d%20e.txt");

    expect((await readStream(await moved.asStream())).toString()).to.equal("move me");
    expect(await container.objectExists("move/a b+c.txt")).to.equal(false);
  });

  it("deletes idempotently", async function () {
    const obj = await container.uploadObjectViaStream("bye", "bye.txt");
    await obj.delete();
    await obj.delete();
    expect(await container.objectExists("bye.txt")).to.equal(false);
  });

  it("reads ranges with an exclusive end", async function () {
    const obj = await container.uploadObjectViaStream("0123456789", "digits");
    const read = async (start: number, end?: number) =>
      (await readStream(await obj.rangeAsStream(start, end))).toString();

    expect(await read(0, 3)).to.equal("012");
    expect(await read(9, 10)).to.equal("9");
    expect(await read(3)).to.equal("3456789");
    expect(await read(0, 100)).to.equal("0123456789");
    expect(await read(5, 5)).to.equal("");
  });

  it("stores empty objects from every kind of source", async function () {
    const sources = [Buffer.alloc(0), "", (async function* () {})()];
    for (const [i, source] of sources.entries()) {
      const obj = await container.uploadObjectViaStream(source, `empty/${i}`);
      expect(obj.size).to.equal(0);
      expect(obj.hash).to.equal(md5Hex(""));
      expect(await readStream(await obj.asStream())).to.have.length(0);
    }
  });
});
