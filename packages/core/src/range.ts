import { InvalidArgumentError, InvalidRangeError, type ErrorContext } from "./errors.js";

/** A byte range: start inclusive, end exclusive, as in Libcloud. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Checks a caller's range before any request. End before start, negative or fractional
 * offsets are argument errors.
 */
export function assertRangeArguments(start: number, end?: number): void {
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new InvalidArgumentError(`Range start must be a non-negative integer, got ${start}`);
  }
  if (end === undefined) return;
  if (!Number.isSafeInteger(end) || end < 0) {
    throw new InvalidArgumentError(`Range end must be a non-negative integer, got ${end}`);
  }
  if (end < start) {
    throw new InvalidArgumentError(`Range end ${end} is before its start ${start}`);
  }
}

/**
 * Resolves a range against an object's size, the same way on every driver: an end past the
 * object is clamped to its size, an omitted end means to the end, `start === end` is an empty
 * read, and a start at or past the end of the object (other than an empty read) is an
 * InvalidRangeError.
 */
export function resolveRange(
  start: number,
  end: number | undefined,
  size: number,
  context: ErrorContext = {},
): ByteRange {
  assertRangeArguments(start, end);

  if (end !== undefined && end === start && start <= size) return { start, end };

  if (start >= size) {
    throw new InvalidRangeError(
      `Range start ${start} is at or past the end of the object (${size} bytes)`,
      context,
    );
  }
  return { start, end: Math.min(end ?? size, size) };
}
