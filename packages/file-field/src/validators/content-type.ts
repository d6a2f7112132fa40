import { FileFieldErrorCode, FileValidationError } from "../errors.js";
import type { Candidate, FileValidator } from "./types.js";

/**
 * Accepts only the given content types, such as "application/pdf" or "image/*". The type
 * is the one judged from the bytes: a PNG named "notes.txt" is image/png, and bytes that are
 * no known format but claim one (a text file sent as image/png) are refused.
 */
export function contentTypes(allowed: string[]): FileValidator {
  const patterns = allowed.map((type) => type.toLowerCase());
  return {
    name: "contentTypes",
    validate(file: Candidate) {
      const type = file.contentType.toLowerCase();
      if (patterns.some((pattern) => matches(pattern, type))) return;

      throw new FileValidationError(
        FileFieldErrorCode.CONTENT_TYPE_NOT_ALLOWED,
        `content type ${type} is not allowed (allowed: ${allowed.join(", ")})`,
      );
    },
  };
}

function matches(pattern: string, type: string): boolean {
  if (pattern === "*/*" || pattern === "*") return true;
  if (pattern.endsWith("/*")) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}
