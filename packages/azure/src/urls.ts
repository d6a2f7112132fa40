import {
  BlobSASPermissions,
  generateBlobSASQueryParameters,
  type BlobServiceClient,
  type StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { InvalidArgumentError } from "@stowage/core";

import { MAX_DELEGATION_SECONDS } from "./limits.js";

/** What signing needs: the service, and the account key when the driver has one. */
export interface Signer {
  service: BlobServiceClient;
  accountName: string;
  sharedKey?: StorageSharedKeyCredential;
}

/** Read (`r`) or create-and-write (`cw`) access to one blob. */
export type SasAccess = "read" | "write";

/**
 * A blob URL carrying a service SAS that allows `access` until `expiresIn` seconds from now.
 * It is signed with the account key when the driver has one, otherwise with a user
 * delegation key asked of the service for the driver's Azure AD credential (which needs the
 * "Storage Blob Delegator" role, and lasts at most seven days).
 * @throws InvalidArgumentError (a delegated URL asked to last more than seven days)
 */
export async function signedBlobUrl(
  signer: Signer,
  containerName: string,
  blobName: string,
  access: SasAccess,
  expiresIn: number,
): Promise<string> {
  const expiresOn = new Date(Date.now() + expiresIn * 1000);
  const values = {
    containerName,
    blobName,
    permissions: BlobSASPermissions.parse(access === "read" ? "r" : "cw"),
    expiresOn,
  };
  const blob = signer.service.getContainerClient(containerName).getBlobClient(blobName);
  const blobUrl = blob.url.split("?")[0]!;

  if (signer.sharedKey) {
    return `${blobUrl}?${generateBlobSASQueryParameters(values, signer.sharedKey).toString()}`;
  }
  if (expiresIn > MAX_DELEGATION_SECONDS) {
    throw new InvalidArgumentError(
      `A URL signed for an Azure AD credential lasts at most ${MAX_DELEGATION_SECONDS} seconds`,
    );
  }
  const key = await signer.service.getUserDelegationKey(new Date(), expiresOn);
  const sas = generateBlobSASQueryParameters(values, key, signer.accountName).toString();
  return `${blobUrl}?${sas}`;
}

/** The public URL of a blob under `base` (a CDN, or the blob service itself). */
export function publicBlobUrl(base: string, containerName: string, blobName: string): string {
  return `${publicContainerUrl(base, containerName)}/${encodeBlobName(blobName)}`;
}

/** The public URL of a container under `base`. */
export function publicContainerUrl(base: string, containerName: string): string {
  return `${base}/${encodeURIComponent(containerName)}`;
}

/** Each segment percent-encoded, the slashes between them kept, as Azure's own URLs do. */
function encodeBlobName(blobName: string): string {
  return blobName.split("/").map(encodeURIComponent).join("/");
}
