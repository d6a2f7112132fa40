import { FileFieldErrorCode, FileValidationError } from "../errors.js";
import type { Candidate, FileValidator } from "./types.js";

/**
 * Accepts only the given content types, such as "application/pdf" or "image/*". The type
 * is the one judged from the bytes: a PNG named "notes.txt" is image/png, and bytes that are
 * no known format but claim one (a text file sent as image/png) are refused.
 *
 * A wildcard ("image/*") matches only a type recognised from the bytes, or a text/* type
 * whose bytes look like text. Any other type the bytes cannot confirm (SVG, JSON, or a
 * format the detector does not know) is only the client's claim, so it is accepted only
 * when listed by its exact name: otherwise text claiming to be "image/svg+xml" or
 * "image/x-anything" would pass "image/*".
 */
export function contentTypes(allowed: string[]): FileValidator {
  const patterns = allowed.map((type) => type.toLowerCase());
  return {
    name: "contentTypes",
    validate(file: Candidate) {
      const type = file.contentType.toLowerCase();
      // Text types have no magic number; judgeType already refused a text claim on binary bytes.
      const confirmed = file.detectedType?.toLowerCase() === type || type.startsWith("text/");
      if (patterns.some((pattern) => matches(pattern, type, confirmed))) return;

      const unconfirmed = confirmed ? "" : " (claimed, not recognised from the bytes)";
      throw new FileValidationError(
        FileFieldErrorCode.CONTENT_TYPE_NOT_ALLOWED,
        `content type ${type}${unconfirmed} is not allowed (allowed: ${allowed.join(", ")})`,
      );
    },
  };
}

function matches(pattern: string, type: string, confirmed: boolean): boolean {
  if (pattern === "*/*" || pattern === "*") return true;
  if (pattern.endsWith("/*")) return confirmed && type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}
