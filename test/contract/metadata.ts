// Content type, standard headers, user metadata (C23) and ACLs: what an upload states comes
// back exactly, or the upload is refused with a StorageError; nothing is dropped silently.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { NotSupportedError, StorageError, type Container } from "@stowage/core";
import { expect } from "chai";

import { put, read, rejects, scratchDir, type Fixture } from "./support.js";

export function metadataTests(fixture: Fixture): void {
  describe("metadata", () => {
    contentTypeTests(fixture);
    headerTests(fixture);
    userMetadataTests(fixture);
  });
}

function contentTypeTests(fixture: Fixture): void {
  it("guesses the content type from the object name's extension", async () => {
    const container = await fixture().newContainer();
    const expected: Record<string, RegExp> = {
      "page.html": /^text\/html/,
      "data.json": /^application\/json/,
      "table.csv": /^text\/csv/,
      "dir.d/image.PNG": /^image\/png$/,
      blob: /^application\/octet-stream$/,
    };
    for (const name of Object.keys(expected)) await put(container, name, "?");

    for (const [name, type] of Object.entries(expected))
      expect((await container.getObject(name)).contentType, name).to.match(type);
  });

  it("takes the content type of an uploaded file from the object name, not the path", async () => {
    const container = await fixture().newContainer();
    const path = join(await scratchDir(), "upload.tmp");
    await writeFile(path, "<svg/>");

    await container.uploadObject(path, "icon.svg");
    expect((await container.getObject("icon.svg")).contentType).to.match(/^image\/svg\+xml/);
  });

  it("keeps an explicit content type", async () => {
    const container = await fixture().newContainer();
    const extra = { contentType: "text/csv; charset=utf-8" };
    const obj = await container.uploadObjectViaStream("a,b", "export.txt", { extra });

    expect(obj.contentType).to.equal("text/csv; charset=utf-8");
    expect((await container.getObject("export.txt")).contentType).to.equal(extra.contentType);
  });
}

function headerTests(fixture: Fixture): void {
  it("keeps Cache-Control and a non-ASCII Content-Disposition (RFC 6266)", async () => {
    const container = await fixture().newContainer();
    const disposition =
      "attachment; filename=\"report.pdf\"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf";
    await container.uploadObjectViaStream("%PDF", "report.pdf", {
      headers: { "Cache-Control": "max-age=60", "Content-Disposition": disposition },
    });

    const obj = await container.getObject("report.pdf");
    expect(obj.extra.cacheControl).to.equal("max-age=60");
    expect(obj.extra.contentDisposition).to.equal(disposition);
  });

  it("keeps Content-Language, and gzip bytes as stored, never decompressed", async () => {
    const container = await fixture().newContainer();
    const gzipped = gzipSync(Buffer.from("compressed text ".repeat(100)));
    await container.uploadObjectViaStream(gzipped, "notes.txt.gz", {
      extra: { contentType: "text/plain" },
      headers: { "Content-Encoding": "gzip", "Content-Language": "ja-JP" },
    });

    const obj = await container.getObject("notes.txt.gz");
    expect(obj.extra.contentEncoding).to.equal("gzip");
    expect(obj.extra.contentLanguage).to.equal("ja-JP");
    expect(obj.size).to.equal(gzipped.length);
    expect((await read(container, "notes.txt.gz")).equals(gzipped)).to.equal(true);
  });
}

/** Uploads with metaData and returns what a fresh getObject reports, or the refusal. */
async function storeMetadata(
  container: Container,
  name: string,
  metaData: Record<string, string>,
): Promise<Record<string, string> | StorageError> {
  try {
    await container.uploadObjectViaStream("x", name, { extra: { metaData } });
  } catch (error) {
    if (error instanceof StorageError) return error;
    throw error;
  }
  return (await container.getObject(name)).metaData;
}

function userMetadataTests(fixture: Fixture): void {
  it("round-trips user metadata, a Japanese original filename included (C23)", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const metaData = {
      "original-name": "請求書 2024年度.pdf",
      "file-name": "ファイル名.txt",
      owner: "ana",
      note: "a=b; c, d",
      "x-2": "ünïcödé",
    };
    const upload = container.uploadObjectViaStream("x", "m.txt", { extra: { metaData } });
    if (!driver.capabilities.metadata) return void (await rejects(upload, NotSupportedError));

    expect((await upload).metaData).to.deep.equal(metaData);
    expect((await container.getObject("m.txt")).metaData).to.deep.equal(metaData);
  });

  it("stores awkward metadata keys exactly or refuses them, never drops them (C23)", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    if (!driver.capabilities.metadata) {
      const upload = storeMetadata(container, "k.txt", { "Upper-Case": "v" });
      return void expect(await upload).to.be.instanceOf(NotSupportedError);
    }

    for (const [i, key] of ["Upper-Case", "1st-digit", "with_underscore", "dot.key"].entries()) {
      const got = await storeMetadata(container, `k${i}.txt`, { [key]: "value" });
      if (got instanceof StorageError) continue;
      expect(got, `key ${key}`).to.deep.equal({ [key]: "value" });
    }
  });

  it("stores awkward metadata values exactly or refuses them (C23)", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    if (!driver.capabilities.metadata) {
      const upload = storeMetadata(container, "v.txt", { k: " padded " });
      return void expect(await upload).to.be.instanceOf(NotSupportedError);
    }

    const values = ["", "  padded  ", "tab\there", "emoji 🏋🏼‍♀️", 'q"s', "%41 literal"];
    for (const [i, value] of values.entries()) {
      const got = await storeMetadata(container, `v${i}.txt`, { k: value });
      if (got instanceof StorageError) continue;
      expect(got, `value ${JSON.stringify(value)}`).to.deep.equal({ k: value });
    }
  });

  it("applies a canned ACL, or refuses it where the driver has none", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const upload = container.uploadObjectViaStream("x", "acl.txt", { extra: { acl: "private" } });

    if (!driver.capabilities.acl) return void (await rejects(upload, NotSupportedError));
    expect((await upload).name).to.equal("acl.txt");
    expect((await read(container, "acl.txt")).toString()).to.equal("x");
  });
}
