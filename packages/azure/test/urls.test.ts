import { setTimeout as delay } from "node:timers/promises";

import { expect } from "chai";

import { InvalidArgumentError, NotSupportedError, type Container } from "@stowage/core";

import { AzureBlobsStorageDriver } from "../src/index.js";
import { resolveOptions } from "../src/options.js";
import { rejection, useAzurite } from "./support.js";

describe("Azure SAS URLs (Azurite checks the signatures)", () => {
  const azurite = useAzurite();
  let container: Container;

  before(async () => {
    container = await azurite.container();
  });

  it("serves a signed GET URL to plain fetch()", async () => {
    const obj = await container.uploadObjectViaStream("signed body", "dir/signed file+1.txt");
    const url = await obj.getSignedUrl({ expiresIn: 300 });

    const blobUrl = `${azurite.endpoint()}/${container.name}/dir/signed%20file%2B1.txt`;
    expect(url.startsWith(`${blobUrl}?`)).to.equal(true);
    const response = await fetch(url);
    expect(response.status).to.equal(200);
    expect(await response.text()).to.equal("signed body");
  });

  it("refuses a GET URL whose signature was changed, or moved to another blob", async () => {
    const obj = await container.uploadObjectViaStream("secret", "tamper.txt");
    await container.uploadObjectViaStream("other", "other.txt");
    const url = new URL(await obj.getSignedUrl({ expiresIn: 300 }));

    const tampered = new URL(url);
    const sig = tampered.searchParams.get("sig")!;
    tampered.searchParams.set("sig", (sig[0] === "A" ? "B" : "A") + sig.slice(1));
    expect((await fetch(tampered)).status).to.equal(403);

    const moved = new URL(url);
    moved.pathname = moved.pathname.replace("tamper.txt", "other.txt");
    expect((await fetch(moved)).status).to.equal(403);

    const extended = new URL(url);
    const later = new Date(Date.now() + 86_400_000).toISOString().slice(0, 19) + "Z";
    extended.searchParams.set("se", later);
    expect((await fetch(extended)).status).to.equal(403);

    expect((await fetch(url)).status).to.equal(200);
  });

  it("refuses an expired GET URL that worked before it expired", async function () {
    this.timeout(15_000);
    const obj = await container.uploadObjectViaStream("short-lived", "expiring.txt");
    const url = await obj.getSignedUrl({ expiresIn: 1 });
    expect((await fetch(url)).status).to.equal(200);

    await delay(2_100);
    expect((await fetch(url)).status).to.equal(403);
  });

  it("accepts an upload through a signed PUT URL, which a read URL cannot do", async () => {
    const url = await container.getSignedUploadUrl("uploaded/by client.txt", { expiresIn: 300 });
    const response = await fetch(url, {
      method: "PUT",
      headers: { "x-ms-blob-type": "BlockBlob", "Content-Type": "text/plain" },
      body: "from the browser",
    });
    expect(response.status).to.equal(201);

    const obj = await container.getObject("uploaded/by client.txt");
    expect(obj.contentType).to.equal("text/plain");
    expect(obj.size).to.equal("from the browser".length);

    const readUrl = await obj.getSignedUrl({ expiresIn: 300 });
    const refused = await fetch(readUrl, {
      method: "PUT",
      headers: { "x-ms-blob-type": "BlockBlob" },
      body: "overwrite",
    });
    expect(refused.status).to.equal(403);
  });

  it("cannot sign with only a SAS token, and says so", async () => {
    const key = azurite.driver();
    const sas = await key.getSignedUploadUrl(container, "x", { expiresIn: 300 });
    const token = new URL(sas).search.slice(1);
    const driver = new AzureBlobsStorageDriver("devstoreaccount1", undefined, {
      endpoint: azurite.endpoint(),
      sasToken: token,
    });
    expect(driver.capabilities.signedUrls).to.equal(false);
    const obj = await container.uploadObjectViaStream("x", "sas-only.txt");
    const error = await rejection(driver.getSignedUrl(obj));
    expect(error).to.be.instanceOf(NotSupportedError);
  });

  it("refuses a non-positive expiry before signing", async () => {
    const obj = await container.uploadObjectViaStream("x", "expiry.txt");
    const error = await rejection(obj.getSignedUrl({ expiresIn: 0 }));
    expect(error).to.be.instanceOf(InvalidArgumentError);
  });
});

// No request is made here; the drivers still point at loopback, as every test's do.
describe("Azure public URLs", () => {
  const endpoint = "http://127.0.0.1:9/acct";
  const cdnBaseUrl = "https://cdn.example.com/";
  const driver = new AzureBlobsStorageDriver("acct", "a2V5", { endpoint, cdnBaseUrl });

  it("join cdnBaseUrl, the container and the name with each segment percent-encoded", async () => {
    const container = { name: "media", driver };
    const obj = { name: "a b/c#d?e%f+ü.txt", container } as never;
    expect(await driver.getObjectCdnUrl(obj)).to.equal(
      "https://cdn.example.com/media/a%20b/c%23d%3Fe%25f%2B%C3%BC.txt",
    );
    const containerUrl = await driver.getContainerCdnUrl(container as never);
    expect(containerUrl).to.equal("https://cdn.example.com/media");
  });

  it("default to the blob service URL", async () => {
    const plain = new AzureBlobsStorageDriver("acct", "a2V5", { endpoint });
    const obj = { name: "x.txt", container: { name: "c", driver: plain } } as never;
    expect(await plain.getObjectCdnUrl(obj)).to.equal("http://127.0.0.1:9/acct/c/x.txt");
    const defaults = resolveOptions("acct", "a2V5", {});
    expect(defaults.cdnBaseUrl).to.equal("https://acct.blob.core.windows.net");
  });
});
