import type { ContainerClient } from "@azure/storage-blob";

import { MAX_BATCH_SIZE } from "./limits.js";

/** A sub-request of a batch that failed, shaped like the SDK's errors for the one mapper. */
export class BatchDeleteError extends Error {
  readonly statusCode: number;
  readonly details: { errorCode?: string };

  constructor(blobName: string, statusCode: number, errorCode?: string) {
    super(`Deleting "${blobName}" in a batch failed with HTTP ${statusCode} (${errorCode})`);
    this.name = "BatchDeleteError";
    this.statusCode = statusCode;
    this.details = { errorCode };
  }
}

/**
 * Deletes blobs with Blob Batch requests of up to 256 deletes each. A blob that is already
 * gone counts as deleted; any other failed delete fails the call with its own error.
 * @throws BatchDeleteError, and the SDK's errors for a batch refused as a whole
 */
export async function deleteBatch(
  container: ContainerClient,
  names: string[],
  abortSignal?: AbortSignal,
): Promise<void> {
  const batch = container.getBlobBatchClient();
  for (let start = 0; start < names.length; start += MAX_BATCH_SIZE) {
    const chunk = names.slice(start, start + MAX_BATCH_SIZE);
    const clients = chunk.map((name) => container.getBlobClient(name));
    const response = await batch.deleteBlobs(clients, { abortSignal, deleteSnapshots: "include" });

    for (const sub of response.subResponses) {
      if (sub.status < 300 || sub.errorCode === "BlobNotFound") continue;
      const name = sub._request.url;
      throw new BatchDeleteError(blobNameOf(name, chunk), sub.status, sub.errorCode);
    }
  }
}

/** The name of the blob a sub-request's URL addresses, among the batch's names. */
function blobNameOf(url: string, names: string[]): string {
  const path = decodeURIComponent(new URL(url).pathname);
  return names.find((name) => path.endsWith(`/${name}`)) ?? path;
}
