import { FileFieldError, FileFieldErrorCode } from "./errors.js";

/**
 * Byte units. IEC units are powers of 2 (KiB = 1,024, MiB = 2^20, GiB = 2^30); SI units are
 * powers of 10 (kB/KB = 1,000, MB = 10^6, GB = 10^9), as the units say, so "10 MB" is
 * 10,000,000 bytes and "10 MiB" is 10,485,760.
 */
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/** A size as bytes, or as a string such as "512", "10 MiB", "2 GB", "1.5 kB". */
export type Size = number | string;

/**
 * The number of bytes of a size. A bare number (or numeric string) is bytes.
 * @throws FileFieldError (INVALID_FIELD_OPTIONS) for a negative, fractional or unknown size
 */
export function parseSize(size: Size): number {
  const bytes = typeof size === "number" ? size : fromString(size);
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw invalid(size);
  return bytes;
}

/** A byte count for messages, in the IEC unit that keeps it short ("10 MiB", "2.5 KiB"). */
export function formatSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

function fromString(size: string): number {
  const match = SIZE.exec(size);
  const factor = match ? UNITS[(match[2] || "b").toLowerCase()] : undefined;
  if (!match || factor === undefined) throw invalid(size);
  return Math.round(Number(match[1]) * factor);
}

function invalid(size: Size): FileFieldError {
  return new FileFieldError(
    FileFieldErrorCode.INVALID_FIELD_OPTIONS,
    `invalid size ${JSON.stringify(size)}: use bytes, or a number and B, kB, MB, GB, KiB, MiB, GiB`,
  );
}
