import { CopyObjectCommand, type ObjectCannedACL, type S3Client } from "@aws-sdk/client-s3";
import {
  contentTypeFor,
  NotSupportedError,
  type StorageObject,
  type UploadExtra,
} from "@stowage/core";

import { MAX_SINGLE_PUT } from "./limits.js";
import { encodeMetadata } from "./metadata.js";
import { encodeKeyPath } from "./urls.js";

/** A server-side copy to make. */
export interface CopyJob {
  source: StorageObject;
  bucket: string;
  key: string;
  /** New content type, metadata and ACL; without it the copy keeps the source's. */
  extra?: UploadExtra;
  signal?: AbortSignal;
}

/**
 * Copies an object inside S3 with CopyObject. The source is named in the
 * x-amz-copy-source header as `bucket/key`, URL-encoded: unencoded, a `+` would be read as
 * a space, `%` as an escape, and `?` or `#` would cut the key short.
 * @throws NotSupportedError for sources over 5 GiB, which CopyObject cannot copy
 */
export async function copyObject(client: S3Client, job: CopyJob): Promise<void> {
  if (job.source.size > MAX_SINGLE_PUT) {
    throw new NotSupportedError("Server-side copy of objects over 5 GiB (CopyObject's limit)");
  }

  const command = new CopyObjectCommand({
    Bucket: job.bucket,
    Key: job.key,
    CopySource: copySource(job.source.container.name, job.source.name),
    ...replacement(job.key, job.extra),
  });
  await client.send(command, { abortSignal: job.signal });
}

/** The x-amz-copy-source value for an object. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeKeyPath(key)}`;
}

/** With new `extra`, the copy's headers replace the source's (MetadataDirective REPLACE). */
function replacement(key: string, extra: UploadExtra | undefined) {
  if (!extra) return { MetadataDirective: "COPY" as const };
  return {
    MetadataDirective: "REPLACE" as const,
    ContentType: extra.contentType ?? contentTypeFor(key),
    Metadata: encodeMetadata(extra.metaData ?? {}),
    ACL: extra.acl as ObjectCannedACL | undefined,
  };
}
