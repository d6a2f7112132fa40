import {
  ObjectDoesNotExistError,
  OperationAbortedError,
  TransientError,
  backoffDelay,
  defaultRetryPolicy,
  retryPolicy,
  sleep,
  withRetry,
  type StorageError,
} from "@stowage/core";
import { expect } from "chai";

/** A policy with delays of at most a millisecond, so tests do not wait. */
const FAST = retryPolicy({ attempts: 3, baseDelayMs: 1, maxDelayMs: 1 });

/** An attempt that fails with each error in turn, then succeeds; counts its calls. */
function attempts(...failures: Error[]) {
  const counter = { calls: 0 };
  const attempt = async () => {
    const failure = failures[counter.calls++];
    if (failure) throw failure;
    return "done";
  };
  return { attempt, counter };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("withRetry", () => {
  it("repeats an attempt that fails with TransientError, until it succeeds", async () => {
    const { attempt, counter } = attempts(new TransientError("503"), new TransientError("reset"));
    expect(await withRetry(FAST, attempt)).to.equal("done");
    expect(counter.calls).to.equal(3);
  });

  it("gives up after the policy's attempts, with the last error", async () => {
    const last = new TransientError("third");
    const { attempt, counter } = attempts(new TransientError("1"), new TransientError("2"), last);
    expect(await failure(withRetry(FAST, attempt))).to.equal(last);
    expect(counter.calls).to.equal(3);
  });

  it("never repeats an error that is not transient", async () => {
    const missing = new ObjectDoesNotExistError("x");
    const { attempt, counter } = attempts(missing);
    expect(await failure(withRetry(FAST, attempt))).to.equal(missing);
    expect(counter.calls).to.equal(1);
  });

  it("never repeats an error that is not a StorageError", async () => {
    const { attempt, counter } = attempts(new TypeError("bug"));
    expect(await failure(withRetry(FAST, attempt))).to.be.instanceOf(TypeError);
    expect(counter.calls).to.equal(1);
  });

  it("makes one attempt when attempts is 1", async () => {
    const { attempt, counter } = attempts(new TransientError("once"));
    const policy = retryPolicy({ attempts: 1 });
    expect(await failure(withRetry(policy, attempt))).to.be.instanceOf(TransientError);
    expect(counter.calls).to.equal(1);
  });

  it("follows a custom isRetryable", async () => {
    const isRetryable = (error: StorageError) => error instanceof ObjectDoesNotExistError;
    const policy = { ...FAST, isRetryable };
    const { attempt, counter } = attempts(new ObjectDoesNotExistError("x"));
    expect(await withRetry(policy, attempt)).to.equal("done");
    expect(counter.calls).to.equal(2);
  });

  it("stops waiting for the next attempt when aborted", async () => {
    const controller = new AbortController();
    const slow = retryPolicy({ attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 });
    const transient = Array.from({ length: 5 }, (_, i) => new TransientError(`${i}`));
    const { attempt, counter } = attempts(...transient);
    const run = withRetry(slow, attempt, { signal: controller.signal });
    setImmediate(() => controller.abort());

    const error = await failure(run);
    expect(error).to.be.instanceOf(OperationAbortedError);
    expect(counter.calls).to.be.below(5);
  });
});

describe("retry policy", () => {
  it("fills what the caller leaves out with the defaults", () => {
    const policy = retryPolicy({ attempts: 7, baseDelayMs: undefined });
    expect(policy.attempts).to.equal(7);
    expect(policy.baseDelayMs).to.equal(defaultRetryPolicy.baseDelayMs);
    expect(policy.maxDelayMs).to.equal(defaultRetryPolicy.maxDelayMs);
  });

  it("backs off exponentially within the cap, with jitter", () => {
    const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000 });
    for (let n = 1; n <= 8; n++) {
      const ceiling = Math.min(1_000, 100 * 2 ** (n - 1));
      for (let i = 0; i < 50; i++) expect(backoffDelay(policy, n)).to.be.within(0, ceiling);
    }
  });
});

describe("sleep", () => {
  it("rejects at once with OperationAbortedError when the signal is already aborted", async () => {
    const reason = new Error("stop");
    const error = await failure(sleep(60_000, AbortSignal.abort(reason)));
    expect(error).to.be.instanceOf(OperationAbortedError);
    expect((error as Error).cause).to.equal(reason);
  });

  it("resolves after the delay when not aborted", async () => {
    const controller = new AbortController();
    await sleep(1, controller.signal);
    controller.abort();
  });
});
