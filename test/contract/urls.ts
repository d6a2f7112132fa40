// Public (CDN) and signed URLs. Where a capability is on, plain fetch() proves the URL works;
// where it is off, the one assertion is that the call throws NotSupportedError.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import { InvalidArgumentError, NotSupportedError, type StorageObject } from "@stowage/core";
import { expect } from "chai";

import { nameSets, put, random, read, rejects, type Fixture } from "./support.js";

const SETS = nameSets();

export function urlTests(fixture: Fixture): void {
  describe("URLs", () => {
    signedUrlTests(fixture);
    uploadUrlTests(fixture);
    cdnUrlTests(fixture);
  });
}

/** The bytes a plain fetch() of the URL answers, failing on any status but 200. */
async function fetched(url: string, label: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status, label).to.equal(200);
  return Buffer.from(await response.arrayBuffer());
}

function signedUrlTests(fixture: Fixture): void {
  it("signs GET URLs that plain fetch() reads, awkward names included (C14)", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const first = await put(container, "signed/a b+c.txt", "signed bytes");
    if (!driver.capabilities.signedUrls)
      return void (await rejects(first.getSignedUrl(), NotSupportedError));

    const unicode = ["日本語/ファイル.txt", "trailing space "];
    const names = [...SETS.awkward, ...SETS.percent, ...unicode];
    for (const name of names.filter((n) => !driver.objectNameProblem(n))) {
      const obj = await put(container, name, `bytes of ${name}`);
      const url = await obj.getSignedUrl({ expiresIn: 300 });
      expect((await fetched(url, JSON.stringify(name))).toString()).to.equal(`bytes of ${name}`);
    }
  });

  it("signs a GET URL for 4 MiB of bytes that fetch() returns whole", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const body = random(4 * 1024 * 1024);
    const obj = await put(container, "big.bin", body);
    if (!driver.capabilities.signedUrls)
      return void (await rejects(obj.getSignedUrl(), NotSupportedError));

    expect((await fetched(await obj.getSignedUrl(), "big.bin")).equals(body)).to.equal(true);
  });

  it("refuses an expiry that is not a positive number of seconds", async () => {
    const { driver } = fixture();
    const obj = await put(await fixture().newContainer(), "x.txt", "x");
    if (!driver.capabilities.signedUrls)
      return void (await rejects(obj.getSignedUrl({ expiresIn: 0 }), NotSupportedError));

    for (const expiresIn of [0, -5, 1.5])
      await rejects(obj.getSignedUrl({ expiresIn }), InvalidArgumentError);
  });
}

/** Azure's Put Blob needs the blob type header; other providers take a bare PUT. */
function uploadHeaders(provider: string, contentType?: string): Record<string, string> {
  const headers: Record<string, string> =
    provider === "azure_blobs" ? { "x-ms-blob-type": "BlockBlob" } : {};
  if (contentType) headers["content-type"] = contentType;
  return headers;
}

function uploadUrlTests(fixture: Fixture): void {
  it("signs upload URLs that plain fetch() can PUT to", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const upload = container.getSignedUploadUrl("incoming/x y+z.bin", { expiresIn: 300 });
    if (!driver.capabilities.signedUploadUrls)
      return void (await rejects(upload, NotSupportedError));

    const body = random(64 * 1024);
    const headers = uploadHeaders(driver.provider);
    const init = { method: "PUT", body: new Uint8Array(body), headers };
    const response = await fetch(await upload, init);
    expect(response.status).to.be.within(200, 299);
    expect((await read(container, "incoming/x y+z.bin")).equals(body)).to.equal(true);
  });

  it("signs upload URLs bound to a content type", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const options = { expiresIn: 300, contentType: "text/csv" };
    const upload = container.getSignedUploadUrl("incoming/table", options);
    if (!driver.capabilities.signedUploadUrls)
      return void (await rejects(upload, NotSupportedError));

    const headers = uploadHeaders(driver.provider, "text/csv");
    const response = await fetch(await upload, { method: "PUT", body: "a,b\n", headers });
    expect(response.status).to.be.within(200, 299);
    const obj = await container.getObject("incoming/table");
    expect(obj.contentType).to.equal("text/csv");
    expect((await read(container, "incoming/table")).toString()).to.equal("a,b\n");
  });
}

/** Reads a public URL: a file: URL from disk, any other with fetch(). */
async function publicBytes(url: URL): Promise<Buffer> {
  if (url.protocol === "file:") return readFile(fileURLToPath(url));
  return fetched(url.href, url.href);
}

function cdnUrlTests(fixture: Fixture): void {
  async function stored(): Promise<StorageObject> {
    return put(await fixture().newContainer(), "dir/a b+c%.txt", "public bytes");
  }

  it("gives public URLs that address the exact name", async () => {
    const { driver } = fixture();
    const obj = await stored();
    if (!driver.capabilities.cdnUrls)
      return void (await rejects(obj.getCdnUrl(), NotSupportedError));

    const url = new URL(await obj.getCdnUrl());
    expect(decodeURIComponent(url.pathname).endsWith("/dir/a b+c%.txt")).to.equal(true);
    expect(url.search).to.equal("");
    if (url.protocol === "file:")
      expect((await publicBytes(url)).toString()).to.equal("public bytes");
  });

  it("gives the container's public URL as the base of its objects' URLs", async () => {
    const { driver } = fixture();
    const obj = await stored();
    const containerUrl = obj.container.getCdnUrl();
    if (!driver.capabilities.cdnUrls) return void (await rejects(containerUrl, NotSupportedError));

    const base = (await containerUrl).replace(/\/$/, "");
    const objectUrl = await obj.getCdnUrl();
    expect(objectUrl.startsWith(`${base}/`), `${objectUrl} under ${base}`).to.equal(true);
    const rest = objectUrl
      .slice(base.length + 1)
      .split("/")
      .map(decodeURIComponent);
    expect(rest.join("/")).to.equal("dir/a b+c%.txt");
  });
}
