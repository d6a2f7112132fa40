// The raw @azure/storage-blob SDK doing what the Azure driver does: one Put Blob for small
// bodies, staged blocks of 8 MiB, 4 at once, for large ones; Blob Batch deletes.
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";

import { MiB } from "../data.mjs";

/** The largest body sent as one Put Blob, as the driver does (its block size). */
const SINGLE_PUT = 8 * MiB;

/** Deletes one Blob Batch request may carry. */
const BATCH = 256;

export function rawAzureClient(spec) {
  const credential = new StorageSharedKeyCredential(spec.accountName, spec.accountKey);
  const service = new BlobServiceClient(`${spec.endpoint}/${spec.accountName}`, credential);
  const container = service.getContainerClient(spec.container);

  return {
    name: "raw",
    async put(key, body, size) {
      const blob = container.getBlockBlobClient(key);
      if (Buffer.isBuffer(body) && size <= SINGLE_PUT) {
        await blob.upload(body, body.length);
        return;
      }
      await blob.uploadStream(body, 8 * MiB, 4);
    },
    async get(key) {
      const answer = await container.getBlobClient(key).download();
      return answer.readableStreamBody;
    },
    async list(prefix) {
      let count = 0;
      for await (const page of container.listBlobsFlat({ prefix }).byPage({ maxPageSize: 5000 })) {
        count += page.segment.blobItems.length;
      }
      return count;
    },
    async deleteAll(prefix) {
      const names = [];
      for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
      const batch = container.getBlobBatchClient();
      for (let start = 0; start < names.length; start += BATCH) {
        const clients = names.slice(start, start + BATCH).map((n) => container.getBlobClient(n));
        await batch.deleteBlobs(clients);
      }
    },
    close() {},
  };
}
