// Uploads against real S3 servers: single-part and multipart, streams of unknown length,
// checksums (hash kinds, Content-MD5 enforced by the server), progress and conditional writes.
import { createHash } from "node:crypto";

import type { S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import {
  ObjectHashMismatchError,
  PreconditionFailedError,
  type Container,
} from "@stowage/core";

import {
  MiB,
  S3_KINDS,
  bytes,
  expectRejection,
  openUploads,
  readAll,
  useS3Server,
} from "./support.js";

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

for (const kind of S3_KINDS) {
  describe(`S3 uploads (${kind})`, function () {
    this.timeout(60_000);
    const fixture = useS3Server(kind);
    let container: Container;

    beforeEach(async () => {
      container = await fixture().bucket(fixture().driver({ partSize: 5 * MiB }));
    });

    async function content(name: string): Promise<Buffer> {
      const obj = await container.getObject(name);
      return readAll(await obj.asStream());
    }

    it("sends a small upload in one request and reports its MD5", async () => {
      const body = Buffer.from("hello, single part");
      const obj = await container.uploadObjectViaStream(body, "small.txt", { verifyHash: true });

      expect(obj.hashAlgorithm).to.equal("md5");
      expect(obj.hash).to.equal(md5(body));
      const fetched = await container.getObject("small.txt");
      expect(fetched.hashAlgorithm).to.equal("md5");
      expect(fetched.contentType).to.equal("text/plain");
      expect(await content("small.txt")).to.deep.equal(body);
    });

    it("sends a known size past the threshold in parts, reporting an ETag", async () => {
      const body = Buffer.alloc(12 * MiB + 5, 7);
      const progress: number[] = [];
      const obj = await container.uploadObjectViaStream(body, "big.bin", {
        verifyHash: true,
        onProgress: (p) => progress.push(p.bytes),
      });

      expect(obj.hashAlgorithm).to.equal("etag");
      expect(obj.hash).to.match(/-3$/);
      expect(obj.size).to.equal(body.length);
      expect(progress.at(-1)).to.equal(body.length);
      expect((await container.getObject("big.bin")).hashAlgorithm).to.equal("etag");
      expect(md5(await content("big.bin"))).to.equal(md5(body));
      expect(await openUploads(fixture().raw, container.name)).to.deep.equal([]);
    });

    // The driver asks the SDK for checksums only where S3 requires them (see options.ts),
    // so a stream goes out as plain bytes with Content-Length, which every S3-compatible
    // server reads the same way (C20). Both test servers also accept the SDK's default
    // framing, so the setting itself is pinned in config.test.ts and urls.test.ts.
    it("uploads a 7 MiB stream of unknown length byte-exact, in parts", async () => {
      const expected = createHash("md5");
      async function* source() {
        for await (const chunk of bytes(7 * MiB, 100_003, 0x42)) {
          expected.update(chunk);
          yield chunk;
        }
      }

      const obj = await container.uploadObjectViaStream(source(), "stream.bin");

      expect(obj.size).to.equal(7 * MiB);
      expect(obj.hash).to.match(/-2$/);
      expect(md5(await content("stream.bin"))).to.equal(expected.digest("hex"));
      expect(await openUploads(fixture().raw, container.name)).to.deep.equal([]);
    });

    it("sends a short stream of unknown length in one request", async () => {
      const obj = await container.uploadObjectViaStream(bytes(300_000, 65_536), "short.bin", {
        verifyHash: true,
      });

      expect(obj.hashAlgorithm).to.equal("md5");
      expect((await content("short.bin")).length).to.equal(300_000);
    });

    it("stores an empty stream as a 0-byte object with the MD5 of nothing", async () => {
      const options = { verifyHash: true };
      const obj = await container.uploadObjectViaStream(bytes(0), "empty.bin", options);

      expect(obj.size).to.equal(0);
      expect(obj.hash).to.equal(md5(Buffer.alloc(0)));
      const fetched = await container.getObject("empty.bin");
      expect(fetched.size).to.equal(0);
      expect(await content("empty.bin")).to.have.length(0);
      expect(await openUploads(fixture().raw, container.name)).to.deep.equal([]);
    });

    it("has corrupted bytes refused, and stores nothing", async () => {
      const driver = fixture().driver();
      corruptBodies(driver.client);
      const bucket = await driver.getContainer(container.name);

      const upload = bucket.uploadObjectViaStream(Buffer.from("the real bytes"), "corrupt.txt", {
        verifyHash: true,
      });

      const error = await expectRejection(upload, ObjectHashMismatchError);
      expect(await container.objectExists("corrupt.txt")).to.equal(false);
      // s3sig checks Content-MD5 and refuses the request itself; moto stores what it got,
      // and the driver's comparison of the stored ETag with the MD5 sent catches it.
      if (kind === "s3sig") expect((error as Error).cause).to.have.property("name", "BadDigest");
    });

    it("has a corrupted part refused, and leaves no multipart upload", async () => {
      const driver = fixture().driver({ partSize: 5 * MiB });
      corruptBodies(driver.client);
      const bucket = await driver.getContainer(container.name);

      const options = { verifyHash: true };
      const upload = bucket.uploadObjectViaStream(bytes(11 * MiB), "corrupt.bin", options);

      await expectRejection(upload, ObjectHashMismatchError);
      expect(await container.objectExists("corrupt.bin")).to.equal(false);
      expect(await openUploads(fixture().raw, container.name)).to.deep.equal([]);
    });

    it("keeps content type, headers and metadata, with non-ASCII values", async () => {
      const metaData = {
        "original-name": "報告書 2024.pdf",
        plain: "ascii",
        lookalike: "=?UTF-8?B?eA==?=",
      };
      await container.uploadObjectViaStream("%PDF", "doc", {
        extra: { contentType: "application/pdf", metaData },
        headers: {
          "Content-Disposition": 'attachment; filename="doc.pdf"',
          "Cache-Control": "max-age=60",
        },
      });

      const obj = await container.getObject("doc");
      expect(obj.contentType).to.equal("application/pdf");
      expect(obj.metaData).to.deep.equal(metaData);
      expect(obj.extra.contentDisposition).to.equal('attachment; filename="doc.pdf"');
      expect(obj.extra.cacheControl).to.equal("max-age=60");
    });

    it("writes with ifNoneMatch only when the object is new", async () => {
      await container.uploadObjectViaStream("first", "once.txt", { ifNoneMatch: "*" });

      const again = container.uploadObjectViaStream("second", "once.txt", { ifNoneMatch: "*" });

      await expectRejection(again, PreconditionFailedError);
      expect((await content("once.txt")).toString()).to.equal("first");
    });

    it("replaces with ifMatch only the version given", async () => {
      const first = await container.uploadObjectViaStream("v1", "versioned.txt");
      const ifFirst = { ifMatch: first.extra.version };
      const second = await container.uploadObjectViaStream("v2", "versioned.txt", ifFirst);

      const stale = container.uploadObjectViaStream("v3", "versioned.txt", ifFirst);

      await expectRejection(stale, PreconditionFailedError);
      expect(second.extra.version).to.not.equal(first.extra.version);
      expect((await content("versioned.txt")).toString()).to.equal("v2");
    });
  });
}

/**
 * Flips the first byte of every request body after the driver computed its Content-MD5 and
 * before the request is signed, as a faulty network card or proxy would: the signature
 * matches the changed bytes, only the MD5 tells.
 */
function corruptBodies(client: S3Client): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { body?: unknown };
      if (Buffer.isBuffer(request.body) && request.body.length > 0) {
        const changed = Buffer.from(request.body);
        changed[0] = changed[0]! ^ 0xff;
        request.body = changed;
      }
      return next(args);
    },
    { step: "build", name: "corruptBodiesForTest" },
  );
}
