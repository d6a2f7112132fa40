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
 * a format whose bytes would have been recognised, or a text type for bytes that cannot be
 * text: then the claim is false, and the file is recorded as application/octet-stream.
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
  const falseText = stated.toLowerCase().startsWith("text/") && !looksLikeText(head);
  return { contentType: checkable || falseText ? "application/octet-stream" : stated };
}

/**
 * False for bytes that cannot be text: a NUL byte never occurs in UTF-8 or Latin-1 text.
 * UTF-16 text (which has NULs) is recognised by its byte order mark.
 */
function looksLikeText(head: Buffer): boolean {
  const utf16 =
    head.length >= 2 &&
    ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
  return utf16 || !head.includes(0);
}
