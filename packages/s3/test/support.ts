// Test helpers for the S3 driver's own suites: a real S3 server per describe block, a
// driver configured the way users configure one (endpoint, path style, credentials), and
// a plain SDK client to look at the server's state behind the driver's back.
import { randomBytes } from "node:crypto";

import { ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import type { Container } from "@stowage/core";

import { startServer, type TestServer } from "../../../test/support/servers.js";
import { S3StorageDriver, type S3DriverOptions } from "../src/index.js";

export type S3Kind = "moto" | "s3sig";

/** Both S3 servers of the suite; s3sig is the one that checks SigV4 signatures. */
export const S3_KINDS: S3Kind[] = ["moto", "s3sig"];

export interface S3Fixture {
  server: TestServer;
  /** A driver for this server, with extra options. */
  driver(options?: S3DriverOptions): S3StorageDriver;
  /** A fresh, empty bucket on a driver. */
  bucket(driver?: S3StorageDriver): Promise<Container>;
  /** A plain SDK client, to inspect what the driver left on the server. */
  raw: S3Client;
}

/** Starts `kind` for the enclosing describe block; skips it when the server is not installed. */
export function useS3Server(kind: S3Kind): () => S3Fixture {
  let fixture: S3Fixture | undefined;

  before(async function () {
    this.timeout(60_000);
    const server = await startServer(kind);
    if (!server) this.skip();
    fixture = makeFixture(server);
  });

  after(async function () {
    this.timeout(15_000);
    fixture?.raw.destroy();
    await fixture?.server.stop();
  });

  return () => fixture!;
}

/** Driver options for a test server, as a user would write them. */
export function serverOptions(server: TestServer): S3DriverOptions {
  return { endpoint: server.endpoint, region: server.region, forcePathStyle: true };
}

function makeFixture(server: TestServer): S3Fixture {
  const driver = (options: S3DriverOptions = {}) =>
    new S3StorageDriver(server.accessKey, server.secretKey, {
      ...serverOptions(server),
      ...options,
    });
  const raw = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKey!, secretAccessKey: server.secretKey! },
  });
  const bucket = (d: S3StorageDriver = driver()) => d.createContainer(uniqueBucket());
  return { server, driver, bucket, raw };
}

/** A bucket name no other test uses. */
export function uniqueBucket(): string {
  return `t-${randomBytes(6).toString("hex")}`;
}

/** Keys of the multipart uploads still open in a bucket. */
export async function openUploads(raw: S3Client, bucket: string): Promise<string[]> {
  const answer = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (answer.Uploads ?? []).map((upload) => upload.Key!);
}

/** A stream of `total` bytes in `chunk`-sized pieces, of unknown length to the driver. */
export async function* bytes(total: number, chunk = 256 * 1024, fill = 0x61) {
  for (let sent = 0; sent < total; sent += chunk) {
    yield Buffer.alloc(Math.min(chunk, total - sent), fill);
  }
}

/** Reads a stream whole. */
export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export const MiB = 1024 * 1024;

/** Awaits a promise that must reject with `type`; resolves the error. */
export async function expectRejection(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error;
  }
  expect.fail(`expected a ${type.name}`);
}
