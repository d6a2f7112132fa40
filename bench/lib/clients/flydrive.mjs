// flydrive 1.x (AdonisJS's storage library) as a peer: its S3, GCS and fs drivers.
// It has no Azure driver.
import { Disk } from "flydrive";
import { FSDriver } from "flydrive/drivers/fs";
import { GCSDriver } from "flydrive/drivers/gcs";
import { S3Driver } from "flydrive/drivers/s3";
import { join } from "node:path";

import { gcsOptions } from "./gcs.mjs";
import { s3Config } from "./s3.mjs";

/** Why a target has no flydrive column, or undefined when it has one. */
export function flydriveGap(spec) {
  return spec.kind === "azure" ? "flydrive 1.x has no Azure Blob driver" : undefined;
}

function driverFor(spec) {
  switch (spec.kind) {
    case "s3":
      return new S3Driver({
        ...s3Config(spec),
        bucket: spec.container,
        visibility: "private",
        // No ACL header on each write: the servers here do not all take object ACLs.
        supportsACL: false,
      });
    case "gcs":
      return new GCSDriver({
        ...gcsOptions(spec),
        bucket: spec.container,
        visibility: "private",
        usingUniformAcl: true,
      });
    case "local":
      return new FSDriver({
        location: join(spec.root, `flydrive-${spec.container}`),
        visibility: "private",
      });
    default:
      throw new Error(flydriveGap(spec));
  }
}

export function flydriveClient(spec) {
  const disk = new Disk(driverFor(spec));

  return {
    name: "flydrive",
    async put(key, body) {
      if (Buffer.isBuffer(body)) await disk.put(key, body);
      else await disk.putStream(key, body);
    },
    async get(key) {
      return disk.getStream(key);
    },
    async list(prefix) {
      let count = 0;
      let paginationToken;
      do {
        const page = await disk.listAll(prefix, { recursive: true, paginationToken });
        for (const entry of page.objects) if (entry.isFile) count += 1;
        paginationToken = page.paginationToken;
      } while (paginationToken);
      return count;
    },
    async deleteAll(prefix) {
      // S3: ListObjectsV2 + DeleteObjects per page; GCS: the library's deleteFiles.
      await disk.deleteAll(prefix.replace(/\/$/, ""));
    },
    close() {},
  };
}
