// The raw @google-cloud/storage library doing what the GCS driver does: one request for
// small bodies, resumable uploads in 8 MiB chunks for large ones, streamed reads.
import { pipeline } from "node:stream/promises";

import { Storage } from "@google-cloud/storage";

import { MiB } from "../data.mjs";
import { GCS_PROJECT } from "./stowage.mjs";

/** The driver's threshold between one-request and resumable uploads. */
const RESUMABLE_THRESHOLD = 5 * MiB;

/** Client options: the emulator at a loopback endpoint, no credentials sent there. */
export function gcsOptions(spec) {
  return {
    apiEndpoint: spec.endpoint,
    projectId: GCS_PROJECT,
    useAuthWithCustomEndpoint: false,
  };
}

export function rawGcsClient(spec) {
  const storage = new Storage(gcsOptions(spec));
  const bucket = storage.bucket(spec.container);

  return {
    name: "raw",
    async put(key, body, size) {
      const file = bucket.file(key);
      if (Buffer.isBuffer(body) && size <= RESUMABLE_THRESHOLD) {
        await file.save(body, { resumable: false });
        return;
      }
      const sink = file.createWriteStream({ resumable: true, chunkSize: 8 * MiB });
      await pipeline(body, sink);
    },
    async get(key) {
      return bucket.file(key).createReadStream();
    },
    async list(prefix) {
      let count = 0;
      let query = { prefix, autoPaginate: false, maxResults: 1000 };
      while (query) {
        const [files, next] = await bucket.getFiles(query);
        count += files.length;
        query = next;
      }
      return count;
    },
    async deleteAll(prefix) {
      // The JSON API has no batch delete the library exposes; deleteFiles runs 10 at once.
      await bucket.deleteFiles({ prefix });
    },
    close() {},
  };
}
