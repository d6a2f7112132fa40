import type { ObjectCannedACL, S3Client } from "@aws-sdk/client-s3";
import type { Logger, UploadRequest } from "@stowage/core";

import { encodeMetadata } from "./metadata.js";
import type { TransferSettings } from "./options.js";

/** What an upload needs from its driver. */
export interface UploadDeps {
  client: S3Client;
  settings: TransferSettings;
  logger: Logger;
  /** Runs an idempotent request under the driver's retry policy and error mapping. */
  retrying<T>(operation: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T>;
}

/** What S3 answered to a finished upload. */
export interface UploadOutcome {
  etag: string;
  size: number;
  encrypted: boolean;
}

/** The parameters PutObject and CreateMultipartUpload share. */
export type ObjectParams = ReturnType<typeof objectParams>;

/** Builds them; refuses metadata S3 cannot keep before a byte is read. */
export function objectParams(request: UploadRequest) {
  return {
    Bucket: request.container.name,
    Key: request.objectName,
    ContentType: request.contentType,
    Metadata: encodeMetadata(request.metaData),
    ACL: request.acl as ObjectCannedACL | undefined,
    CacheControl: request.headers["Cache-Control"],
    ContentDisposition: request.headers["Content-Disposition"],
    ContentEncoding: request.headers["Content-Encoding"],
    ContentLanguage: request.headers["Content-Language"],
  };
}

/** An ETag as If-Match wants it: quoted, as S3 sends it. */
export function quoteEtag(etag: string | undefined): string | undefined {
  if (etag === undefined || etag.startsWith('"') || etag.startsWith("W/")) return etag;
  return `"${etag}"`;
}
