import { CopyObjectCommand, type ObjectCannedACL, type S3Client } from "@aws-sdk/client-s3";
import { contentTypeFor, type StorageObject, type UploadExtra } from "@stowage/core";

import { copyInParts, type CopyLimits } from "./copy-parts.js";
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
 * Copies an object inside S3: with CopyObject up to `limits.singleCopyMax` (5 GiB on S3),
 * beyond it range by range with UploadPartCopy. The source is named in the
 * x-amz-copy-source header as `bucket/key`, URL-encoded: unencoded, a `+` would be read as
 * a space, `%` as an escape, and `?` or `#` would cut the key short.
 */
export async function copyObject(
  client: S3Client,
  job: CopyJob,
  limits: CopyLimits,
): Promise<void> {
  const source = copySource(job.source.container.name, job.source.name);
  const headers = job.extra ? newHeaders(job.key, job.extra) : undefined;
  if (job.source.size > limits.singleCopyMax) {
    return copyInParts(client, job, limits, source, headers);
  }

  const command = new CopyObjectCommand({
    Bucket: job.bucket,
    Key: job.key,
    CopySource: source,
    MetadataDirective: headers ? "REPLACE" : "COPY",
    ...headers,
  });
  await client.send(command, { abortSignal: job.signal });
}

/** The x-amz-copy-source value for an object. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeKeyPath(key)}`;
}

/** What a copy given new `extra` stores instead of the source's headers. */
export type NewHeaders = ReturnType<typeof newHeaders>;

function newHeaders(key: string, extra: UploadExtra) {
  return {
    ContentType: extra.contentType ?? contentTypeFor(key),
    Metadata: encodeMetadata(extra.metaData ?? {}),
    ACL: extra.acl as ObjectCannedACL | undefined,
  };
}
