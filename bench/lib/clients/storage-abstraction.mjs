// @tweedegolf/storage-abstraction 3.x as a peer, with its amazon-s3, google-cloud and local
// adapters (its Azure adapter is not installed here).
import { createRequire } from "node:module";
import { join } from "node:path";

import { gcsOptions } from "./gcs.mjs";
import { s3Config } from "./s3.mjs";

const require = createRequire(import.meta.url);

/** Why a target has no storage-abstraction column, or undefined when it has one. */
export function sabGap(spec) {
  if (spec.kind === "azure") {
    const adapter = "@tweedegolf/sab-adapter-azure-blob";
    return `storage-abstraction's Azure adapter (${adapter}) is not installed`;
  }
  return undefined;
}

function configFor(spec) {
  switch (spec.kind) {
    case "s3": {
      const { credentials, ...rest } = s3Config(spec);
      return { provider: "aws", bucketName: spec.container, ...rest, ...credentials };
    }
    case "gcs":
      return { provider: "gcs", bucketName: spec.container, ...gcsOptions(spec) };
    case "local":
      return { provider: "local", bucketName: spec.container, directory: join(spec.root, "sab") };
    default:
      throw new Error(sabGap(spec));
  }
}

/** Unwraps the library's { value, error } answers into values and exceptions. */
function check(answer) {
  if (answer.error) throw new Error(`storage-abstraction: ${answer.error}`);
  return answer.value;
}

export function sabClient(spec) {
  const { Storage } = require("@tweedegolf/storage-abstraction");
  const storage = new Storage(configFor(spec));
  if (storage.configError) throw new Error(storage.configError);

  return {
    name: "storage-abstraction",
    storage,
    async put(key, body) {
      const params = { bucketName: spec.container, targetPath: key };
      if (Buffer.isBuffer(body))
        check(await storage.addFileFromBuffer({ ...params, buffer: body }));
      else check(await storage.addFileFromStream({ ...params, stream: body }));
    },
    async get(key) {
      return check(await storage.getFileAsStream(spec.container, key));
    },
    async list() {
      // The library lists a whole bucket in one call; it takes no prefix.
      return check(await storage.listFiles(spec.container)).length;
    },
    async deleteAll() {
      // clearBucket empties the bucket (S3: one listing page, then one DeleteObjects), so
      // it is called until the bucket lists empty.
      for (let round = 0; round < 100; round++) {
        check(await storage.clearBucket(spec.container));
        if (spec.kind === "local") {
          // The local adapter removes the bucket's directory itself; the bench reuses it.
          check(await storage.createBucket(spec.container));
          return;
        }
        if (check(await storage.listFiles(spec.container)).length === 0) return;
      }
      throw new Error("storage-abstraction: clearBucket did not empty the bucket");
    },
    async create() {
      check(await storage.createBucket(spec.container));
    },
    close() {},
  };
}
