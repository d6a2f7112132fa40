import type { Bucket, File } from "@google-cloud/storage";
import type { IterateOptions, StorageObject, StoragePrefix } from "@stowage/core";

/** One page of a bucket listing: objects, delimiter groups, and where the next page starts. */
export interface ListPage {
  files: File[];
  prefixes: string[];
  nextPageToken?: string;
}

/** Fetches one page; `pageSize` becomes GCS's maxResults. */
export async function listPage(
  bucket: Bucket,
  query: IterateOptions & { prefix: string },
  pageToken: string | undefined,
): Promise<ListPage> {
  const [files, next, response] = await bucket.getFiles({
    autoPaginate: false,
    prefix: query.prefix || undefined,
    delimiter: query.delimiter,
    maxResults: query.pageSize,
    pageToken,
  });
  const prefixes = (response as { prefixes?: string[] } | undefined)?.prefixes ?? [];
  return { files, prefixes, nextPageToken: (next as { pageToken?: string } | null)?.pageToken };
}

/**
 * Merges a page's objects and delimiter groups into one name order. GCS orders names by their
 * UTF-8 bytes, which differs from JavaScript's UTF-16 order for characters past U+FFFF, so
 * the merge compares bytes too.
 */
export function* mergeByName(
  objects: StorageObject[],
  prefixes: StoragePrefix[],
): Generator<StorageObject | StoragePrefix> {
  let i = 0;
  let j = 0;
  while (i < objects.length || j < prefixes.length) {
    const object = objects[i];
    const prefix = prefixes[j];
    const takeObject = !prefix || (object !== undefined && byteOrder(object.name, prefix.name) < 0);
    yield takeObject ? objects[i++]! : prefixes[j++]!;
  }
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
