import { InvalidArgumentError } from "@stowage/core";

/**
 * User metadata travels in `x-ms-meta-<key>` headers. Azure wants keys that are C#
 * identifiers and compares them without regard to case (and Node hands back header names
 * in lowercase), while values must be ASCII. Stowage maps both reversibly, so every key and
 * value reads back exactly as written:
 *
 * - a key of lowercase letters and digits that starts with a letter is stored as it is;
 *   in any other key, each character outside `a-z0-9` (uppercase letters, `-`, `_`, `.`,
 *   non-ASCII) and a leading digit become `_` and the two hex digits of each of its UTF-8
 *   bytes: `original-name` is stored as `original_2dname`, `Title` as `_54itle`;
 * - a value that is not plain printable ASCII (non-ASCII text, control characters, spaces
 *   at either end that HTTP would trim, the empty value that Azure would drop) is stored as
 *   an RFC 2047 encoded word,
 *   `=?UTF-8?B?<base64>?=`, and decoded on read; so is an ASCII value that already looks
 *   like one.
 *
 * A stored key is decoded only when it is exactly what this mapping would have written, so
 * keys written by other tools (`my_key`) read back as they are, in lowercase.
 */

const PLAIN_KEY = /^[a-z][a-z0-9]*$/;
const ESCAPE = /_([0-9a-f]{2})/g;
const PLAIN_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const ENCODED_WORD = /^=\?utf-8\?b\?([A-Za-z0-9+/=]*)\?=$/i;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The metadata as Azure keys and values. @throws InvalidArgumentError for an empty key */
export function encodeMetadata(metaData: Record<string, string>): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(metaData)) {
    if (key === "") throw new InvalidArgumentError("A metadata key is empty");
    encoded[encodeKey(key)] = encodeValue(String(value));
  }
  return encoded;
}

/** The metadata Azure returned, with keys and values decoded. */
export function decodeMetadata(stored: Record<string, string> | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(stored ?? {})) {
    decoded[decodeKey(key)] = decodeValue(value);
  }
  return decoded;
}

/** A key as the C# identifier Azure stores; see the module comment. */
export function encodeKey(key: string): string {
  if (PLAIN_KEY.test(key)) return key;

  let out = "";
  for (const char of key) {
    const keep = /[a-z]/.test(char) || (/[0-9]/.test(char) && out !== "");
    out += keep ? char : escapeChar(char);
  }
  return out;
}

/** The key a stored key stands for: its decoding when this mapping wrote it. */
export function decodeKey(stored: string): string {
  const key = stored.toLowerCase();
  if (!key.includes("_")) return key;

  try {
    const bytes: number[] = [];
    let last = 0;
    for (const match of key.matchAll(ESCAPE)) {
      bytes.push(...Buffer.from(key.slice(last, match.index), "latin1"));
      bytes.push(parseInt(match[1]!, 16));
      last = match.index + match[0].length;
    }
    bytes.push(...Buffer.from(key.slice(last), "latin1"));
    const decoded = strictUtf8.decode(Uint8Array.from(bytes));
    return encodeKey(decoded) === key ? decoded : key;
  } catch {
    return key;
  }
}

function escapeChar(char: string): string {
  const bytes = [...Buffer.from(char, "utf8")];
  return bytes.map((byte) => `_${byte.toString(16).padStart(2, "0")}`).join("");
}

function encodeValue(value: string): string {
  if (PLAIN_VALUE.test(value) && !value.startsWith("=?")) return value;
  return `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

function decodeValue(value: string): string {
  const match = ENCODED_WORD.exec(value);
  return match ? Buffer.from(match[1]!, "base64").toString("utf8") : value;
}
