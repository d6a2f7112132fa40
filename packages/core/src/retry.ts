import { OperationAbortedError, StorageError } from "./errors.js";
import type { Logger } from "./logger.js";

/** How a driver repeats idempotent operations after transient faults. */
export interface RetryOptions {
  /** Attempts in all, the first included. 1 turns retries off. Default 3. */
  attempts?: number;
  /** Delay before the first retry, doubled on each next one, with full jitter. Default 100 ms. */
  baseDelayMs?: number;
  /** Upper bound of one delay. Default 2,000 ms. */
  maxDelayMs?: number;
  /** Which errors count as transient. Default: those whose `retryable` is true. */
  isRetryable?: (error: StorageError) => boolean;
  /**
   * A download that receives no byte for this long while its reader waits is treated as
   * cut: it is resumed like a reset connection, or fails with TransientError once the
   * attempts are spent. Time the reader itself takes does not count. Default 30,000 ms.
   */
  idleTimeoutMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

/** The policy a driver uses when the caller gives none. */
export const defaultRetryPolicy: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  isRetryable: (error) => error.retryable,
  idleTimeoutMs: 30_000,
};

/** Fills the gaps of a caller's options with the defaults. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return { ...defaultRetryPolicy, ...stripUndefined(options) };
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the attempts run
 * out. Only for operations that are safe to repeat. `attempt` must throw StorageErrors.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  options: { signal?: AbortSignal; logger?: Logger; operation?: string } = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const last = n >= policy.attempts;
      if (last || !(error instanceof StorageError) || !policy.isRetryable(error)) throw error;

      const delay = backoffDelay(policy, n);
      options.logger?.debug("retrying after a transient error", {
        operation: options.operation,
        attempt: n,
        delayMs: delay,
        code: error.code,
      });
      await sleep(delay, options.signal);
    }
  }
}

/** The wait before retry number `n` (1-based): exponential with full jitter. */
export function backoffDelay(policy: RetryPolicy, n: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
  return Math.round(Math.random() * ceiling);
}

/** Waits `ms`, or rejects with OperationAbortedError when the signal fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new OperationAbortedError({ cause: signal.reason }));

    const onAbort = () => {
      clearTimeout(timer);
      reject(new OperationAbortedError({ cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
