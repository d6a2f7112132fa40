// Signed and public URLs. fake-gcs-server does not check signatures, so each signed URL is
// checked twice: fetched from the emulator (it addresses the right object) and its V4
// signature verified here with the fake service account's public key (GCS would accept it).
import { createHash, createPublicKey, createVerify } from "node:crypto";

import { expect } from "chai";

import {
  Container,
  InvalidArgumentError,
  NotSupportedError,
  StorageObject,
  type StorageDriver,
} from "@stowage/core";

import { GoogleStorageDriver } from "../src/index.js";
import { PROJECT_ID, SERVICE_ACCOUNT, useGcs } from "./support.js";
import { nameSets } from "../../../test/support/cases.js";

const AWKWARD = nameSets.awkward;

/** A StorageObject built by hand: URL building needs no request. */
function objectNamed(driver: StorageDriver, bucket: string, name: string): StorageObject {
  const container = new Container(bucket, {}, driver);
  const init = { name, size: 0, hash: "", hashAlgorithm: "md5", contentType: "" } as const;
  return new StorageObject(init, container);
}

/** RFC 3986 encoding, as V4 canonical query strings use it. */
function rfc3986(value: string): string {
  const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
  return encodeURIComponent(value).replace(/[!'()*]/g, hex);
}

/**
 * Checks a GOOG4-RSA-SHA256 signed URL the way GCS does: rebuild the canonical request from
 * the URL, hash it into the string to sign, verify the signature with the public key.
 */
function signatureIsValid(signed: string, method: string, publicKeyPem: string): boolean {
  const url = new URL(signed);
  const params = [...url.searchParams].filter(([key]) => key !== "X-Goog-Signature");
  const query = params
    .map(([key, value]) => `${rfc3986(key)}=${rfc3986(value)}`)
    .sort()
    .join("&");
  const signedHeaders = url.searchParams.get("X-Goog-SignedHeaders")!;
  const headers = `host:${url.hostname}\n`;
  const payload = "UNSIGNED-PAYLOAD";
  const canonical = [method, url.pathname, query, headers, signedHeaders, payload].join("\n");

  const scope = url.searchParams.get("X-Goog-Credential")!.split("/").slice(1).join("/");
  const toSign = [
    "GOOG4-RSA-SHA256",
    url.searchParams.get("X-Goog-Date"),
    scope,
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n");
  const signature = Buffer.from(url.searchParams.get("X-Goog-Signature")!, "hex");
  return createVerify("RSA-SHA256").update(toSign).verify(publicKeyPem, signature);
}

const PUBLIC_KEY = createPublicKey(SERVICE_ACCOUNT.privateKey).export({
  type: "spki",
  format: "pem",
}) as string;

describe("GoogleStorageDriver URLs", function () {
  const gcs = useGcs();

  describe("signed (fake-gcs-server)", function () {
    let driver: GoogleStorageDriver;
    let container: Container;

    before(async function () {
      driver = gcs.signingDriver();
      container = await gcs.container(driver);
    });

    it("signs GET URLs for awkward names that fetch() the right bytes (C14)", async function () {
      for (const name of AWKWARD) {
        const obj = await container.uploadObjectViaStream(`bytes of ${name}`, name);
        const url = await obj.getSignedUrl({ expiresIn: 600 });

        expect(url.startsWith(`${gcs.server().endpoint}/${container.name}/`), name).to.equal(true);
        expect(new URL(url).searchParams.get("X-Goog-Credential")).to.match(/^stowage-test@/);
        expect(signatureIsValid(url, "GET", PUBLIC_KEY), name).to.equal(true);

        const response = await fetch(url);
        expect(response.status, name).to.equal(200);
        expect(await response.text(), name).to.equal(`bytes of ${name}`);
      }
    });

    it("a signature check that fails when the URL is changed after signing", async function () {
      const obj = await container.uploadObjectViaStream("x", "tamper/me.txt");
      const url = await obj.getSignedUrl();

      expect(signatureIsValid(url, "GET", PUBLIC_KEY)).to.equal(true);
      const moved = url.replace("tamper/me", "tamper/you");
      expect(signatureIsValid(moved, "GET", PUBLIC_KEY)).to.equal(false);
      expect(signatureIsValid(url, "PUT", PUBLIC_KEY)).to.equal(false);
    });

    it("signs PUT URLs a client can upload through", async function () {
      const name = "direct/up load+1.txt";
      const contentType = "text/plain";
      const url = await container.getSignedUploadUrl(name, { expiresIn: 600, contentType });
      expect(new URL(url).searchParams.get("X-Goog-SignedHeaders")).to.equal("content-type;host");

      const headers = { "content-type": contentType };
      const response = await fetch(url, { method: "PUT", body: "sent directly", headers });
      expect(response.status).to.be.within(200, 201);
      const obj = await container.getObject(name);
      expect(obj.size).to.equal("sent directly".length);
    });

    it("refuses an expiry past seven days, and signing without a key", async function () {
      const obj = objectNamed(driver, container.name, "a");
      const tooLong = await obj.getSignedUrl({ expiresIn: 8 * 24 * 3600 }).catch((e: unknown) => e);
      expect(tooLong).to.be.instanceOf(InvalidArgumentError);

      const keyless = gcs.driver();
      expect(keyless.capabilities.signedUrls).to.equal(false);
      const refused = await keyless
        .getSignedUrl(objectNamed(keyless, container.name, "a"))
        .catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(NotSupportedError);
    });
  });

  describe("public", function () {
    it("builds storage.googleapis.com URLs, encoding each segment exactly", async function () {
      const driver = new GoogleStorageDriver(undefined, undefined, { projectId: PROJECT_ID });
      const url = (name: string) => driver.getObjectCdnUrl(objectNamed(driver, "my-bucket", name));

      const base = "https://storage.googleapis.com/my-bucket";

      expect(await url("a/b c/d+e.txt")).to.equal(`${base}/a/b%20c/d%2Be.txt`);
      expect(await url("100%.csv")).to.equal(`${base}/100%25.csv`);
      expect(await url("a%2Fb")).to.equal(`${base}/a%252Fb`);
      expect(await url("q?.txt#x")).to.equal(`${base}/q%3F.txt%23x`);
      expect(await url("it's (1)*.txt")).to.equal(`${base}/it%27s%20%281%29%2A.txt`);
      expect(await url("日本/é")).to.equal(`${base}/%E6%97%A5%E6%9C%AC/%C3%A9`);
      const container = new Container("my-bucket", {}, driver);
      expect(await driver.getContainerCdnUrl(container)).to.equal(base);
    });

    it("uses cdnBaseUrl when given", async function () {
      const driver = new GoogleStorageDriver(undefined, undefined, {
        projectId: PROJECT_ID,
        cdnBaseUrl: "https://cdn.example.com/",
      });
      const url = await driver.getObjectCdnUrl(objectNamed(driver, "b-1", "x y"));
      expect(url).to.equal("https://cdn.example.com/b-1/x%20y");
    });

    it("points at the endpoint when one is set, and the URL fetches the object", async function () {
      const driver = gcs.driver();
      const container = await gcs.container(driver);
      for (const name of [...AWKWARD, "100%.csv", "a%2Fb", "dir/sp ace+plus.txt"]) {
        const obj = await container.uploadObjectViaStream(`public ${name}`, name);
        const url = await obj.getCdnUrl();

        expect(url.startsWith(`${gcs.server().endpoint}/${container.name}/`)).to.equal(true);
        const response = await fetch(url);
        expect(await response.text(), name).to.equal(`public ${name}`);
      }
    });
  });
});
