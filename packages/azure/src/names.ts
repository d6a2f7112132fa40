import { MAX_BLOB_NAME_LENGTH } from "./limits.js";

/**
 * Azure's container-name rule ("Naming and referencing containers, blobs, and metadata" on
 * learn.microsoft.com):
 * 3 to 63 characters of lowercase letters, digits and single hyphens, starting and ending
 * with a letter or digit. `$root`, `$web` and `$logs` are Azure's reserved containers.
 * Returns the reason a name is refused, or undefined.
 */
export function azureContainerNameProblem(name: string): string | undefined {
  if (name === "$root" || name === "$web" || name === "$logs") return undefined;
  if (name.length < 3 || name.length > 63) {
    return `Azure container names have 3 to 63 characters, this one has ${name.length}`;
  }
  if (!/^[a-z0-9-]+$/.test(name)) {
    return "Azure container names hold only lowercase letters, digits and hyphens";
  }
  if (name.startsWith("-") || name.endsWith("-")) {
    return "Azure container names start and end with a letter or digit";
  }
  if (name.includes("--")) return "Azure container names have no consecutive hyphens";
  return undefined;
}

/**
 * What Azure cannot store exactly as written, on top of the portable rule (same page as above):
 *
 * - more than 1,024 characters;
 * - control characters (U+0000 to U+001F and U+007F to U+009F), which the service does not
 *   allow in blob names, tab and carriage return included;
 * - `\`, which the service stores as `/` (so `a\b` would become `a/b`);
 * - a path segment that ends with `.`, which the service trims (`file.` would be stored as
 *   `file`).
 *
 * Returns the reason a name is refused, or undefined.
 */
export function azureBlobNameProblem(name: string): string | undefined {
  if (name.length > MAX_BLOB_NAME_LENGTH) {
    const limit = MAX_BLOB_NAME_LENGTH;
    return `Azure blob names have at most ${limit} characters, this one has ${name.length}`;
  }

  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(name);
  if (control) {
    const char = codePoint(control[0]);
    return `the name contains the control character ${char}, which Azure blob names may not hold`;
  }
  if (name.includes("\\")) {
    return "the name contains '\\', which Azure stores as '/'";
  }
  if (name.split("/").some((segment) => segment.endsWith("."))) {
    return "a segment of the name ends with '.', which Azure trims";
  }
  return undefined;
}

function codePoint(char: string): string {
  return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}
