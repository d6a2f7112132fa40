// Shared set-up of the Azure tests: one Azurite per test file, and drivers configured the
// way a user points the driver at Azurite (path-style endpoint, development account).
import { randomBytes } from "node:crypto";

import type { Container } from "@stowage/core";

import { startServer, type TestServer } from "../../../test/support/servers.js";
import { AzureBlobsStorageDriver, type AzureBlobsStorageDriverOptions } from "../src/index.js";

export interface AzuriteFixture {
  server(): TestServer;
  /** The blob service URL: `http://127.0.0.1:PORT/devstoreaccount1`. */
  endpoint(): string;
  /** A driver holding the development account's key. */
  driver(options?: AzureBlobsStorageDriverOptions): AzureBlobsStorageDriver;
  /** A new, empty container. */
  container(driver?: AzureBlobsStorageDriver): Promise<Container>;
}

/** Starts Azurite for the enclosing describe block; skips it when not installed. */
export function useAzurite(): AzuriteFixture {
  let server: TestServer | undefined;

  before(async function () {
    this.timeout(60_000);
    server = await startServer("azurite");
    if (!server) this.skip();
  });

  after(async function () {
    this.timeout(15_000);
    await server?.stop();
  });

  const fixture: AzuriteFixture = {
    server: () => server!,
    endpoint: () => `${server!.endpoint}/${server!.accountName}`,
    driver: (options = {}) =>
      new AzureBlobsStorageDriver(server!.accountName!, server!.accountKey!, {
        endpoint: fixture.endpoint(),
        retry: { attempts: 1 },
        ...options,
      }),
    container: (driver = fixture.driver()) => driver.createContainer(uniqueContainerName()),
  };
  return fixture;
}

/** A container name no other test uses. */
export function uniqueContainerName(): string {
  return `stowage-${randomBytes(6).toString("hex")}`;
}

/** Reads a stream whole. */
export async function readStream(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** `total` bytes in `piece`-byte chunks from a generator: a stream of unknown length. */
export async function* generated(
  total: number,
  piece = 64 * 1024,
  fill = 7,
): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < total; sent += piece) {
    yield Buffer.alloc(Math.min(piece, total - sent), (sent / piece + fill) % 251);
  }
}

/** The error `promise` rejects with; fails the test when it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
