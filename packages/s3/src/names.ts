import { MAX_KEY_BYTES } from "./limits.js";

/**
 * S3's general-purpose bucket naming rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), checked
 * before any request so that every S3-compatible server gives the same answer. Legacy
 * us-east-1 buckets with uppercase letters or underscores are not reachable through them.
 */
const BUCKET_SHAPE = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Why S3 refuses a bucket name, or undefined when it accepts it. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "a bucket name has 3 to 63 characters";
  if (!BUCKET_SHAPE.test(name)) {
    return (
      "a bucket name has only lowercase letters, digits, dots and hyphens, " +
      "and starts and ends with a letter or digit"
    );
  }
  if (name.includes("..")) return "a bucket name has no two adjacent dots";
  if (IP_ADDRESS.test(name)) return "a bucket name is not shaped like an IP address";

  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `bucket names starting with "${prefix}" are reserved`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `bucket names ending with "${suffix}" are reserved`;
  return undefined;
}

/** Why S3 refuses an object key on top of the portable rule, or undefined. */
export function keyProblem(name: string): string | undefined {
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_KEY_BYTES) {
    return `S3 keys are at most ${MAX_KEY_BYTES} bytes of UTF-8, this one has ${bytes}`;
  }
  return undefined;
}
