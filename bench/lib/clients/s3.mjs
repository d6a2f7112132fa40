// The raw AWS SDK v3 doing what the S3 driver does: PutObject for small bodies, lib-storage's
// Upload for large ones (same part size and queue), GetObject, ListObjectsV2, DeleteObjects.
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

import { MiB } from "../data.mjs";

/**
 * The S3 client settings every S3 client in the bench shares (Stowage's driver uses the
 * same checksum settings): explicit loopback endpoint, dummy credentials, path style, and
 * checksums only where S3 requires them, so no side pays for CRC32 that another skips.
 */
export function s3Config(spec) {
  return {
    endpoint: spec.endpoint,
    region: spec.region,
    forcePathStyle: true,
    credentials: { accessKeyId: spec.accessKey, secretAccessKey: spec.secretKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}

/** Bodies larger than this go through lib-storage, as the driver goes multipart. */
const MULTIPART_THRESHOLD = 8 * MiB;

export function rawS3Client(spec) {
  const client = new S3Client(s3Config(spec));
  const Bucket = spec.container;

  return {
    name: "raw",
    client,
    async put(key, body, size) {
      if (Buffer.isBuffer(body) && size <= MULTIPART_THRESHOLD) {
        await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body }));
        return;
      }
      const params = { Bucket, Key: key, Body: body };
      await new Upload({ client, params, partSize: 8 * MiB, queueSize: 4 }).done();
    },
    async get(key) {
      const answer = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      return answer.Body;
    },
    async list(prefix) {
      let count = 0;
      let ContinuationToken;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }),
        );
        count += page.Contents?.length ?? 0;
        ContinuationToken = page.NextContinuationToken;
      } while (ContinuationToken);
      return count;
    },
    async deleteAll(prefix) {
      // List a page, delete it in one DeleteObjects, repeat: what deleteDirectory does.
      for (;;) {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix }));
        const keys = (page.Contents ?? []).map(({ Key }) => ({ Key }));
        if (keys.length === 0) return;
        await client.send(
          new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys, Quiet: true } }),
        );
      }
    },
    close() {
      client.destroy();
    },
  };
}
