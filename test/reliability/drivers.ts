// The drivers the reliability suite runs on, each with the test server of its protocol.
// A driver is described by a plain, serialisable spec, so that a child process (the crash
// tests' writer) builds exactly the driver the parent would.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { AzureBlobsStorageDriver } from "@stowage/azure";
import type { StorageDriver, StorageDriverOptions } from "@stowage/core";
import { GoogleStorageDriver } from "@stowage/gcs";
import { LocalStorageDriver } from "@stowage/local";
import { MinIOStorageDriver } from "@stowage/minio";
import { S3StorageDriver } from "@stowage/s3";

import { busy, type Fault } from "../support/fault-proxy.js";
import { startServer, type ServerKind, type TestServer } from "../support/servers.js";

export type DriverKind = "local" | "s3" | "minio" | "gcs" | "azure";

/** Everything needed to build a driver; JSON, so a child process can take it too. */
export interface DriverSpec {
  kind: DriverKind;
  /** `http://127.0.0.1:PORT` of the server, or the local driver's root directory. */
  endpoint: string;
  accessKey?: string;
  secretKey?: string;
  region?: string;
  accountName?: string;
  accountKey?: string;
}

/** Options of every driver, plus the S3 drivers' part sizes (ignored by the others). */
export type DriverOptions = StorageDriverOptions & {
  partSize?: number;
  multipartThreshold?: number;
};

/** A driver kind with its server running. */
export interface DriverTarget {
  spec: DriverSpec;
  /** The server's port, which a fault proxy forwards to; undefined for the local driver. */
  port?: number;
  /** A driver of this target, reaching it at `endpoint` (a proxy's) when given. */
  driver(options?: DriverOptions, endpoint?: string): StorageDriver;
  /** Keys of the container's multipart uploads still open on the server (S3 kinds). */
  unfinishedUploads(container: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** One entry of the list the suites are parameterised over. */
export interface DriverFixture {
  name: string;
  kind: DriverKind;
  /** Whether requests cross a network, that is, whether a fault proxy can sit in between. */
  network: boolean;
  /** The answer this provider gives when it throttles. */
  throttle: () => Fault;
  /**
   * Whether the driver repeats an unconditional upload after a transient fault. The S3
   * drivers do for single-request uploads (the body is in memory); the GCS and Azure
   * drivers send every upload once and report the fault as TransientError.
   */
  retriesUploads: boolean;
  /** Starts the server; undefined when it is not installed (outside CI). */
  start(): Promise<DriverTarget | undefined>;
}

const GCS_PROJECT = "stowage-reliability";

/** The drivers of the suite, each against the server its own tests use. */
export const DRIVERS: DriverFixture[] = [
  {
    name: "local",
    kind: "local",
    network: false,
    throttle: busy.unavailable,
    retriesUploads: false,
    start: startLocal,
  },
  serverFixture("s3 on moto", "s3", "moto", busy.s3SlowDown),
  serverFixture("minio on versitygw", "minio", "s3sig", busy.s3SlowDown),
  {
    ...serverFixture("gcs on fake-gcs-server", "gcs", "gcs", busy.gcsTooManyRequests),
    retriesUploads: false,
  },
  {
    ...serverFixture("azure on azurite", "azure", "azurite", busy.azureServerBusy),
    retriesUploads: false,
  },
];

/** The drivers that talk to a server over HTTP. */
export const NETWORK_DRIVERS = DRIVERS.filter((fixture) => fixture.network);

/** Builds the driver a spec describes, reaching its server at `endpoint` when given. */
export function makeDriver(
  spec: DriverSpec,
  options: DriverOptions = {},
  endpoint = spec.endpoint,
): StorageDriver {
  switch (spec.kind) {
    case "local":
      return new LocalStorageDriver(spec.endpoint, withoutParts(options));
    case "s3":
      return new S3StorageDriver(spec.accessKey, spec.secretKey, {
        ...options,
        endpoint,
        region: spec.region,
        forcePathStyle: true,
      });
    case "minio": {
      const url = new URL(endpoint);
      const where = { host: url.hostname, port: Number(url.port), secure: false };
      return new MinIOStorageDriver(spec.accessKey, spec.secretKey, { ...options, ...where });
    }
    case "gcs":
      return new GoogleStorageDriver(undefined, undefined, {
        ...withoutParts(options),
        projectId: GCS_PROJECT,
        endpoint,
      });
    case "azure":
      return new AzureBlobsStorageDriver(spec.accountName!, spec.accountKey, {
        ...withoutParts(options),
        endpoint: `${endpoint}/${spec.accountName}`,
      });
  }
}

function withoutParts(options: DriverOptions): StorageDriverOptions {
  const { partSize, multipartThreshold, ...rest } = options;
  void partSize;
  void multipartThreshold;
  return rest;
}

async function startLocal(): Promise<DriverTarget> {
  const root = await mkdtemp(join(tmpdir(), "stowage-reliability-"));
  const spec: DriverSpec = { kind: "local", endpoint: root };
  return {
    spec,
    driver: (options) => makeDriver(spec, options),
    unfinishedUploads: async () => [],
    stop: () => rm(root, { recursive: true, force: true }),
  };
}

function serverFixture(
  name: string,
  kind: DriverKind,
  server: ServerKind,
  throttle: () => Fault,
): DriverFixture {
  const start = async (): Promise<DriverTarget | undefined> => {
    const running = await startServer(server);
    return running && serverTarget(kind, running);
  };
  return { name, kind, network: true, throttle, retriesUploads: true, start };
}

function serverTarget(kind: DriverKind, server: TestServer): DriverTarget {
  const spec: DriverSpec = {
    kind,
    endpoint: server.endpoint,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    region: server.region,
    accountName: server.accountName,
    accountKey: server.accountKey,
  };
  const raw = kind === "s3" || kind === "minio" ? rawS3(server) : undefined;

  return {
    spec,
    port: server.port,
    driver: (options, endpoint) => makeDriver(spec, options, endpoint),
    unfinishedUploads: async (container) => {
      if (!raw) return [];
      const answer = await raw.send(new ListMultipartUploadsCommand({ Bucket: container }));
      return (answer.Uploads ?? []).map((upload) => upload.Key!);
    },
    stop: async () => {
      raw?.destroy();
      await server.stop();
    },
  };
}

/** A plain SDK client, to see what a driver left on an S3 server behind its back. */
function rawS3(server: TestServer): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKey!, secretAccessKey: server.secretKey! },
  });
}

/**
 * Starts the fixture's server for the enclosing describe block and skips the block when the
 * server is not installed (startServer throws instead in CI).
 */
export function useTarget(fixture: DriverFixture): () => DriverTarget {
  let target: DriverTarget | undefined;

  before(async function () {
    this.timeout(60_000);
    target = await fixture.start();
    if (!target) this.skip();
  });

  after(async function () {
    this.timeout(15_000);
    await target?.stop();
  });

  return () => target!;
}
