import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream";

import { InvalidArgumentError, StorageError } from "./errors.js";
import { HashingStream } from "./streams.js";
import type { Capabilities, UploadOptions } from "./types.js";

/** An upload's body on its way to the driver, with its running hash and the source's fate. */
export interface Metered {
  stream: Readable;
  hasher: HashingStream;
  sourceError: { value?: unknown };
}

/**
 * Pipes the source through a counting pass-through that also computes the MD5 when `hash` is
 * set (for verifyHash). A source that fails (or is destroyed) fails the pass-through too, so
 * the upload aborts promptly; the source's own error is kept to be reported as the cause.
 */
export function meter(
  source: Readable,
  size: number | undefined,
  onProgress?: UploadOptions["onProgress"],
  hash = true,
): Metered {
  const report = onProgress ? (bytes: number) => onProgress({ bytes, total: size }) : undefined;
  const hasher = new HashingStream(hash ? "md5" : null, report, size);
  const sourceError: { value?: unknown } = {};

  pipeline(source, hasher, (error) => {
    if (error) sourceError.value ??= error;
  });
  source.once("error", (error) => (sourceError.value ??= error));
  return { stream: hasher, hasher, sourceError };
}

export async function fileSize(filePath: string): Promise<number> {
  try {
    const stats = await stat(filePath);
    if (!stats.isFile()) throw new InvalidArgumentError(`"${filePath}" is not a file`);
    return stats.size;
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new InvalidArgumentError(`Cannot read the file "${filePath}"`, { cause: error });
  }
}

/** The capabilities an upload's options need, each with the feature's name for the error. */
export function requiredCapabilities(options: UploadOptions): [keyof Capabilities, string][] {
  const needs: [keyof Capabilities, string][] = [];
  if (options.ifMatch !== undefined || options.ifNoneMatch !== undefined) {
    needs.push(["conditionalWrites", "Conditional writes"]);
  }
  if (options.extra?.acl !== undefined) needs.push(["acl", "ACLs"]);
  if (Object.keys(options.extra?.metaData ?? {}).length > 0)
    needs.push(["metadata", "User metadata"]);
  return needs;
}

/** Checks an upload's plain arguments. @throws InvalidArgumentError */
export function checkUploadArguments(objectName: string, options: UploadOptions): void {
  if (options.ifNoneMatch !== undefined && options.ifNoneMatch !== "*") {
    throw new InvalidArgumentError('ifNoneMatch only takes "*"', { objectName });
  }
  const { size } = options;
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new InvalidArgumentError(`size must be a non-negative integer, got ${size}`);
  }
}
