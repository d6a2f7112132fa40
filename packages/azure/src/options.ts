import type { TokenCredential } from "@azure/identity";
import {
  AnonymousCredential,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from "@azure/storage-blob";
import { InvalidArgumentError, type StorageDriverOptions } from "@stowage/core";

import { MAX_BLOCK_SIZE } from "./limits.js";

const MiB = 1024 * 1024;

/** Options of AzureBlobsStorageDriver, beyond the account name and key. */
export interface AzureBlobsStorageDriverOptions extends StorageDriverOptions {
  /**
   * The blob service URL. Default `https://<account>.blob.core.windows.net`. Set it for
   * Azurite (`http://127.0.0.1:10000/devstoreaccount1`), Azure Stack, sovereign clouds
   * (`https://<account>.blob.core.chinacloudapi.cn`) or a custom domain.
   */
  endpoint?: string;
  /** Base of public URLs (a CDN in front of the account). Default: the blob service URL. */
  cdnBaseUrl?: string;
  /**
   * Bytes per block of a block upload, and the largest upload sent as one Put Blob. Default
   * 8 MiB. A known size that would need more than Azure's 50,000 blocks gets larger blocks.
   */
  blockSize?: number;
  /** Blocks sent at once; memory is about blockSize × (concurrency + 1). Default 4. */
  concurrency?: number;
  /** A shared access signature to authorize with instead of the account key. */
  sasToken?: string;
  /** An Azure AD credential from @azure/identity (a managed identity, say) instead of a key. */
  credential?: TokenCredential;
}

/** How the driver authenticates, which decides how it can sign URLs. */
export type AuthMode = "key" | "sas" | "token";

/** The options checked and completed. */
export interface ResolvedOptions {
  serviceUrl: string;
  credential: StorageSharedKeyCredential | AnonymousCredential | TokenCredential;
  sharedKey?: StorageSharedKeyCredential;
  auth: AuthMode;
  pipeline: StoragePipelineOptions;
  cdnBaseUrl: string;
  blockSize: number;
  concurrency: number;
}

/**
 * Checks the options and picks the credential: the account key, a SAS token or a token
 * credential, exactly one of them.
 * @throws InvalidArgumentError
 */
export function resolveOptions(
  accountName: string,
  accountKey: string | undefined,
  options: AzureBlobsStorageDriverOptions,
): ResolvedOptions {
  if (!accountName) throw new InvalidArgumentError("The Azure storage account name is empty");
  const endpoint = trimSlash(options.endpoint ?? `https://${accountName}.blob.core.windows.net`);
  checkUrl(endpoint, "endpoint");
  const auth = authMode(accountKey, options);

  const sharedKey =
    auth === "key" ? new StorageSharedKeyCredential(accountName, accountKey!) : undefined;
  const sas = auth === "sas" ? `?${options.sasToken!.replace(/^\?/, "")}` : "";
  return {
    serviceUrl: endpoint + sas,
    credential: sharedKey ?? options.credential ?? new AnonymousCredential(),
    sharedKey,
    auth,
    // The core repeats idempotent calls itself, with the caller's policy.
    pipeline: { retryOptions: { maxTries: 1 } },
    cdnBaseUrl: trimSlash(options.cdnBaseUrl ?? endpoint),
    blockSize: checkBlockSize(options.blockSize ?? 8 * MiB),
    concurrency: checkConcurrency(options.concurrency ?? 4),
  };
}

function authMode(
  accountKey: string | undefined,
  options: AzureBlobsStorageDriverOptions,
): AuthMode {
  const given = [accountKey, options.sasToken, options.credential].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new InvalidArgumentError(
      "Give exactly one of an account key, options.sasToken or options.credential",
    );
  }
  if (accountKey !== undefined) return "key";
  return options.sasToken !== undefined ? "sas" : "token";
}

function checkBlockSize(blockSize: number): number {
  if (!Number.isSafeInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
    throw new InvalidArgumentError(
      `blockSize must be a whole number of bytes from 1 to ${MAX_BLOCK_SIZE}, got ${blockSize}`,
    );
  }
  return blockSize;
}

function checkConcurrency(concurrency: number): number {
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`concurrency must be at least 1, got ${concurrency}`);
  }
  return concurrency;
}

function checkUrl(url: string, option: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch (error) {
    throw new InvalidArgumentError(`${option} is not a URL: "${url}"`, { cause: error });
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new InvalidArgumentError(`${option} must be an http or https URL, got "${url}"`);
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
