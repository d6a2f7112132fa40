/**
 * Cloud Storage's own naming rules, on top of Stowage's portable one.
 * https://cloud.google.com/storage/docs/objects#naming
 * https://cloud.google.com/storage/docs/buckets#naming
 */

const MAX_OBJECT_NAME_BYTES = 1024;
const ACME_PREFIX = ".well-known/acme-challenge/";

/** Why GCS refuses an object name, or undefined when it stores it. */
export function gcsObjectNameProblem(name: string): string | undefined {
  if (name.includes("\r")) return "Cloud Storage forbids carriage returns (\\r) in object names";
  if (name.includes("\n")) return "Cloud Storage forbids line feeds (\\n) in object names";

  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_OBJECT_NAME_BYTES) {
    return (
      `Cloud Storage object names are at most ${MAX_OBJECT_NAME_BYTES} bytes of UTF-8 ` +
      `(this one is ${bytes})`
    );
  }
  if (name.startsWith(ACME_PREFIX)) {
    return `Cloud Storage forbids object names starting with "${ACME_PREFIX}"`;
  }
  return undefined;
}

const BUCKET_CHARS = /^[a-z0-9][a-z0-9._-]*[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
const GOOGLE_LOOKALIKE = /g[o0]{2}g(le|el)/;

/** Why GCS refuses a bucket name, or undefined when it accepts it. */
export function gcsBucketNameProblem(name: string): string | undefined {
  const dotted = name.includes(".");
  const max = dotted ? 222 : 63;
  if (name.length < 3 || name.length > max) {
    return `bucket names are 3 to ${max} characters long`;
  }
  if (!BUCKET_CHARS.test(name)) {
    return (
      "bucket names use lowercase letters, digits, '-', '_' and '.', " +
      "and start and end with a letter or digit"
    );
  }
  if (dotted && name.split(".").some((part) => part.length === 0 || part.length > 63)) {
    return "each dot-separated part of a bucket name is 1 to 63 characters long";
  }
  if (IP_ADDRESS.test(name)) return "bucket names cannot look like an IP address";
  if (name.startsWith("goog")) return 'bucket names cannot start with "goog"';
  if (GOOGLE_LOOKALIKE.test(name)) return 'bucket names cannot contain "google" or a look-alike';
  return undefined;
}
