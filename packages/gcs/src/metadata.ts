import type { CopyOptions, FileMetadata, PredefinedAcl } from "@google-cloud/storage";
import {
  DEFAULT_CONTENT_TYPE,
  InvalidArgumentError,
  type ObjectHeaders,
  type StorageObject,
  type StorageObjectInit,
  type UploadExtra,
} from "@stowage/core";

/** What an upload or a copy stores besides the bytes. */
export interface ObjectFields {
  contentType: string;
  metaData: Record<string, string>;
  headers: ObjectHeaders;
}

/**
 * The GCS resource fields for an object's content type, user metadata and standard headers.
 * GCS keeps metadata values as UTF-8 JSON strings, so non-ASCII values need no encoding.
 */
export function toGcsMetadata(fields: ObjectFields): FileMetadata {
  const { headers } = fields;
  return {
    contentType: fields.contentType,
    metadata: { ...fields.metaData },
    cacheControl: headers["Cache-Control"],
    contentDisposition: headers["Content-Disposition"],
    contentEncoding: headers["Content-Encoding"],
    contentLanguage: headers["Content-Language"],
  };
}

/**
 * The destination resource of a server-side copy: nothing (GCS keeps the source's metadata),
 * or the caller's replacement content type and user metadata.
 */
export function copyBody(source: StorageObject, extra: UploadExtra | undefined): CopyOptions {
  if (!extra) return {};
  return { contentType: extra.contentType ?? source.contentType, metadata: { ...extra.metaData } };
}

/** A StorageObject's fields from a GCS object resource. */
export function fromGcsMetadata(name: string, resource: FileMetadata): StorageObjectInit {
  return {
    name,
    size: Number(resource.size ?? 0),
    ...hashOf(resource),
    contentType: resource.contentType ?? DEFAULT_CONTENT_TYPE,
    metaData: userMetadata(resource.metadata),
    extra: {
      etag: resource.etag,
      lastModified: resource.updated ? new Date(resource.updated) : undefined,
      storageClass: resource.storageClass,
      cacheControl: resource.cacheControl,
      contentDisposition: resource.contentDisposition,
      contentEncoding: resource.contentEncoding,
      contentLanguage: resource.contentLanguage,
      version: resource.generation === undefined ? undefined : String(resource.generation),
    },
  };
}

/**
 * The generation an `ifMatch` names. GCS versions objects by generation number, which is
 * what `extra.version` holds.
 * @throws InvalidArgumentError
 */
export function generationOf(version: string): string {
  if (!/^\d+$/.test(version)) {
    throw new InvalidArgumentError(
      `ifMatch takes an object's extra.version (a generation), got "${version}"`,
    );
  }
  return version;
}

const ACLS: Record<string, PredefinedAcl> = {
  private: "private",
  "public-read": "publicRead",
  "authenticated-read": "authenticatedRead",
  "bucket-owner-read": "bucketOwnerRead",
  "bucket-owner-full-control": "bucketOwnerFullControl",
  "project-private": "projectPrivate",
};

/**
 * GCS's predefined ACL for a canned ACL name, in S3's spelling (as Libcloud takes them) or
 * GCS's own. Buckets with uniform bucket-level access refuse every ACL.
 * @throws InvalidArgumentError
 */
export function predefinedAclOf(acl: string): PredefinedAcl {
  const known = ACLS[acl] ?? Object.values(ACLS).find((value) => value === acl);
  if (!known) {
    const known = Object.keys(ACLS).join(", ");
    throw new InvalidArgumentError(`Unknown ACL "${acl}"; Cloud Storage takes ${known}`);
  }
  return known;
}

/**
 * MD5 where GCS has one; composite objects only have a CRC32C. Both arrive base64-encoded and
 * are reported as hex, like every other driver's hashes.
 */
function hashOf(resource: FileMetadata): Pick<StorageObjectInit, "hash" | "hashAlgorithm"> {
  if (resource.md5Hash) return { hash: base64ToHex(resource.md5Hash), hashAlgorithm: "md5" };
  if (resource.crc32c) return { hash: base64ToHex(resource.crc32c), hashAlgorithm: "crc32c" };
  return { hash: resource.etag ?? "", hashAlgorithm: "etag" };
}

function userMetadata(metadata: FileMetadata["metadata"]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (value !== null && value !== undefined) result[key] = String(value);
  }
  return result;
}

/** Hex form of a base64 digest. */
export function base64ToHex(value: string): string {
  return Buffer.from(value, "base64").toString("hex");
}
