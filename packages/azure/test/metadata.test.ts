import { expect } from "chai";

import { InvalidArgumentError, type Container } from "@stowage/core";

import { decodeKey, encodeKey } from "../src/metadata.js";
import { rejection, useAzurite } from "./support.js";

describe("Azure metadata keys", () => {
  it("keeps plain keys and escapes the rest into C# identifiers", () => {
    expect(encodeKey("author")).to.equal("author");
    expect(encodeKey("v2")).to.equal("v2");
    expect(encodeKey("original-name")).to.equal("original_2dname");
    expect(encodeKey("Title")).to.equal("_54itle");
    expect(encodeKey("2fa")).to.equal("_32fa");
    expect(encodeKey("my_key")).to.equal("my_5fkey");
    expect(encodeKey("ключ")).to.match(/^(_[0-9a-f]{2})+$/);

    for (const key of ["author", "original-name", "Title", "2fa", "my_key", "ключ", "a.b c"]) {
      expect(encodeKey(key)).to.match(/^[a-z_][a-z0-9_]*$/);
      expect(decodeKey(encodeKey(key))).to.equal(key);
    }
  });

  it("reads keys written by other tools as they are, in lowercase", () => {
    expect(decodeKey("my_key")).to.equal("my_key");
    expect(decodeKey("file_ab")).to.equal("file_ab");
    expect(decodeKey("Author")).to.equal("author");
  });
});

describe("Azure metadata (Azurite)", () => {
  const azurite = useAzurite();
  let container: Container;

  before(async () => {
    container = await azurite.container();
  });

  const metaData = {
    "original-filename": "報告書 2024.pdf",
    Author: "Ada",
    "2nd-pass": "yes",
    plain: "ascii value",
    padded: "  spaces kept  ",
    lookalike: "=?UTF-8?B?aGk=?=",
    empty: "",
  };

  it("round-trips keys with hyphens, uppercase, leading digits and non-ASCII values", async () => {
    await container.uploadObjectViaStream("x", "meta.txt", { extra: { metaData } });

    expect((await container.getObject("meta.txt")).metaData).to.deep.equal(metaData);
    const [listed] = await container.listObjects({ prefix: "meta.txt" });
    expect(listed!.metaData).to.deep.equal(metaData);
  });

  it("keeps or replaces metadata on server-side copy", async () => {
    const obj = await container.uploadObjectViaStream("x", "src.txt", { extra: { metaData } });

    const kept = await obj.copyTo(container, "kept.txt");
    expect(kept.metaData).to.deep.equal(metaData);
    expect(kept.contentType).to.equal("text/plain");

    const extra = { contentType: "application/json", metaData: { "New-Key": "ü" } };
    const replaced = await obj.copyTo(container, "replaced.json", { extra });
    expect(replaced.metaData).to.deep.equal({ "New-Key": "ü" });
    expect(replaced.contentType).to.equal("application/json");
    expect(replaced.hash).to.equal(obj.hash);
    expect((await container.getObject("replaced.json")).hash).to.equal(obj.hash);
  });

  it("refuses an empty key before sending anything", async () => {
    const error = await rejection(
      container.uploadObjectViaStream("x", "bad.txt", { extra: { metaData: { "": "v" } } }),
    );
    expect(error).to.be.instanceOf(InvalidArgumentError);
    expect(await container.objectExists("bad.txt")).to.equal(false);
  });
});
