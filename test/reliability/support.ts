// Helpers shared by the reliability suites: payloads, stream reading, expected failures,
// and a fault proxy in front of a target for one describe block.
import { createHash, randomBytes } from "node:crypto";

import { expect } from "chai";
import { Container, type StorageDriver } from "@stowage/core";

import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import type { DriverOptions, DriverTarget } from "./drivers.js";

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** Random bytes: no compression or deduplication on the way can hide a damaged byte. */
export function payload(size: number): Buffer {
  return randomBytes(size);
}

export function md5(data: Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}

/** Reads a stream whole. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Awaits a promise that must reject with `type`; resolves the error. */
export async function expectRejection<T extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
): Promise<T> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(type);
    return error as T;
  }
  return expect.fail(`expected a ${type.name}, got success (${String(outcome).slice(0, 80)})`);
}

/** A name no other test uses, valid as a bucket name on every provider. */
export function uniqueName(stem = "rel"): string {
  return `${stem}-${randomBytes(5).toString("hex")}`;
}

/**
 * Retries fast, and takes a second without data as a stall: the suites prove that retries
 * and resumption happen, not how long they wait.
 */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20, idleTimeoutMs: 1_000 } as const;

/** A target behind a fault proxy: `driver()` goes through it, `direct` does not. */
export interface Proxied {
  proxy: FaultProxy;
  /** A driver whose requests pass through the proxy. */
  driver(options?: DriverOptions): StorageDriver;
  /** A driver that reaches the server directly, to set up and inspect. */
  direct: StorageDriver;
  /** A container created for this describe block. */
  container: Container;
}

/**
 * Puts a fault proxy in front of the target for the enclosing describe block, with one
 * container; rules and the request log are cleared before each test.
 */
export function useProxy(target: () => DriverTarget): () => Proxied {
  let proxied: Proxied | undefined;

  before(async function () {
    const { port } = target();
    if (port === undefined) return this.skip();

    const proxy = await startFaultProxy(port);
    const direct = target().driver();
    const container = await direct.createContainer(uniqueName());
    const driver = (options: DriverOptions = {}) =>
      target().driver({ ...options, retry: { ...FAST_RETRY, ...options.retry } }, proxy.endpoint);
    proxied = { proxy, driver, direct, container };
  });

  beforeEach(() => proxied?.proxy.reset());

  after(async () => {
    await proxied?.proxy.close();
  });

  return () => proxied!;
}

/** The container as seen through another driver of the same account, without a request. */
export function through(driver: StorageDriver, container: Container): Container {
  return new Container(container.name, {}, driver);
}
