import { InvalidArgumentError, type Logger } from "@stowage/core";

import { MAX_BLOCKS, MAX_BLOCK_SIZE } from "./limits.js";

const MiB = 1024 * 1024;

/**
 * The block size for an upload of `size` bytes (undefined for a stream of unknown length):
 * the configured one, or, for a known size that would need more than Azure's 50,000
 * blocks, the smallest whole MiB that fits. A size beyond 50,000 blocks of Azure's largest
 * block is refused before a byte is sent.
 * @throws InvalidArgumentError
 */
export function blockSizeFor(
  size: number | undefined,
  configured: number,
  logger?: Logger,
): number {
  if (size === undefined || Math.ceil(size / configured) <= MAX_BLOCKS) return configured;

  const needed = Math.ceil(size / MAX_BLOCKS / MiB) * MiB;
  if (needed > MAX_BLOCK_SIZE) {
    throw new InvalidArgumentError(
      `The upload is ${size} bytes; an Azure block blob holds at most ${MAX_BLOCKS} blocks ` +
        `of ${MAX_BLOCK_SIZE} bytes`,
    );
  }
  const fields = { size, blockSize: needed };
  logger?.debug("block size grown to stay within Azure's 50,000 blocks", fields);
  return needed;
}

/**
 * The error for a stream of unknown length that outgrows 50,000 blocks; it is raised before
 * block 50,001 is sent, and nothing is committed.
 */
export function tooManyBlocksError(blockSize: number): InvalidArgumentError {
  return new InvalidArgumentError(
    `The stream needs more than Azure's ${MAX_BLOCKS} blocks of ${blockSize} bytes; ` +
      "pass its size, or a larger blockSize, to upload it",
  );
}

/** The error for a source whose length is not the `size` the caller declared. */
export function wrongSizeError(declared: number, actual?: number): InvalidArgumentError {
  const found = actual === undefined ? "more bytes" : `only ${actual} bytes`;
  return new InvalidArgumentError(`The source has ${found}, but size says ${declared}`);
}
