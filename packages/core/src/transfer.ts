import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { link, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { DestinationExistsError, ObjectHashMismatchError } from "./errors.js";
import type { Progress } from "./types.js";

/**
 * Wraps a provider's stream so that the consumer sees only mapped errors, an optional MD5
 * check at the end, and so that destroying the result releases the source (its socket or
 * file handle).
 */
export function guardStream(
  source: Readable,
  mapError: (error: unknown) => Error,
  verify?: { objectName: string; md5: string },
): Readable {
  const hasher = verify ? createHash("md5") : undefined;

  async function* guarded() {
    try {
      for await (const chunk of source) {
        hasher?.update(chunk as Buffer);
        yield chunk as Buffer;
      }
    } catch (error) {
      throw mapError(error);
    } finally {
      source.destroy();
    }

    const actual = hasher?.digest("hex");
    if (verify && actual !== verify.md5) {
      throw new ObjectHashMismatchError(verify.objectName, verify.md5, actual ?? "");
    }
  }

  return Readable.from(guarded(), { objectMode: false });
}

/** Maps every error an async iterable throws, and leaves its values alone. */
export async function* guardIterable<T>(
  source: () => AsyncIterable<T>,
  mapError: (error: unknown) => Error,
): AsyncGenerator<T> {
  try {
    yield* source();
  } catch (error) {
    throw mapError(error);
  }
}

export interface SaveOptions {
  overwriteExisting: boolean;
  deleteOnFailure: boolean;
  onProgress?: (progress: Progress) => void;
  total?: number;
}

/**
 * Writes a stream to a file without ever exposing a partial file at the destination: bytes go
 * to a temporary file beside it, which replaces the destination only once complete. Without
 * overwriteExisting, the final step is a hard link, which fails rather than clobber a file
 * that appeared in the meantime.
 */
export async function saveStreamToFile(
  stream: Readable,
  destination: string,
  options: SaveOptions,
): Promise<void> {
  if (!options.overwriteExisting && (await pathExists(destination))) {
    stream.destroy();
    throw new DestinationExistsError(destination);
  }

  const partial = join(dirname(destination), `.${basename(destination)}.${randomBytes(6).toString("hex")}.part`);
  try {
    await pipeline(stream, progressCounter(options), createWriteStream(partial));
    await publish(partial, destination, options.overwriteExisting);
  } catch (error) {
    if (options.deleteOnFailure) await rm(partial, { force: true });
    throw error;
  }
}

async function publish(partial: string, destination: string, overwrite: boolean): Promise<void> {
  if (overwrite) return rename(partial, destination);

  try {
    await link(partial, destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new DestinationExistsError(destination);
    }
    throw error;
  } finally {
    await rm(partial, { force: true });
  }
}

function progressCounter(options: SaveOptions) {
  let bytes = 0;
  return async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      bytes += chunk.length;
      options.onProgress?.({ bytes, total: options.total });
      yield chunk;
    }
  };
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

