/**
 * Azure Blob Storage's documented limits: "Understanding block blobs, append blobs, and page
 * blobs" and "Scalability and performance targets for Blob storage" on learn.microsoft.com.
 */

const MiB = 1024 * 1024;

/** Most committed blocks one block blob may have. */
export const MAX_BLOCKS = 50_000;

/** Largest block one Put Block may stage (service version 2019-12-12 and later). */
export const MAX_BLOCK_SIZE = 4000 * MiB;

/** Largest blob one Put Blob may write. */
export const MAX_SINGLE_PUT = 5000 * MiB;

/** Longest blob name, in characters. */
export const MAX_BLOB_NAME_LENGTH = 1024;

/** Sub-requests one Blob Batch request may carry. */
export const MAX_BATCH_SIZE = 256;

/** Longest lifetime of a user delegation key, in seconds (seven days). */
export const MAX_DELEGATION_SECONDS = 7 * 24 * 3600;
