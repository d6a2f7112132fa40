// Shared set-up of the GCS tests: one fake-gcs-server per test file, and drivers configured
// the way a user points the driver at an emulator (endpoint, projectId, no credentials).
import { generateKeyPairSync, randomBytes } from "node:crypto";

import type { Container } from "@stowage/core";

import { startServer, type TestServer } from "../../../test/support/servers.js";
import { GoogleStorageDriver, type GoogleStorageDriverOptions } from "../src/index.js";

export const PROJECT_ID = "stowage-test";

/** A fake service account: a real RSA key pair that no Google service has ever seen. */
export const SERVICE_ACCOUNT = {
  email: "stowage-test@stowage-test.iam.gserviceaccount.com",
  privateKey: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs8",
    format: "pem",
  }) as string,
};

export interface GcsFixture {
  server(): TestServer;
  /** A driver against the emulator without credentials. */
  driver(options?: GoogleStorageDriverOptions): GoogleStorageDriver;
  /** A driver against the emulator holding the fake service account's key (for signing). */
  signingDriver(options?: GoogleStorageDriverOptions): GoogleStorageDriver;
  /** A new, empty bucket. */
  container(driver?: GoogleStorageDriver): Promise<Container>;
}

/** Starts fake-gcs-server for the enclosing describe block; skips it when not installed. */
export function useGcs(): GcsFixture {
  let server: TestServer | undefined;

  before(async function () {
    this.timeout(60_000);
    server = await startServer("gcs");
    if (!server) this.skip();
  });

  after(async function () {
    this.timeout(15_000);
    await server?.stop();
  });

  const base = (): GoogleStorageDriverOptions => ({
    projectId: PROJECT_ID,
    endpoint: server!.endpoint,
    retry: { attempts: 1 },
  });
  const fixture: GcsFixture = {
    server: () => server!,
    driver: (options = {}) => {
      return new GoogleStorageDriver(undefined, undefined, { ...base(), ...options });
    },
    signingDriver: (options = {}) => {
      const { email, privateKey } = SERVICE_ACCOUNT;
      return new GoogleStorageDriver(email, privateKey, { ...base(), ...options });
    },
    container: (driver = fixture.driver()) => driver.createContainer(uniqueBucketName()),
  };
  return fixture;
}

/** A bucket name no other test uses. */
export function uniqueBucketName(): string {
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
