import { FileFieldErrorCode, FileValidationError } from "../errors.js";
import type { FileInfo } from "../file-value.js";
import { loadSharp } from "../processors/sharp.js";
import type { Candidate, FileValidator } from "./types.js";

/** Bounds on an image's size in pixels, and its aspect ratio. */
export interface ImageRules {
  minWidth?: number;
  maxWidth?: number;
  minHeight?: number;
  maxHeight?: number;
  /** Width over height, as a number (1.5) or "W:H" ("16:9"). */
  aspectRatio?: number | string;
  /** How far the ratio may stray, as a fraction of it. Default 0.01 (1 %). */
  aspectTolerance?: number;
}

/**
 * Accepts only images sharp can read, within the given bounds; records `width` and
 * `height` in the value's info. Needs the whole file, which is spooled to disk.
 */
export function image(rules: ImageRules = {}): FileValidator {
  return {
    name: "image",
    needsWholeFile: true,
    async validate(file: Candidate): Promise<FileInfo> {
      const { width, height } = await dimensions(file.path ?? file.head);
      checkBounds(width, height, rules);
      checkRatio(width, height, rules);
      return { width, height };
    },
  };
}

async function dimensions(input: string | Buffer): Promise<{ width: number; height: number }> {
  const sharp = await loadSharp();
  try {
    const meta = await sharp(input).metadata();
    if (meta.width && meta.height) return { width: meta.width, height: meta.height };
  } catch (error) {
    throw notAnImage(error);
  }
  throw notAnImage(undefined);
}

function notAnImage(cause: unknown): FileValidationError {
  return new FileValidationError(
    FileFieldErrorCode.NOT_AN_IMAGE,
    "file is not an image that can be read",
    {
      cause,
    },
  );
}

function checkBounds(width: number, height: number, rules: ImageRules): void {
  const problems = [
    rules.minWidth !== undefined && width < rules.minWidth && `narrower than ${rules.minWidth} px`,
    rules.maxWidth !== undefined && width > rules.maxWidth && `wider than ${rules.maxWidth} px`,
    rules.minHeight !== undefined &&
      height < rules.minHeight &&
      `shorter than ${rules.minHeight} px`,
    rules.maxHeight !== undefined &&
      height > rules.maxHeight &&
      `taller than ${rules.maxHeight} px`,
  ].filter(Boolean);
  if (problems.length === 0) return;

  throw new FileValidationError(
    FileFieldErrorCode.IMAGE_DIMENSIONS,
    `image is ${width}x${height}: ${problems.join(", ")}`,
  );
}

function checkRatio(width: number, height: number, rules: ImageRules): void {
  if (rules.aspectRatio === undefined) return;
  const wanted = ratio(rules.aspectRatio);
  const tolerance = rules.aspectTolerance ?? 0.01;
  if (Math.abs(width / height - wanted) <= wanted * tolerance) return;

  throw new FileValidationError(
    FileFieldErrorCode.IMAGE_ASPECT_RATIO,
    `image is ${width}x${height}, not the aspect ratio ${rules.aspectRatio}`,
  );
}

function ratio(value: number | string): number {
  if (typeof value === "number") return value;
  const [w, h] = value.split(":").map(Number);
  const result = (w ?? NaN) / (h ?? NaN);
  if (!Number.isFinite(result) || result <= 0) {
    throw new FileValidationError(
      FileFieldErrorCode.INVALID_FIELD_OPTIONS,
      `invalid aspect ratio "${value}"`,
    );
  }
  return result;
}
