import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { InvalidArgumentError } from "@stowage/core";

import { MAX_PRESIGN_SECONDS } from "./limits.js";

/** Where a signed URL points. */
export interface UrlTarget {
  bucket: string;
  key: string;
}

/**
 * A presigned GET URL (SigV4, query-string auth). Anyone holding it can read the object
 * until it expires; changing any part of it breaks the signature.
 * @throws InvalidArgumentError when the expiry is beyond SigV4's seven days
 */
export function signedGetUrl(
  client: S3Client,
  target: UrlTarget,
  expiresIn: number,
): Promise<string> {
  checkPresignExpiry(expiresIn);
  const command = new GetObjectCommand({ Bucket: target.bucket, Key: target.key });
  return getSignedUrl(client, command, { expiresIn });
}

/**
 * A presigned PUT URL for one object. With a content type, the uploader must send exactly
 * that Content-Type header, since it is part of the signature.
 * @throws InvalidArgumentError when the expiry is beyond SigV4's seven days
 */
export function signedPutUrl(
  client: S3Client,
  target: UrlTarget,
  expiresIn: number,
  contentType?: string,
): Promise<string> {
  checkPresignExpiry(expiresIn);
  const command = new PutObjectCommand({
    Bucket: target.bucket,
    Key: target.key,
    ContentType: contentType,
  });
  const signableHeaders = contentType ? new Set(["content-type"]) : undefined;
  return getSignedUrl(client, command, { expiresIn, signableHeaders });
}

function checkPresignExpiry(expiresIn: number): void {
  if (expiresIn > MAX_PRESIGN_SECONDS) {
    throw new InvalidArgumentError(
      `expiresIn is ${expiresIn} s; SigV4 presigned URLs last at most 7 days ` +
        `(${MAX_PRESIGN_SECONDS} s)`,
    );
  }
}

/**
 * The public URL of an object under a CDN base: the key's path segments each
 * percent-encoded, so that `a b+c`, `100%` or `q?` address exactly that key.
 */
export function cdnObjectUrl(base: string, key: string): string {
  return `${trimSlash(base)}/${encodeKeyPath(key)}`;
}

/** Percent-encodes each `/`-separated segment of a key, keeping the slashes. */
export function encodeKeyPath(key: string): string {
  return key.split("/").map(encodeSegment).join("/");
}

/** encodeURIComponent, plus the characters it leaves alone that S3 and CDNs may treat specially. */
function encodeSegment(segment: string): string {
  const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
  return encodeURIComponent(segment).replace(/[!'()*]/g, hex);
}

function trimSlash(base: string): string {
  return base.endsWith("/") ? base.slice(0, -1) : base;
}
