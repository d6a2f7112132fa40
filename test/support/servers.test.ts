// Smoke test of test/support/servers.ts: each server starts, answers one real request of its
// protocol, and is gone after stop(). For the SigV4-checking S3 server it also proves that a
// tampered or expired presigned URL is rejected, which is why that server is in the suite.
import { expect } from "chai";
import { createHash, createHmac } from "node:crypto";
import { connect } from "node:net";

import { startServer, type ServerKind, type TestServer } from "./servers.js";

/** Starts `kind` for one describe block; skips the block when it is not installed. */
function useServer(kind: ServerKind): () => TestServer {
  let server: TestServer | undefined;

  before(async function () {
    this.timeout(60_000);
    server = await startServer(kind);
    if (!server) this.skip();
  });

  after(async function () {
    this.timeout(15_000);
    await server?.stop();
  });

  return () => server!;
}

/** Resolves true if something accepts TCP connections on 127.0.0.1:port. */
function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Stops the server and checks that stop() is idempotent and the port is closed. */
async function expectStopsCleanly(server: TestServer): Promise<void> {
  expect(await portIsOpen(server.port)).to.equal(true);

  await server.stop();
  await server.stop();

  expect(await portIsOpen(server.port)).to.equal(false);
}

// --- SigV4 query signing (presigned URLs), written out so the test trusts no SDK ----------

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

const hmac = (key: Buffer | string, data: string) =>
  createHmac("sha256", key).update(data).digest();
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

interface PresignOptions {
  secretKey?: string;
  signedAt?: Date;
  expiresSeconds?: number;
}

/** A presigned URL for `method` on `path` (`/bucket` or `/bucket/key`, already safe). */
function presign(server: TestServer, method: string, path: string, options: PresignOptions = {}) {
  const amzDate = (options.signedAt ?? new Date()).toISOString().replace(/[-:]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${server.region}/s3/aws4_request`;
  const query = new Map([
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${server.accessKey}/${scope}`],
    ["X-Amz-Date", amzDate],
    ["X-Amz-Expires", String(options.expiresSeconds ?? 300)],
    ["X-Amz-SignedHeaders", "host"],
  ]);
  const queryString = [...query]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join("&");

  const host = `${server.host}:${server.port}`;
  const canonical = [method, path, queryString, `host:${host}\n`, "host", "UNSIGNED-PAYLOAD"];
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical.join("\n"))].join("\n");

  let key = hmac(`AWS4${options.secretKey ?? server.secretKey}`, day);
  for (const part of [server.region!, "s3", "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(toSign).digest("hex");

  return `${server.endpoint}${path}?${queryString}&X-Amz-Signature=${signature}`;
}

/** Flips the last hex digit of the signature. */
function tamperSignature(url: string): string {
  const last = url.at(-1) === "0" ? "1" : "0";
  return url.slice(0, -1) + last;
}

/** Expects a 403 whose S3 error `<Code>` is `code`, so it failed for the reason we meant. */
async function expectRejected(url: string, code: string): Promise<void> {
  const response = await fetch(url);
  const body = await response.text();
  expect(response.status).to.equal(403, body);
  expect(body).to.include(`<Code>${code}</Code>`);
}

/** Creates a bucket and one object through presigned URLs; returns the object's path. */
async function putThroughPresignedUrls(server: TestServer, body: string): Promise<string> {
  const bucket = await fetch(presign(server, "PUT", "/smoke"), { method: "PUT" });
  expect(bucket.status).to.equal(200, await bucket.text());

  const object = await fetch(presign(server, "PUT", "/smoke/hello.txt"), { method: "PUT", body });
  expect(object.status).to.equal(200, await object.text());
  return "/smoke/hello.txt";
}

describe("test servers", function () {
  describe("moto", function () {
    const server = useServer("moto");

    it("stores and returns an object over S3, then stops", async function () {
      const path = await putThroughPresignedUrls(server(), "hello moto");

      const got = await fetch(presign(server(), "GET", path));
      expect(got.status).to.equal(200);
      expect(await got.text()).to.equal("hello moto");

      await expectStopsCleanly(server());
    });
  });

  describe("s3sig (SigV4-checking S3)", function () {
    const server = useServer("s3sig");
    let path: string;

    before(async function () {
      if (server()) path = await putThroughPresignedUrls(server(), "hello sigv4");
    });

    it("serves a correctly presigned GET", async function () {
      const got = await fetch(presign(server(), "GET", path));
      expect(got.status).to.equal(200);
      expect(await got.text()).to.equal("hello sigv4");
    });

    it("rejects a presigned GET whose signature was tampered with", async function () {
      const url = tamperSignature(presign(server(), "GET", path));
      await expectRejected(url, "SignatureDoesNotMatch");
    });

    it("rejects a presigned GET whose path was changed after signing", async function () {
      const url = presign(server(), "GET", path).replace("/hello.txt", "/other.txt");
      await expectRejected(url, "SignatureDoesNotMatch");
    });

    it("rejects an expired presigned GET", async function () {
      const signedAt = new Date(Date.now() - 3_600_000);
      const url = presign(server(), "GET", path, { signedAt, expiresSeconds: 60 });
      await expectRejected(url, "AccessDenied");
    });

    it("rejects a URL signed with the wrong secret", async function () {
      const url = presign(server(), "GET", path, { secretKey: "not-the-secret" });
      await expectRejected(url, "SignatureDoesNotMatch");
    });

    it("stops", async function () {
      await expectStopsCleanly(server());
    });
  });

  describe("gcs (fake-gcs-server)", function () {
    const server = useServer("gcs");

    it("stores and returns an object over the JSON API, then stops", async function () {
      const { endpoint } = server();
      const bucket = await fetch(`${endpoint}/storage/v1/b?project=stowage-test`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "smoke" }),
      });
      expect(bucket.status).to.equal(200, await bucket.text());

      const upload = `${endpoint}/upload/storage/v1/b/smoke/o?uploadType=media&name=hello.txt`;
      const put = await fetch(upload, { method: "POST", body: "hello gcs" });
      expect(put.status).to.equal(200, await put.text());

      const got = await fetch(`${endpoint}/storage/v1/b/smoke/o/hello.txt?alt=media`);
      expect(await got.text()).to.equal("hello gcs");

      await expectStopsCleanly(server());
    });
  });

  describe("azurite (blob service)", function () {
    const server = useServer("azurite");

    it("creates a container with an account SAS, rejects a forged one, stops", async function () {
      const { endpoint, accountName } = server();
      const sas = accountSas(server());
      const container = `${endpoint}/${accountName}/smoke?restype=container`;

      const created = await fetch(`${container}&${sas}`, { method: "PUT" });
      expect(created.status).to.equal(201, await created.text());

      const other = `${endpoint}/${accountName}/smoke2?restype=container`;
      const tampered = await fetch(`${other}&${tamperSas(sas)}`, { method: "PUT" });
      expect(tampered.status).to.equal(403);
      expect(tampered.headers.get("x-ms-error-code")).to.equal("AuthorizationFailure");

      await expectStopsCleanly(server());
    });
  });
});

// --- Azure account SAS (service version 2020-12-06 and later) -----------------------------

/** An account SAS query string for the blob service, valid for ten minutes. */
function accountSas(server: TestServer): string {
  const expiry = new Date(Date.now() + 600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const fields = { sv: "2021-08-06", ss: "b", srt: "sco", sp: "rwdlac", se: expiry, spr: "http" };

  // account, permissions, services, resource types, start, expiry, IP, protocol, version,
  // encryption scope, each followed by a newline.
  const toSign = [server.accountName, fields.sp, fields.ss, fields.srt, "", fields.se, "",
    fields.spr, fields.sv, "", ""].join("\n");
  const key = Buffer.from(server.accountKey!, "base64");
  const sig = createHmac("sha256", key).update(toSign, "utf8").digest("base64");

  return new URLSearchParams({ ...fields, sig }).toString();
}

/** Replaces the signature with another valid-looking one. */
function tamperSas(sas: string): string {
  const params = new URLSearchParams(sas);
  params.set("sig", Buffer.alloc(32, 7).toString("base64"));
  return params.toString();
}
