import type { BucketMetadata, FileMetadata, Storage } from "@google-cloud/storage";

import { bucketUrl, callJsonApi, objectUrl } from "./http.js";

// The JSON API calls whose cancellation must end the request, not only the caller's wait:
// lookups and deletes, sent with Node's HTTP client (see http.ts) and the call's signal.

/**
 * An object's resource (its metadata).
 * @throws GcsHttpError (404 for a missing object or bucket), the socket's error, AbortError
 */
export async function fetchObject(
  storage: Storage,
  bucket: string,
  objectName: string,
  signal?: AbortSignal,
): Promise<FileMetadata> {
  const url = objectUrl(storage, bucket, objectName);
  return (await callJsonApi<FileMetadata>(storage, "GET", url, signal)) ?? {};
}

/**
 * A bucket's resource (its metadata).
 * @throws GcsHttpError (404 for a missing bucket), the socket's error, or an AbortError
 */
export async function fetchBucket(
  storage: Storage,
  bucket: string,
  signal?: AbortSignal,
): Promise<BucketMetadata> {
  const url = bucketUrl(storage, bucket);
  return (await callJsonApi<BucketMetadata>(storage, "GET", url, signal)) ?? {};
}

/**
 * Deletes an object's live generation.
 * @throws GcsHttpError (404 for a missing object or bucket), the socket's error, AbortError
 */
export async function deleteObject(
  storage: Storage,
  bucket: string,
  objectName: string,
  signal?: AbortSignal,
): Promise<void> {
  await callJsonApi(storage, "DELETE", objectUrl(storage, bucket, objectName), signal);
}

/**
 * Deletes an empty bucket.
 * @throws GcsHttpError (404 missing, 409 not empty), the socket's error, or an AbortError
 */
export async function deleteBucket(
  storage: Storage,
  bucket: string,
  signal?: AbortSignal,
): Promise<void> {
  await callJsonApi(storage, "DELETE", bucketUrl(storage, bucket), signal);
}
