/**
 * S3's documented limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
 * S3-compatible servers share them or are more lenient.
 */

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Smallest part of a multipart upload, the last part excepted. */
export const MIN_PART_SIZE = 5 * MiB;

/** Largest part of a multipart upload. */
export const MAX_PART_SIZE = 5 * GiB;

/** Most parts one multipart upload may have. */
export const MAX_PARTS = 10_000;

/** Largest object. */
export const MAX_OBJECT_SIZE = 5 * 1024 * GiB;

/** Largest object one PutObject or CopyObject may write. */
export const MAX_SINGLE_PUT = 5 * GiB;

/** Longest object key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** Longest expiry of a SigV4 presigned URL, in seconds (seven days). */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** Keys one DeleteObjects request may name. */
export const MAX_DELETE_KEYS = 1_000;
