import type { Capabilities, StorageDriverOptions } from "@stowage/core";

import type { NameFoldingMode } from "./folding.js";

/**
 * Options of LocalStorageDriver, on top of those every driver takes. `verifyDownloads`
 * defaults to false here: the bytes never cross a network, and the MD5 of an object placed
 * by hand would be computed from the very file being read.
 */
export interface LocalStorageDriverOptions extends StorageDriverOptions {
  /**
   * The public URL under which the root directory is served (by a web server or CDN the
   * user runs), such as `https://files.example.com/uploads/`. getObjectCdnUrl then answers
   * `baseUrl` + container + `/` + the object name, each path segment percent-encoded so the
   * URL addresses the exact name. Without it, CDN URLs are `file://` URLs of the files.
   */
  baseUrl?: string;
  /**
   * How the driver learns whether the filesystem folds case or Unicode normalization:
   * "detect" (the default) probes each container on first use; "sensitive" and
   * "insensitive" state it. On a folding filesystem, a name that would merge with an
   * existing one spelled differently is refused with ObjectNameConflictError, and a read
   * of a differently spelled name finds nothing. The probe writes a file in the container's
   * reserved directory; where it cannot (a read-only container), names are taken as exact.
   */
  nameFolding?: NameFoldingMode;
  /**
   * Flush each object's bytes to the disk before it replaces the previous version, so a
   * power loss leaves the previous version rather than an empty file. Default true; turn it
   * off for scratch data where write speed matters more.
   */
  durable?: boolean;
}

/** What the local driver can do. */
export const LOCAL_CAPABILITIES: Capabilities = {
  signedUrls: false,
  signedUploadUrls: false,
  cdnUrls: true,
  serverSideCopy: true,
  conditionalWrites: true,
  metadata: true,
  multipartUpload: false,
  acl: false,
  batchDelete: false,
};
