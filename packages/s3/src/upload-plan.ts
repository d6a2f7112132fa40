import { InvalidArgumentError, type Logger } from "@stowage/core";

import { MAX_OBJECT_SIZE, MAX_PARTS, MAX_PART_SIZE } from "./limits.js";
import type { TransferSettings } from "./options.js";

const MiB = 1024 * 1024;

/** How an upload is sent: in one request, in parts of `partSize`, or decided by the bytes. */
export type UploadPlan =
  | { kind: "single" }
  | { kind: "multipart"; partSize: number }
  | { kind: "unknown"; partSize: number };

/**
 * Chooses how to send an upload of `size` bytes (undefined when the source is a stream of
 * unknown length). A known size that would need more than S3's 10,000 parts at the
 * configured part size gets a larger part size instead; a size beyond S3's largest object
 * is refused before a byte is sent.
 * @throws InvalidArgumentError
 */
export function planUpload(
  size: number | undefined,
  settings: TransferSettings,
  logger?: Logger,
): UploadPlan {
  if (size === undefined) return { kind: "unknown", partSize: settings.partSize };
  if (size > MAX_OBJECT_SIZE) {
    throw new InvalidArgumentError(
      `The upload is ${size} bytes; S3 stores objects of at most 5 TiB (${MAX_OBJECT_SIZE} bytes)`,
    );
  }
  if (size <= settings.multipartThreshold) return { kind: "single" };

  const partSize = partSizeFor(size, settings.partSize);
  if (partSize !== settings.partSize) {
    logger?.debug("part size grown to stay within S3's 10,000 parts", { size, partSize });
  }
  return { kind: "multipart", partSize };
}

/** The configured part size, or the smallest whole MiB that fits `size` in 10,000 parts. */
export function partSizeFor(size: number, configured: number): number {
  if (Math.ceil(size / configured) <= MAX_PARTS) return configured;
  const needed = Math.ceil(size / MAX_PARTS / MiB) * MiB;
  return Math.min(needed, MAX_PART_SIZE);
}

/**
 * The error for a stream of unknown length that outgrows 10,000 parts; it is raised before
 * part 10,001 is sent, and the upload is aborted.
 */
export function tooManyPartsError(partSize: number): InvalidArgumentError {
  return new InvalidArgumentError(
    `The stream needs more than S3's ${MAX_PARTS} parts of ${partSize} bytes; ` +
      "pass its size, or a larger partSize, to upload it",
  );
}

/** The error for a source whose length is not the `size` the caller declared. */
export function wrongSizeError(declared: number, actual?: number): InvalidArgumentError {
  const found = actual === undefined ? "more bytes" : `only ${actual} bytes`;
  return new InvalidArgumentError(`The source has ${found}, but size says ${declared}`);
}
