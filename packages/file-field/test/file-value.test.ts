import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";

import { expect } from "chai";

import { NotSupportedError, readAll } from "@stowage/core";
import {
  FileValue,
  InvalidFileValueError,
  NewFile,
  decodeColumn,
  FileField,
} from "@stowage/file-field";

import { storeOne } from "./support-store.js";
import { type Storages, rejection, storages } from "./support.js";

describe("FileField stored-file values", () => {
  let s: Storages;
  beforeEach(async () => (s = await storages()));
  afterEach(() => s.cleanup());

  it("stores a Buffer, a string, a Node or web stream, a path, a Blob and a File", async () => {
    const path = join(s.dir, "on-disk.txt");
    await writeFile(path, "from disk");
    const inputs = [
      Buffer.from("buffer"),
      "string",
      Readable.from([Buffer.from("node "), Buffer.from("stream")]),
      new Blob(["web stream"]).stream(),
      NewFile.fromPath(path),
      new Blob(["blob"], { type: "text/plain" }),
      new File(["file"], "upload.txt", { type: "text/plain" }),
    ];
    const values = [];
    for (const input of inputs) values.push(await storeOne({}, input));

    const bodies = await Promise.all(values.map(async (v) => (await v.read()).toString()));
    expect(bodies).to.deep.equal([
      "buffer",
      "string",
      "node stream",
      "web stream",
      "from disk",
      "blob",
      "file",
    ]);
    expect(values.map((v) => v.filename)).to.deep.equal([
      "unnamed",
      "unnamed",
      "unnamed",
      "unnamed",
      "on-disk.txt",
      "unnamed",
      "upload.txt",
    ]);
    expect(values[1]!.contentType).to.equal("text/plain");
    expect(new Set(values.map((v) => v.objectName)).size).to.equal(values.length);
  });

  it("stores nothing when the source fails midway, and reports the source's error", async () => {
    const broken = new Error("disk went away");
    async function* source() {
      yield Buffer.alloc(8192, 1);
      throw broken;
    }
    const error = await rejection(storeOne({}, source()));
    expect(error).to.include({ code: "UPLOAD_SOURCE_FAILED" });
    expect(error.cause).to.equal(broken);
    expect(await s.names("first")).to.deep.equal([]);
  });

  it("reads a multi-chunk file whole, and as a stream", async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const value = await storeOne({}, new NewFile(bytes, { filename: "big.bin" }));
    expect(value.size).to.equal(bytes.length);
    expect((await value.read()).equals(bytes)).to.equal(true);
    expect((await readAll(await value.stream())).equals(bytes)).to.equal(true);
  });

  it("computes URLs when read; a driver without signed URLs says so", async () => {
    const value = await storeOne({}, new NewFile("x", { filename: "a.txt" }));
    expect(await value.getUrl()).to.match(/^file:\/\/.*\/first\/[0-9a-f-]{36}\.txt$/);
    expect(JSON.stringify(value)).to.not.include("file://");
    expect(await rejection(value.getSignedUrl())).to.be.instanceOf(NotSupportedError);
  });

  it("round-trips through the column's JSON", async () => {
    const field = new FileField({
      extra: { metaData: { team: "docs" } },
      headers: { "Cache-Control": "no-cache" },
    });
    const value = await storeOne(
      field,
      new NewFile("x", { filename: "a.txt", metaData: { by: "me" } }),
    );
    const json = JSON.parse(JSON.stringify(value));
    expect(json).to.include({
      filename: "a.txt",
      contentType: "text/plain",
      size: 1,
      storage: "first",
    });
    expect(json.metaData).to.deep.equal({ team: "docs", by: "me" });
    expect(json.headers).to.deep.equal({ "Cache-Control": "no-cache" });
    expect(Date.parse(json.uploadedAt)).to.be.closeTo(Date.now(), 60_000);

    const back = decodeColumn(JSON.stringify(value), field) as FileValue;
    expect(back.toJSON()).to.deep.equal(value.toJSON());
    expect((await back.read()).toString()).to.equal("x");
  });

  it("copies field defaults per file and never changes them", async () => {
    const extra = { metaData: { team: "docs" } };
    const headers = { "Cache-Control": "no-cache" };
    const field = new FileField({ extra, headers });
    const one = await storeOne(field, new NewFile("1", { metaData: { a: "1" } }));
    const two = await storeOne(field, new NewFile("2", { metaData: { b: "2" } }));

    expect(one.metaData).to.deep.equal({ team: "docs", a: "1" });
    expect(two.metaData).to.deep.equal({ team: "docs", b: "2" });
    expect(extra).to.deep.equal({ metaData: { team: "docs" } });
    expect(field.extra).to.deep.equal({ metaData: { team: "docs" } });
    expect(headers).to.deep.equal({ "Cache-Control": "no-cache" });
    expect(field.headers).to.deep.equal({ "Cache-Control": "no-cache" });
  });

  it("refuses column text that is not a stored-file value", () => {
    const field = new FileField();
    for (const bad of ["not json", "{}", '{"filename":1}', "42"]) {
      expect(() => decodeColumn(bad, field)).to.throw(InvalidFileValueError);
    }
  });
});
