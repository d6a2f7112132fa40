import type { File } from "@google-cloud/storage";
import { InvalidArgumentError } from "@stowage/core";

/** V4 signed URLs live at most seven days (GCS's limit). */
export const MAX_SIGNED_URL_SECONDS = 7 * 24 * 3600;

/**
 * Percent-encodes one path segment so that every character other than RFC 3986's unreserved
 * ones is escaped: `encodeURIComponent` leaves `!'()*` alone, which some proxies rewrite.
 */
export function encodeSegment(segment: string): string {
  const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
  return encodeURIComponent(segment).replace(/[!'()*]/g, hex);
}

/**
 * `base/bucket/name` with each `/`-separated segment of the name encoded on its own, so the
 * slashes stay path separators and every other character is escaped exactly once.
 */
export function publicObjectUrl(base: string, bucket: string, objectName: string): string {
  const path = objectName.split("/").map(encodeSegment).join("/");
  return `${publicContainerUrl(base, bucket)}/${path}`;
}

/** `base/bucket`. */
export function publicContainerUrl(base: string, bucket: string): string {
  return `${base}/${encodeSegment(bucket)}`;
}

/**
 * A V4 signed URL for reading (GET) or uploading (PUT) `file`. With a service-account key
 * the signature is computed locally; with other credentials the Google library asks the IAM
 * API to sign.
 * @throws InvalidArgumentError (more than seven days)
 */
export async function signedUrl(
  file: File,
  action: "read" | "write",
  expiresIn: number,
  contentType?: string,
): Promise<string> {
  if (expiresIn > MAX_SIGNED_URL_SECONDS) {
    const message = `Signed URLs live at most ${MAX_SIGNED_URL_SECONDS} seconds, got ${expiresIn}`;
    throw new InvalidArgumentError(message);
  }
  const [url] = await file.getSignedUrl({
    version: "v4",
    action,
    expires: Date.now() + expiresIn * 1000,
    contentType,
  });
  return url;
}
