import type { HeadObjectOutput, _Object as ListedObject } from "@aws-sdk/client-s3";
import { DEFAULT_CONTENT_TYPE, type HashAlgorithm, type StorageObjectInit } from "@stowage/core";

import { decodeMetadata } from "./metadata.js";

const MD5_HEX = /^[0-9a-f]{32}$/i;

/**
 * What an ETag says about the bytes. A single-part upload's ETag is the hex MD5 of the
 * object; a multipart one is `<md5 of the part MD5s>-<part count>`, and an object encrypted
 * with SSE-KMS or a customer key has an ETag that is no digest of its bytes: those are
 * reported as "etag", so that nobody compares them with an MD5.
 */
export function hashOf(
  etag: string | undefined,
  encrypted = false,
): { hash: string; hashAlgorithm: HashAlgorithm } {
  const hash = unquote(etag);
  const isMd5 = MD5_HEX.test(hash) && !encrypted;
  return { hash: isMd5 ? hash.toLowerCase() : hash, hashAlgorithm: isMd5 ? "md5" : "etag" };
}

/** The ETag without the quotes S3 wraps it in. */
export function unquote(etag: string | undefined): string {
  return (etag ?? "").replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

/** Whether an object's ETag is not a digest of its bytes because of its encryption. */
export function isEncryptedEtag(info: {
  ServerSideEncryption?: string;
  SSECustomerAlgorithm?: string;
}): boolean {
  const kms = info.ServerSideEncryption?.startsWith("aws:kms") ?? false;
  return kms || info.SSECustomerAlgorithm !== undefined;
}

/** A StorageObject's fields from a HeadObject (or GetObject) answer. */
export function fromHead(name: string, head: HeadObjectOutput): StorageObjectInit {
  return {
    name,
    size: head.ContentLength ?? 0,
    ...hashOf(head.ETag, isEncryptedEtag(head)),
    contentType: head.ContentType ?? DEFAULT_CONTENT_TYPE,
    metaData: decodeMetadata(head.Metadata),
    extra: {
      etag: unquote(head.ETag),
      version: unquote(head.ETag),
      lastModified: head.LastModified,
      storageClass: head.StorageClass ?? "STANDARD",
      cacheControl: head.CacheControl,
      contentDisposition: head.ContentDisposition,
      contentEncoding: head.ContentEncoding,
      contentLanguage: head.ContentLanguage,
    },
  };
}

/**
 * A StorageObject's fields from a listing entry. S3 listings carry neither the content type
 * nor user metadata, so `contentType` is empty and `metaData` too; getObject fetches them.
 */
export function fromListing(name: string, entry: ListedObject): StorageObjectInit {
  return {
    name,
    size: entry.Size ?? 0,
    ...hashOf(entry.ETag),
    contentType: "",
    metaData: {},
    extra: {
      etag: unquote(entry.ETag),
      version: unquote(entry.ETag),
      lastModified: entry.LastModified,
      storageClass: entry.StorageClass,
    },
  };
}
