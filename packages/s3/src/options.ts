import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { InvalidArgumentError, type StorageDriverOptions } from "@stowage/core";

import { MAX_PART_SIZE, MIN_PART_SIZE } from "./limits.js";

const MiB = 1024 * 1024;

/**
 * Options of S3StorageDriver, on top of those every driver takes. Credentials are the
 * constructor's `key` and `secret`; without them the AWS SDK's default credential chain
 * (environment, shared config files, instance roles) is used.
 */
export interface S3DriverOptions extends StorageDriverOptions {
  /**
   * The region buckets live in and requests are signed for. Default: the SDK's region chain
   * (AWS_REGION, shared config) for AWS, and "us-east-1" when an `endpoint` is given, which
   * is what S3-compatible servers expect unless told otherwise.
   */
  region?: string;
  /**
   * The service URL, for S3-compatible services (R2, Wasabi, Backblaze B2, Ceph, DigitalOcean
   * Spaces, MinIO) or a local server, such as `http://127.0.0.1:9000`.
   */
  endpoint?: string;
  /** Address buckets as `endpoint/bucket/key` instead of `bucket.endpoint/key`. */
  forcePathStyle?: boolean;
  /**
   * The public base URL that serves objects, such as a CloudFront distribution in front of
   * one bucket: `https://d111.cloudfront.net` gives `https://d111.cloudfront.net/<key>`.
   * A function gives the base of each container. Without it, `cdnUrls` is off: a bare
   * bucket URL is only readable when the bucket is public, which the driver cannot vouch for.
   */
  cdnBaseUrl?: string | ((containerName: string) => string);
  /** Bytes per part of a multipart upload; at least 5 MiB. Default 8 MiB. */
  partSize?: number;
  /** Parts sent at once. Memory held by an upload is about partSize × (queueSize + 1). */
  queueSize?: number;
  /** Larger uploads (or streams of unknown length past it) go multipart. Default partSize. */
  multipartThreshold?: number;
}

/** The transfer settings an upload works with, checked. */
export interface TransferSettings {
  partSize: number;
  queueSize: number;
  multipartThreshold: number;
}

/** Checks and fills the transfer options. @throws InvalidArgumentError */
export function transferSettings(options: S3DriverOptions): TransferSettings {
  const partSize = options.partSize ?? 8 * MiB;
  const queueSize = options.queueSize ?? 4;
  const multipartThreshold = options.multipartThreshold ?? partSize;

  if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
    throw new InvalidArgumentError(
      `partSize must be an integer from 5 MiB to 5 GiB (S3's part limits), got ${partSize}`,
    );
  }
  if (!Number.isSafeInteger(queueSize) || queueSize < 1) {
    throw new InvalidArgumentError(`queueSize must be a positive integer, got ${queueSize}`);
  }
  if (!Number.isSafeInteger(multipartThreshold) || multipartThreshold < 0) {
    throw new InvalidArgumentError(
      `multipartThreshold must be a non-negative integer, got ${multipartThreshold}`,
    );
  }
  return { partSize, queueSize, multipartThreshold };
}

/**
 * The SDK client for these options. Checksums are sent and checked only where S3 requires
 * them ("WHEN_REQUIRED"): the SDK's default adds CRC32 checksums to every upload and, for
 * streams, an aws-chunked body with a trailing checksum, which several S3-compatible
 * servers reject or, worse, store with the chunk framing inside the object. Integrity is
 * kept by Content-MD5 on each request that sends bytes when `verifyHash` is on.
 */
export function createClient(
  key: string | undefined,
  secret: string | undefined,
  options: S3DriverOptions,
): S3Client {
  const config: S3ClientConfig = {
    region: regionOf(options),
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // The driver's own retry policy (options.retry) is the one that repeats calls; letting
    // the SDK retry as well would multiply the attempts.
    maxAttempts: 1,
  };
  if (key !== undefined) {
    if (secret === undefined) {
      throw new InvalidArgumentError("An access key was given without its secret");
    }
    config.credentials = { accessKeyId: key, secretAccessKey: secret };
  }
  return new S3Client(config);
}

/** The region to sign for; see S3DriverOptions.region. */
export function regionOf(options: S3DriverOptions): string | undefined {
  return options.region ?? (options.endpoint ? "us-east-1" : undefined);
}
