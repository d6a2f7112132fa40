import { contentTypeFor } from "@stowage/core";
import { fileTypeFromBuffer, supportedMimeTypes } from "file-type";

/** How many first bytes format detection reads. */
export const HEAD_BYTES = 4100;

/** The recorded content type, and what the bytes were found to be. */
export interface JudgedType {
  contentType: string;
  detectedType?: string;
}

/**
 * Judges a file's type from its first bytes. Recognised bytes win over any claim. Bytes of
 * no recognisable format keep the claim (or the extension's type) unless that claim names
 * a format whose bytes would have been recognised: then the claim is false, and the file is
 * recorded as application/octet-stream.
 */
export async function judgeType(
  head: Buffer,
  filename: string,
  claimed?: string,
): Promise<JudgedType> {
  const detected = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
  if (detected) return { contentType: detected.mime, detectedType: detected.mime };

  const stated = claimed || contentTypeFor(filename);
  const checkable = (supportedMimeTypes as ReadonlySet<string>).has(stated.toLowerCase());
  return { contentType: checkable ? "application/octet-stream" : stated };
}
