import { readFileSync } from "node:fs";

import type { StorageOptions } from "@google-cloud/storage";
import { InvalidArgumentError, type StorageDriverOptions } from "@stowage/core";

/** Resumable uploads send their bytes in chunks that are multiples of 256 KiB (GCS's rule). */
export const CHUNK_QUANTUM = 256 * 1024;

/** Bytes per resumable-upload chunk by default; an upload holds up to about twice this. */
export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;

/** Objects of a known size up to this many bytes go in one request; larger ones resumably. */
export const DEFAULT_RESUMABLE_THRESHOLD = 5 * 1024 * 1024;

/** Where GCS serves public objects. */
const GOOGLE_PUBLIC_BASE = "https://storage.googleapis.com";

/** Options of GoogleStorageDriver, beyond Libcloud's (key, secret). */
export interface GoogleStorageDriverOptions extends StorageDriverOptions {
  /**
   * The Google Cloud project. Listing and creating containers need it; without it the Google
   * library looks it up from the environment (a key file, gcloud, or the metadata server).
   * Required together with `endpoint`, so that talking to an emulator never probes Google.
   */
  projectId?: string;
  /**
   * Another API endpoint, such as an emulator (`http://127.0.0.1:4443`) or a private gateway.
   * Requests to it carry no credentials unless `authenticateEndpoint` is true.
   */
  endpoint?: string;
  /** Send credentials to `endpoint` too (a gateway in front of Google). Default false. */
  authenticateEndpoint?: boolean;
  /**
   * Base of public object URLs. Default: `endpoint` when one is set, otherwise
   * `https://storage.googleapis.com`.
   */
  cdnBaseUrl?: string;
  /**
   * Bytes per resumable-upload chunk: a multiple of 256 KiB. Default 8 MiB. A resumable
   * upload holds up to about twice this in memory (the chunk being sent and the next).
   */
  chunkSize?: number;
  /**
   * Known-size uploads up to this size are read into memory and sent in one request; larger
   * ones, and streams of unknown length, go resumably in chunks. Default 5 MiB.
   */
  resumableThreshold?: number;
}

/** The credentials a driver was built with, as the Google library takes them. */
export interface Credentials {
  client_email: string;
  private_key: string;
}

/** The client settings and upload sizes a driver derives from its constructor arguments. */
export interface ResolvedOptions {
  storage: StorageOptions;
  credentials?: Credentials;
  chunkSize: number;
  resumableThreshold: number;
  cdnBaseUrl: string;
}

/**
 * Maps Libcloud-style (key, secret, options) onto the Google client's options: key is a
 * service account's email, secret its PEM private key or the path of a key file (PEM or
 * the JSON file Google issues). No key means application default credentials, or none at
 * all with an `endpoint`.
 * @throws InvalidArgumentError
 */
export function resolveOptions(
  key: string | undefined,
  secret: string | undefined,
  options: GoogleStorageDriverOptions,
): ResolvedOptions {
  const fromFile = secret !== undefined && !isPem(secret) ? readKeyFile(secret) : undefined;
  const credentials = credentialsOf(key, fromFile?.credentials.private_key ?? secret, fromFile);
  const projectId = options.projectId ?? fromFile?.projectId;
  if (options.endpoint !== undefined && projectId === undefined) {
    throw new InvalidArgumentError("projectId is required with a custom endpoint");
  }

  return {
    storage: clientOptions(options, credentials, projectId),
    credentials,
    chunkSize: chunkSizeOf(options.chunkSize),
    resumableThreshold: thresholdOf(options.resumableThreshold),
    cdnBaseUrl: trimSlash(options.cdnBaseUrl ?? options.endpoint ?? GOOGLE_PUBLIC_BASE),
  };
}

function clientOptions(
  options: GoogleStorageDriverOptions,
  credentials: Credentials | undefined,
  projectId: string | undefined,
): StorageOptions {
  return {
    projectId,
    credentials,
    apiEndpoint: options.endpoint === undefined ? undefined : trimSlash(options.endpoint),
    useAuthWithCustomEndpoint: options.authenticateEndpoint ?? false,
    // Stowage retries idempotent calls itself (options.retry); two layers would multiply.
    retryOptions: { autoRetry: false },
  };
}

function credentialsOf(
  key: string | undefined,
  privateKey: string | undefined,
  fromFile: KeyFile | undefined,
): Credentials | undefined {
  if (fromFile?.credentials.client_email) return fromFile.credentials;
  if (key === undefined && privateKey === undefined) return undefined;
  if (!key || !privateKey) {
    const message = "A service account needs both its email (key) and its private key";
    throw new InvalidArgumentError(message);
  }
  return { client_email: key, private_key: privateKey };
}

interface KeyFile {
  credentials: Credentials;
  projectId?: string;
}

/** Reads a PEM private key, or a JSON key file with its email, key and project. */
function readKeyFile(path: string): KeyFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InvalidArgumentError(`Cannot read the key file "${path}"`, { cause: error });
  }
  if (!text.trimStart().startsWith("{")) {
    if (isPem(text)) return { credentials: { client_email: "", private_key: text } };
    throw new InvalidArgumentError(`"${path}" is neither a PEM key nor a JSON key file`);
  }

  try {
    const json = JSON.parse(text) as Partial<Credentials> & { project_id?: string };
    const credentials = {
      client_email: json.client_email ?? "",
      private_key: json.private_key ?? "",
    };
    return { credentials, projectId: json.project_id };
  } catch (error) {
    const message = `"${path}" is neither a PEM key nor a JSON key file`;
    throw new InvalidArgumentError(message, { cause: error });
  }
}

function isPem(text: string): boolean {
  return text.includes("-----BEGIN");
}

function chunkSizeOf(chunkSize = DEFAULT_CHUNK_SIZE): number {
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0 || chunkSize % CHUNK_QUANTUM !== 0) {
    const message = `chunkSize must be a positive multiple of 256 KiB, got ${chunkSize}`;
    throw new InvalidArgumentError(message);
  }
  return chunkSize;
}

function thresholdOf(threshold = DEFAULT_RESUMABLE_THRESHOLD): number {
  if (!Number.isSafeInteger(threshold) || threshold < 0) {
    const message = `resumableThreshold must be a non-negative integer, got ${threshold}`;
    throw new InvalidArgumentError(message);
  }
  return threshold;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
