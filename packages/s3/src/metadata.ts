import { InvalidArgumentError } from "@stowage/core";

/**
 * User metadata travels in `x-amz-meta-*` HTTP headers, so S3 stores keys in lowercase and
 * values as printable ASCII. Stowage never changes either silently:
 *
 * - keys must be lowercase HTTP tokens; an uppercase key is refused (S3 would hand it back
 *   lowercased, so reading it back would miss it), naming the lowercase spelling to use;
 * - a value that is not plain printable ASCII (non-ASCII text such as a Japanese file name,
 *   control characters, leading or trailing spaces that HTTP would trim) is stored as an
 *   RFC 2047 encoded word, `=?UTF-8?B?<base64>?=`, the form S3 itself documents for
 *   non-ASCII metadata, and decoded on read. An ASCII value that already looks like an
 *   encoded word is encoded too, so every value reads back exactly as written.
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const PLAIN_VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;
const ENCODED_WORD = /^=\?utf-8\?(b|q)\?([^?]*)\?=$/i;

/** The metadata as S3 headers. @throws InvalidArgumentError for a key S3 cannot keep */
export function encodeMetadata(metaData: Record<string, string>): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(metaData)) {
    checkKey(key);
    encoded[key] = encodeValue(String(value));
  }
  return encoded;
}

/** The metadata S3 returned, with encoded values decoded. */
export function decodeMetadata(headers?: Record<string, string>): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) decoded[key] = decodeValue(value);
  return decoded;
}

function checkKey(key: string): void {
  if (key !== key.toLowerCase() && TOKEN.test(key.toLowerCase())) {
    throw new InvalidArgumentError(
      `Metadata key "${key}" has uppercase letters, which S3 does not keep; ` +
        `use "${key.toLowerCase()}"`,
    );
  }
  if (!TOKEN.test(key)) {
    throw new InvalidArgumentError(
      `Metadata key ${JSON.stringify(key)} is not an HTTP token: S3 keys use lowercase ` +
        "letters, digits and -._~!#$%&'*+^`|",
    );
  }
}

function encodeValue(value: string): string {
  if (PLAIN_VALUE.test(value) && !value.startsWith("=?")) return value;
  return `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

function decodeValue(value: string): string {
  const match = ENCODED_WORD.exec(value);
  if (!match) return value;

  const [, encoding, text] = match;
  if (encoding!.toLowerCase() === "b") return Buffer.from(text!, "base64").toString("utf8");
  return decodeQ(text!);
}

/** RFC 2047 "Q" encoding, which other tools may have written: `_` is a space, `=XX` a byte. */
function decodeQ(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "_") bytes.push(0x20);
    else if (char === "=" && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(char.charCodeAt(0));
  }
  return Buffer.from(bytes).toString("utf8");
}
