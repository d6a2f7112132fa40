// Stowage's side of every comparison: the built packages, through their public API only.
import { AzureBlobsStorageDriver } from "@stowage/azure";
import { GoogleStorageDriver } from "@stowage/gcs";
import { LocalStorageDriver } from "@stowage/local";
import { S3StorageDriver } from "@stowage/s3";

/** The project id given to every GCS client; the emulator accepts any. */
export const GCS_PROJECT = "stowage-bench";

/** Builds the Stowage driver a target spec describes (see targets.mjs). */
export function stowageDriver(spec, options = {}) {
  switch (spec.kind) {
    case "local":
      return new LocalStorageDriver(spec.root, options);
    case "s3":
      return new S3StorageDriver(spec.accessKey, spec.secretKey, {
        ...options,
        endpoint: spec.endpoint,
        region: spec.region,
        forcePathStyle: true,
      });
    case "gcs":
      return new GoogleStorageDriver(undefined, undefined, {
        ...options,
        projectId: GCS_PROJECT,
        endpoint: spec.endpoint,
      });
    case "azure":
      return new AzureBlobsStorageDriver(spec.accountName, spec.accountKey, {
        ...options,
        endpoint: `${spec.endpoint}/${spec.accountName}`,
      });
    default:
      throw new Error(`unknown target kind ${spec.kind}`);
  }
}

/**
 * Stowage as a bench client. Downloads use the StorageObject that the upload (or the
 * listing) returned, as an application holding one does; without one, getObject first.
 */
export async function stowageClient(spec, options = {}) {
  const driver = stowageDriver(spec, options.driver);
  const container = await driver.getContainer(spec.container);
  const objects = new Map();
  const verifyHash = options.verifyDownloads;

  return {
    name: "stowage",
    driver,
    async put(key, body, size) {
      objects.set(key, await container.uploadObjectViaStream(body, key, { size }));
    },
    /** `check` overrides the driver's download MD5 check for this read. */
    async get(key, check = verifyHash) {
      return driver.downloadObjectAsStream(await this.lookup(key), { verifyHash: check });
    },
    /** The StorageObject of `key`: the one its upload or listing returned, else getObject. */
    async lookup(key) {
      return objects.get(key) ?? container.getObject(key);
    },
    async list(prefix) {
      let count = 0;
      for await (const obj of container.iterateObjects({ prefix })) {
        objects.set(obj.name, obj);
        count += 1;
      }
      return count;
    },
    async deleteAll(prefix) {
      await container.deleteDirectory(prefix.replace(/\/$/, ""));
      objects.clear();
    },
    forget() {
      objects.clear();
    },
    close() {},
  };
}
