import type { Logger } from "./logger.js";
import type { RetryOptions } from "./retry.js";

/** What a driver can do. A call outside these throws NotSupportedError, never a silent no-op. */
export interface Capabilities {
  /** Pre-signed URLs that let anyone holding them read an object until they expire. */
  signedUrls: boolean;
  /** Pre-signed URLs that let a client upload one object directly. */
  signedUploadUrls: boolean;
  /** A public (CDN) URL for objects and containers. */
  cdnUrls: boolean;
  /** Copy and move without the bytes passing through this process. */
  serverSideCopy: boolean;
  /** `ifNoneMatch: "*"` and `ifMatch` on upload. */
  conditionalWrites: boolean;
  /** User metadata (`extra.metaData`) stored with objects. */
  metadata: boolean;
  /** Large uploads split into parts or blocks sent separately. */
  multipartUpload: boolean;
  /** Canned ACLs (`extra.acl`) on upload. */
  acl: boolean;
  /** Deleting many objects in one request. */
  batchDelete: boolean;
}

/** Options every driver constructor accepts. */
export interface StorageDriverOptions {
  /** Receives the driver's decisions (retries, fallbacks). Silent by default. */
  logger?: Logger;
  /** How idempotent calls are repeated after transient faults. */
  retry?: RetryOptions;
  /**
   * Check downloads of whole objects against the MD5 the provider reports, failing with
   * ObjectHashMismatchError at the end of the stream. Default: true on cloud drivers.
   */
  verifyDownloads?: boolean;
}

/** Options every operation accepts. */
export interface CallOptions {
  /** Cancels the operation; the promise or stream fails with OperationAbortedError. */
  signal?: AbortSignal;
  /** Milliseconds after which the operation is aborted. */
  timeout?: number;
}

/** Libcloud's `extra` on upload. */
export interface UploadExtra {
  /** Defaults to the type guessed from the object name's extension. */
  contentType?: string;
  /** User metadata: string keys and values. */
  metaData?: Record<string, string>;
  /** A canned ACL such as "public-read", where the driver supports ACLs. */
  acl?: string;
}

/**
 * Standard HTTP headers stored with an object and sent back when it is served. Drivers map
 * them to their provider's fields; any other header is refused with NotSupportedError.
 */
export interface ObjectHeaders {
  "Cache-Control"?: string;
  "Content-Disposition"?: string;
  "Content-Encoding"?: string;
  "Content-Language"?: string;
}

/** Transfer progress, reported as bytes flow. */
export interface Progress {
  /** Bytes transferred so far. */
  bytes: number;
  /** Total bytes, when known in advance. */
  total?: number;
}

export interface UploadOptions extends CallOptions {
  extra?: UploadExtra;
  headers?: ObjectHeaders;
  /** Compare the MD5 of the bytes sent with what the provider stored; mismatch deletes it. */
  verifyHash?: boolean;
  /** The source's length in bytes when known: saves a multipart upload for small streams. */
  size?: number;
  /** Only create: fail with PreconditionFailedError if the object exists. */
  ifNoneMatch?: "*";
  /** Only replace the version given (an object's `extra.version`). */
  ifMatch?: string;
  /** Called as bytes are sent. */
  onProgress?: (progress: Progress) => void;
}

export interface DownloadOptions extends CallOptions {
  /** Replace an existing destination file. Default false. */
  overwriteExisting?: boolean;
  /**
   * Remove the partial file when the download fails. Default true. Either way the
   * destination path itself is only written once the download is complete.
   */
  deleteOnFailure?: boolean;
  /** Override the driver's `verifyDownloads` for this call. */
  verifyHash?: boolean;
  onProgress?: (progress: Progress) => void;
}

export interface StreamOptions extends CallOptions {
  /** Preferred chunk size in bytes, where the driver can honour it. */
  chunkSize?: number;
  /** Override the driver's `verifyDownloads` for this call. */
  verifyHash?: boolean;
}

export interface ListOptions extends CallOptions {
  /** Only names that start with this string. */
  prefix?: string;
  /** Objects per request to the provider, where it pages. */
  pageSize?: number;
}

export interface IterateOptions extends ListOptions {
  /**
   * Group names by this delimiter after the prefix, as S3 does: objects directly under the
   * prefix are yielded as StorageObject, deeper ones once per group as a StoragePrefix.
   */
  delimiter?: string;
}

export interface DeleteDirectoryOptions extends CallOptions {
  /** Required to delete everything when the directory is empty. */
  wholeContainer?: boolean;
}

export interface SignedUrlOptions extends CallOptions {
  /** Seconds the URL stays valid. Default 3,600. */
  expiresIn?: number;
}

export interface SignedUploadUrlOptions extends SignedUrlOptions {
  /** The content type the uploader must send. */
  contentType?: string;
}

export interface CopyOptions extends CallOptions {
  /** Replace the metadata of the copy instead of keeping the source's. */
  extra?: UploadExtra;
}

/** The checksum an object reports, and what kind it is. */
export type HashAlgorithm = "md5" | "crc32c" | "etag";

/** Provider details of an object. */
export interface ObjectExtra {
  etag?: string;
  lastModified?: Date;
  storageClass?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
  /** The token `ifMatch` takes: the ETag on S3 and Azure, the generation on GCS. */
  version?: string;
}

/** Provider details of a container. */
export interface ContainerExtra {
  creationDate?: Date;
  region?: string;
  /** Where the container lives on disk (local driver). */
  path?: string;
}
