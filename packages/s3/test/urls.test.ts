// Signed URLs against real S3 servers: the s3sig server checks SigV4, so a tampered or an
// expired URL is proved to be refused while the good one works. Also public CDN URLs.
import { setTimeout as delay } from "node:timers/promises";

import { expect } from "chai";
import {
  Container,
  InvalidArgumentError,
  NotSupportedError,
  StorageObject,
} from "@stowage/core";

import { S3StorageDriver } from "../src/index.js";

import { S3_KINDS, expectRejection, readAll, useS3Server } from "./support.js";

for (const kind of S3_KINDS) {
  describe(`S3 signed URLs (${kind})`, function () {
    this.timeout(60_000);
    const fixture = useS3Server(kind);
    let container: Container;

    before(async () => {
      container = await fixture().bucket();
    });

    it("serves a signed GET URL to plain fetch()", async () => {
      const obj = await container.uploadObjectViaStream("signed bytes", "docs/a b+c.txt");
      const url = await obj.getSignedUrl({ expiresIn: 60 });

      const response = await fetch(url);

      expect(response.status).to.equal(200);
      expect(await response.text()).to.equal("signed bytes");
    });

    it("accepts an upload through a signed PUT URL with its content type", async () => {
      const options = { expiresIn: 60, contentType: "application/json" };
      const url = await container.getSignedUploadUrl("uploads/ü 1.json", options);

      const headers = { "Content-Type": "application/json" };
      const response = await fetch(url, { method: "PUT", body: '{"ok":true}', headers });

      expect(response.status).to.equal(200);
      const obj = await container.getObject("uploads/ü 1.json");
      expect(obj.contentType).to.equal("application/json");
      expect((await readAll(await obj.asStream())).toString()).to.equal('{"ok":true}');
    });

    it("signs upload URLs without a checksum of an empty body", async () => {
      const url = new URL(await container.getSignedUploadUrl("any.bin"));

      // With the SDK's default checksum setting the URL would carry the CRC32 of no bytes,
      // which S3 compares with what the uploader sends, refusing every real upload.
      const names = [...url.searchParams.keys()].map((name) => name.toLowerCase());
      expect(names.filter((name) => name.includes("checksum"))).to.deep.equal([]);
    });

    it("refuses an expiry beyond SigV4's seven days before signing", async () => {
      const obj = await container.uploadObjectViaStream("x", "week.txt");

      const eightDays = obj.getSignedUrl({ expiresIn: 8 * 24 * 3600 });
      const error = await expectRejection(eightDays, InvalidArgumentError);
      expect((error as Error).message).to.contain("7 days");
    });
  });
}

describe("S3 signed URLs checked by the server (s3sig)", function () {
  this.timeout(60_000);
  const fixture = useS3Server("s3sig");
  let container: Container;

  before(async () => {
    container = await fixture().bucket();
    await container.uploadObjectViaStream("secret bytes", "private.txt");
    await container.uploadObjectViaStream("other bytes", "other.txt");
  });

  it("refuses a GET URL whose signature was changed", async () => {
    const url = new URL(await (await container.getObject("private.txt")).getSignedUrl());
    const signature = url.searchParams.get("X-Amz-Signature")!;
    url.searchParams.set("X-Amz-Signature", flipHex(signature));

    expect((await fetch(url)).status).to.equal(403);
  });

  it("refuses a GET URL moved to another key", async () => {
    const url = await (await container.getObject("private.txt")).getSignedUrl();

    const response = await fetch(url.replace("/private.txt?", "/other.txt?"));

    expect(response.status).to.equal(403);
  });

  it("refuses a GET URL whose expiry was extended", async () => {
    const obj = await container.getObject("private.txt");
    const url = new URL(await obj.getSignedUrl({ expiresIn: 60 }));
    url.searchParams.set("X-Amz-Expires", "600");

    expect((await fetch(url)).status).to.equal(403);
  });

  it("refuses an expired GET URL that worked before it expired", async () => {
    const url = await (await container.getObject("private.txt")).getSignedUrl({ expiresIn: 1 });
    expect((await fetch(url)).status).to.equal(200);

    await delay(2_100);

    expect((await fetch(url)).status).to.equal(403);
  });

  it("refuses a signed PUT with another content type than signed", async () => {
    const options = { contentType: "application/json" };
    const url = await container.getSignedUploadUrl("typed.json", options);

    const headers = { "Content-Type": "text/xml" };
    const response = await fetch(url, { method: "PUT", body: "<x/>", headers });

    expect(response.status).to.equal(403);
    expect(await container.objectExists("typed.json")).to.equal(false);
  });
});

describe("S3 CDN URLs", () => {
  it("are off without cdnBaseUrl, and say so", async () => {
    const options = { region: "us-east-1", endpoint: "http://127.0.0.1:1" };
    const driver = new S3StorageDriver("key", "secret", options);
    const container = new Container("bucket", {}, driver);

    expect(driver.capabilities.cdnUrls).to.equal(false);
    await expectRejection(container.getCdnUrl(), NotSupportedError);
  });

  it("join cdnBaseUrl and the key with each segment percent-encoded", async () => {
    const driver = new S3StorageDriver("key", "secret", {
      region: "us-east-1",
      endpoint: "http://127.0.0.1:1",
      cdnBaseUrl: (bucket) => `https://cdn.example.com/${bucket}/`,
    });
    const container = new Container("media", {}, driver);
    const name = "a b/100%+#?é.txt";
    const init = { name, size: 1, hash: "", hashAlgorithm: "etag" as const, contentType: "" };
    const obj = new StorageObject(init, container);

    expect(driver.capabilities.cdnUrls).to.equal(true);
    const expected = "https://cdn.example.com/media/a%20b/100%25%2B%23%3F%C3%A9.txt";
    expect(await obj.getCdnUrl()).to.equal(expected);
    expect(await container.getCdnUrl()).to.equal("https://cdn.example.com/media/");
  });
});

/** The same hex string with its first digit changed. */
function flipHex(hex: string): string {
  return (hex[0] === "0" ? "1" : "0") + hex.slice(1);
}
