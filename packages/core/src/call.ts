import type { Readable } from "node:stream";

import type { Container } from "./container.js";
import { InvalidArgumentError } from "./errors.js";
import type { StorageObject } from "./object.js";
import { toReadable } from "./streams.js";
import type { CallOptions } from "./types.js";

/** The one signal a call listens to: the caller's, its timeout, or both. */
export function combineSignals(options: CallOptions): AbortSignal | undefined {
  const signals: AbortSignal[] = [];
  if (options.signal) signals.push(options.signal);
  if (options.timeout !== undefined) signals.push(AbortSignal.timeout(options.timeout));
  if (signals.length <= 1) return signals[0];
  return AbortSignal.any(signals);
}

export function isAbortError(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === "AbortError" || (error as { code?: string })?.code === "ABORT_ERR";
}

export function isSameObject(
  obj: StorageObject,
  destination: Container,
  objectName: string,
): boolean {
  return (
    obj.container.driver === destination.driver &&
    obj.container.name === destination.name &&
    obj.name === objectName
  );
}

export function checkExpiry(expiresIn = 3_600): number {
  if (!Number.isInteger(expiresIn) || expiresIn <= 0) {
    throw new InvalidArgumentError(
      `expiresIn must be a positive number of seconds, got ${expiresIn}`,
    );
  }
  return expiresIn;
}

export function emptyStream(): Readable {
  return toReadable(Buffer.alloc(0));
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Runs `fn` on each item with at most `limit` running at once. */
export async function forEachLimited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Rejects with the signal's reason as soon as it fires, for calls that take no signal of
 * their own; the promise itself runs on.
 */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();

  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Socket-level error codes (Node's and undici's) that mean the connection failed, not the
 * request: worth another attempt on every provider. Drivers map them to TransientError.
 */
export const NETWORK_ERROR_CODES: readonly string[] = [
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
];
