import { ListObjectsV2Command, type ListObjectsV2Output, type S3Client } from "@aws-sdk/client-s3";
import { ProviderError } from "@stowage/core";

/** One page of a listing, decoded, with objects and common prefixes in one name order. */
export interface ListingPage {
  entries: ListingEntry[];
  nextToken?: string;
}

export type ListingEntry =
  | { kind: "object"; name: string; object: NonNullable<ListObjectsV2Output["Contents"]>[number] }
  | { kind: "prefix"; name: string };

export interface PageQuery {
  bucket: string;
  prefix: string;
  delimiter?: string;
  pageSize?: number;
  token?: string;
  signal?: AbortSignal;
}

/**
 * Fetches one ListObjectsV2 page. Keys are asked for URL-encoded (EncodingType=url) because
 * XML cannot carry every character a key may hold: a carriage return in `Icon\r` comes back
 * as `\n` from a server that sends it raw. Keys are decoded only when the answer says it is
 * encoded, since some servers ignore the parameter and send raw keys: decoding those would
 * turn `100%25` into `100%` (never decode twice).
 */
export async function fetchPage(client: S3Client, query: PageQuery): Promise<ListingPage> {
  const command = new ListObjectsV2Command({
    Bucket: query.bucket,
    Prefix: query.prefix || undefined,
    Delimiter: query.delimiter,
    MaxKeys: query.pageSize,
    ContinuationToken: query.token,
    EncodingType: "url",
  });
  const page = await client.send(command, { abortSignal: query.signal });
  const decode = page.EncodingType === "url" ? decodeKey : (key: string) => key;

  const objects = (page.Contents ?? []).map((object): ListingEntry => ({
    kind: "object",
    name: decode(object.Key ?? ""),
    object,
  }));
  const prefixes = (page.CommonPrefixes ?? []).map((p): ListingEntry => ({
    kind: "prefix",
    name: decode(p.Prefix ?? ""),
  }));
  // A truncated page without a token would end the listing early, silently short.
  if (page.IsTruncated && !page.NextContinuationToken) {
    throw new ProviderError("The server cut a listing page short without a continuation token");
  }
  const nextToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  return { entries: mergeByName(objects, prefixes), nextToken };
}

/**
 * S3's URL encoding of keys in listings writes a space as `+` and a plus as `%2B`, like an
 * HTML form; other servers write the space as `%20`. Both decode the same way here.
 */
export function decodeKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, "%20"));
}

/**
 * Merges two lists that are each in S3's order (the UTF-8 bytes of the names) into one.
 * Comparing JavaScript strings would order them by UTF-16 code units, which differs for
 * characters outside the Basic Multilingual Plane (an emoji sorts after U+FFFD in UTF-8).
 */
export function mergeByName(a: ListingEntry[], b: ListingEntry[]): ListingEntry[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;

  const merged: ListingEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    merged.push(compareUtf8(a[i]!.name, b[j]!.name) <= 0 ? a[i++]! : b[j++]!);
  }
  return merged.concat(a.slice(i), b.slice(j));
}

/** Orders two strings by their UTF-8 bytes. */
export function compareUtf8(x: string, y: string): number {
  return Buffer.compare(Buffer.from(x, "utf8"), Buffer.from(y, "utf8"));
}
