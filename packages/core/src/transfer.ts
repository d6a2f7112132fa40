import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { link, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import {
  DestinationExistsError,
  ObjectHashMismatchError,
  OperationAbortedError,
  StorageError,
  TransientError,
} from "./errors.js";
import { backoffDelay, sleep, type RetryPolicy } from "./retry.js";
import type { Progress } from "./types.js";

/** How a guarded read picks up again after its stream was cut. */
export interface ResumeOptions {
  /** Bytes the whole read must deliver; a stream that ends short of it counts as cut. */
  length: number;
  /**
   * Opens the rest of the read, from `offset` bytes into it, pinned to the version first
   * read; undefined when the driver cannot pin one, which makes every cut final.
   */
  reopen?: (offset: number) => Promise<Readable>;
  /** Which failures are worth another try, and how many tries in all. */
  policy: RetryPolicy;
  /** Aborts the read, the current stream included. */
  signal?: AbortSignal;
}

/**
 * Wraps a provider's stream so that the consumer sees only mapped errors, an optional MD5
 * check at the end, and so that destroying the result releases the source (its socket or
 * file handle).
 *
 * With `resume`, a transient failure in the middle of the stream (a reset connection, a
 * body that ends early) reopens the read from the byte reached, up to the policy's attempts,
 * and the caller sees one unbroken stream; when it cannot, the stream fails with the
 * TransientError. A stream that ends short of `resume.length` never ends as a success.
 */
export function guardStream(
  source: Readable,
  mapError: (error: unknown) => Error,
  verify?: { objectName: string; md5: string },
  resume?: ResumeOptions,
): Readable {
  const hasher = verify ? createHash("md5") : undefined;
  const reader = new ResumingReader(source, mapError, resume);

  async function* guarded() {
    for await (const chunk of reader.chunks()) {
      hasher?.update(chunk);
      yield chunk;
    }

    const actual = hasher?.digest("hex");
    if (verify && actual !== verify.md5) {
      throw new ObjectHashMismatchError(verify.objectName, verify.md5, actual ?? "");
    }
  }

  const result = Readable.from(guarded(), { objectMode: false });
  reader.onAbort((error) => result.destroy(error));
  // A result destroyed before its first read never runs the generator's cleanup.
  result.once("close", () => reader.release());
  return result;
}

/** Reads a provider's stream, and its continuations after cuts, as one run of chunks. */
class ResumingReader {
  private current: Readable;
  private reached = 0;
  private cuts = 0;
  private detach = () => {};

  constructor(
    source: Readable,
    private readonly mapError: (error: unknown) => Error,
    private readonly resume?: ResumeOptions,
  ) {
    this.current = source;
  }

  /**
   * Destroys the current stream as soon as the signal fires, even while nobody reads, so
   * that its socket or file handle is released at once; `then` is told the mapped error.
   */
  onAbort(then: (error: Error) => void): void {
    const signal = this.resume?.signal;
    if (!signal) return;

    const abort = () => {
      const error = this.mapError(signal.reason ?? new Error("aborted"));
      this.current.destroy(error);
      then(error);
    };
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    this.detach = () => signal.removeEventListener("abort", abort);
  }

  /** Releases the current stream and stops listening for aborts; safe to call twice. */
  release(): void {
    this.detach();
    this.current.destroy();
  }

  async *chunks(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        try {
          yield* this.drain();
          return;
        } catch (error) {
          this.current.destroy();
          this.current = await this.afterCut(this.mapError(error));
        }
      }
    } finally {
      this.detach();
      this.current.destroy();
    }
  }

  /** The current stream's chunks; throws when it ends before the expected length. */
  private async *drain(): AsyncGenerator<Buffer> {
    const watch = new IdleWatch(this.current, this.resume?.policy.idleTimeoutMs);
    try {
      for await (const chunk of this.current) {
        watch.pause();
        this.reached += (chunk as Buffer).length;
        yield chunk as Buffer;
        watch.restart();
      }
    } finally {
      watch.pause();
    }

    const length = this.resume?.length;
    if (length !== undefined && this.reached < length) {
      throw new TransientError(`The download ended early, at byte ${this.reached} of ${length}`);
    }
  }

  /** The stream that continues the read after `error`, or `error` when there is none. */
  private async afterCut(error: Error): Promise<Readable> {
    const resume = this.resume;
    this.cuts++;
    const retryable = error instanceof StorageError && resume?.policy.isRetryable(error);
    if (!resume?.reopen || !retryable || this.cuts >= resume.policy.attempts) throw error;

    await sleep(backoffDelay(resume.policy, this.cuts), resume.signal).catch((abort) => {
      throw this.mapError(abort);
    });
    try {
      return await resume.reopen(this.reached);
    } catch (failure) {
      throw cannotResume(this.reached, error, this.mapError(failure));
    }
  }
}

/**
 * Destroys a stream that delivers nothing for `limitMs` while it is being waited on, so that
 * a stalled connection (or a library that never reports a dropped one) becomes a failure
 * the read can resume from instead of a hang.
 */
class IdleWatch {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly stream: Readable,
    private readonly limitMs: number | undefined,
  ) {
    this.restart();
  }

  restart(): void {
    if (this.limitMs === undefined || !Number.isFinite(this.limitMs)) return;
    const limit = this.limitMs;
    this.pause();
    this.timer = setTimeout(() => {
      this.stream.destroy(new TransientError(`The download received no data for ${limit} ms`));
    }, limit);
  }

  pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Why a cut read could not go on. A transient failure of the reopen speaks for itself; any
 * other (the object changed or went away since the read began) is reported as the cut it
 * is, with the reason as its cause, so the caller knows to read the object again.
 */
function cannotResume(reached: number, cut: Error, failure: Error): Error {
  if (failure instanceof TransientError || failure instanceof OperationAbortedError) return failure;
  if (!(cut instanceof StorageError)) return cut;

  const { driver, operation, container, objectName } = cut;
  const message = `The download was cut at byte ${reached} and cannot resume: ${failure.message}`;
  return new TransientError(message, { driver, operation, container, objectName, cause: failure });
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

  const partial = join(
    dirname(destination),
    `.${basename(destination)}.${randomBytes(6).toString("hex")}.part`,
  );
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
