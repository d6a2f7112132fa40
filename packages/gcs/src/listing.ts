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
 * Turns pages of objects and delimiter groups into one stream in name order, each name once.
 *
 * GCS counts groups in a page's size and returns each group once, in order. fake-gcs-server
 * (v1.56) pages only the objects and repeats, on every page, every group from the page's
 * start onwards, so groups past a page's last object would come out too early and twice.
 * Holding such groups back until the next page, and dropping any group not past the last
 * name yielded, gives the right answer from both; on GCS it only delays a page's trailing
 * groups by one page.
 */
export class PageMerger {
  private pending = new Map<string, StoragePrefix>();
  private last: string | undefined;

  /** The entries of one page that can be yielded now; `final` flushes everything held. */
  take(
    objects: StorageObject[],
    prefixes: StoragePrefix[],
    final: boolean,
  ): Array<StorageObject | StoragePrefix> {
    for (const prefix of prefixes) {
      const seen = this.last !== undefined && byteOrder(prefix.name, this.last) <= 0;
      if (!seen) this.pending.set(prefix.name, prefix);
    }

    const lastObject = objects.at(-1)?.name;
    const ready = [...this.pending.values()].filter(
      (prefix) => final || lastObject === undefined || byteOrder(prefix.name, lastObject) < 0,
    );
    for (const prefix of ready) this.pending.delete(prefix.name);

    const merged = [...objects, ...ready].sort((a, b) => byteOrder(a.name, b.name));
    this.last = merged.at(-1)?.name ?? this.last;
    return merged;
  }
}

/** GCS orders names by their UTF-8 bytes, unlike JavaScript's UTF-16 comparison. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
