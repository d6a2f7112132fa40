// Helpers the contract suite's files share.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";

import {
  readAll,
  type Container,
  type StorageDriver,
  type StorageError,
  type StorageObject,
} from "@stowage/core";
import { expect } from "chai";

import { nameSets as sharedNameSets, type NameSets } from "../support/cases.js";
import type { ContractFixture } from "./index.js";

/** Gives the suite's set-up fixture to a test; only valid inside hooks and tests. */
export type Fixture = () => ContractFixture;

export const MiB = 1024 * 1024;

/** MD5 of empty content, which every empty object with an MD5 must report. */
export const EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";

export function md5(data: Uint8Array | string): string {
  return createHash("md5").update(data).digest("hex");
}

export function random(size: number): Buffer {
  return randomBytes(size);
}

/** The whole content of a stream. */
export async function bytesOf(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  return readAll(stream);
}

/** The content of an object, read through the driver. */
export async function contentOf(obj: StorageObject): Promise<Buffer> {
  return readAll(await obj.asStream());
}

/** The content of a named object, fetched anew. */
export async function read(container: Container, name: string): Promise<Buffer> {
  return contentOf(await container.getObject(name));
}

/** Every object name in the container, in listing order. */
export async function namesIn(container: Container, prefix?: string): Promise<string[]> {
  const names: string[] = [];
  for await (const obj of container.iterateObjects({ prefix })) names.push(obj.name);
  return names;
}

/** Uploads a Buffer or string under `name`. */
export function put(container: Container, name: string, body: Buffer | string) {
  return container.uploadObjectViaStream(body, name);
}

/**
 * A stream of `size` pseudo-random bytes in 64 KiB chunks, hashed as it is generated, so
 * large objects never sit in memory whole. `digest()` is valid once the stream has ended.
 */
export function generated(size: number): { stream: Readable; digest: () => string } {
  const hash = createHash("md5");
  let left = size;
  let value: string | undefined;

  async function* chunks() {
    while (left > 0) {
      const chunk = randomBytes(Math.min(left, 64 * 1024));
      left -= chunk.length;
      hash.update(chunk);
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks()), digest: () => (value ??= hash.digest("hex")) };
}

/** The MD5 of a stream's content, consumed chunk by chunk. */
export async function md5Of(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash("md5");
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest("hex");
}

/** A source that yields `good` bytes and then fails with `error`. */
export function failingSource(good: number, error: Error): Readable {
  async function* chunks() {
    for (let sent = 0; sent < good; sent += 64 * 1024) yield randomBytes(64 * 1024);
    throw error;
  }
  return Readable.from(chunks());
}

export type { NameSets } from "../support/cases.js";

/** The shared name sets (see test/support/cases.ts). */
export function nameSets(): NameSets {
  return sharedNameSets;
}

/** Runs `fn` on each item, at most `limit` at once. */
export async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Awaits a promise that must reject with an instance of `kind`, and returns the error. */
export async function rejects<E extends Error>(
  promise: Promise<unknown> | (() => Promise<unknown>),
  kind: abstract new (...args: never[]) => E,
): Promise<E> {
  let outcome: unknown;
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    outcome = error;
  }
  if (outcome instanceof kind) return outcome;
  const got = outcome === undefined ? "it resolved" : `got ${String(outcome)}`;
  throw new Error(`expected a ${kind.name}, but ${got}`);
}

/** A container that existed and was deleted: every call on it must fail as missing. */
export async function goneContainer(fixture: Fixture): Promise<Container> {
  const container = await fixture().newContainer();
  await container.delete();
  return container;
}

/** An object fetched and then deleted behind its back. */
export async function goneObject(container: Container, name = "gone.txt"): Promise<StorageObject> {
  const obj = await put(container, name, "soon gone");
  await obj.delete();
  return obj;
}

/** A fresh, empty temporary directory for downloads. */
export function scratchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "stowage-contract-"));
}

/** Checks the context every StorageError carries: the driver, and where it happened. */
export function expectContext(
  error: StorageError,
  driver: StorageDriver,
  where: { container?: string; objectName?: string },
): void {
  expect(error.driver, `${error.name}.driver`).to.equal(driver.name);
  expect(error.code, `${error.name}.code`)
    .to.be.a("string")
    .and.match(/^[A-Z_]+$/);
  if ("container" in where)
    expect(error.container, `${error.name}.container`).to.equal(where.container);
  if ("objectName" in where)
    expect(error.objectName, `${error.name}.objectName`).to.equal(where.objectName);
}
