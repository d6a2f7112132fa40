// A container-wide SAS token made with the SDK directly, as an administrator holding the key
// would hand one out to an application.
import {
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from "@azure/storage-blob";

import type { TestServer } from "../../../test/support/servers.js";

/** A token allowing everything in one container for an hour. */
export function generateContainerSas(server: TestServer, containerName: string): string {
  const key = new StorageSharedKeyCredential(server.accountName!, server.accountKey!);
  const values = {
    containerName,
    permissions: ContainerSASPermissions.parse("racwdl"),
    expiresOn: new Date(Date.now() + 3_600_000),
  };
  return generateBlobSASQueryParameters(values, key).toString();
}
