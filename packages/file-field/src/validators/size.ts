import { FileFieldErrorCode, FileValidationError } from "../errors.js";
import { type Size, formatSize, parseSize } from "../size.js";
import type { Candidate, FileValidator } from "./types.js";

/**
 * Refuses files larger than `max` (bytes, or "10 MiB", "2 GB": see parseSize for units).
 * The limit is enforced while the file streams, so an oversized upload stops at the limit.
 * @throws FileFieldError (INVALID_FIELD_OPTIONS) for a size it cannot read
 */
export function maxSize(max: Size): FileValidator {
  const maxBytes = parseSize(max);
  return {
    name: "maxSize",
    maxBytes,
    validate(file: Candidate) {
      if (file.size !== undefined && file.size > maxBytes) throw fileTooLarge(maxBytes);
    },
  };
}

/** The error a file over `maxBytes` raises. */
export function fileTooLarge(maxBytes: number): FileValidationError {
  return new FileValidationError(
    FileFieldErrorCode.FILE_TOO_LARGE,
    `file is larger than the ${formatSize(maxBytes)} allowed (${maxBytes} bytes)`,
  );
}
