import type { BlobHTTPHeaders } from "@azure/storage-blob";
import type { ObjectHeaders, StorageObjectInit } from "@stowage/core";

import { decodeMetadata } from "./metadata.js";

/** The blob properties Stowage reads, as both Get Blob Properties and List Blobs give them. */
export interface BlobProperties {
  contentLength?: number;
  contentMD5?: Uint8Array;
  contentType?: string;
  etag?: string;
  lastModified?: Date;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
  accessTier?: string;
}

/**
 * A StorageObject's fields from a blob's properties. The hash is the blob's Content-MD5,
 * which Stowage sets on every upload; a blob written by another tool as a block list without
 * one reports its ETag instead (`hashAlgorithm: "etag"`), which the core does not check.
 */
export function objectInit(
  name: string,
  props: BlobProperties,
  metadata?: Record<string, string>,
): StorageObjectInit {
  const md5 = props.contentMD5 && props.contentMD5.length > 0 ? hex(props.contentMD5) : undefined;
  const etag = quoted(props.etag);
  return {
    name,
    size: props.contentLength ?? 0,
    hash: md5 ?? etag ?? "",
    hashAlgorithm: md5 ? "md5" : "etag",
    contentType: props.contentType ?? "application/octet-stream",
    metaData: decodeMetadata(metadata),
    extra: {
      etag,
      version: etag,
      lastModified: props.lastModified,
      storageClass: props.accessTier,
      cacheControl: props.cacheControl,
      contentDisposition: props.contentDisposition,
      contentEncoding: props.contentEncoding,
      contentLanguage: props.contentLanguage,
    },
  };
}

/** Core's ObjectHeaders, content type and MD5 as Azure's blob HTTP headers. */
export function httpHeaders(
  contentType: string,
  headers: ObjectHeaders,
  md5?: Buffer,
): BlobHTTPHeaders {
  return {
    blobContentType: contentType,
    blobCacheControl: headers["Cache-Control"],
    blobContentDisposition: headers["Content-Disposition"],
    blobContentEncoding: headers["Content-Encoding"],
    blobContentLanguage: headers["Content-Language"],
    blobContentMD5: md5,
  };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/**
 * The ETag in its header form. Listings give it bare (`0x8D…`), headers quoted (`"0x8D…"`);
 * one form keeps `extra.version` the same token wherever the object came from.
 */
function quoted(etag: string | undefined): string | undefined {
  if (etag === undefined || etag.startsWith('"')) return etag;
  return `"${etag}"`;
}
