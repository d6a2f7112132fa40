import type {
  BlobItem,
  BlobPrefix,
  ContainerClient,
  ContainerListBlobFlatSegmentResponse,
  ContainerListBlobHierarchySegmentResponse,
} from "@azure/storage-blob";

/** Which names one listing asks for. */
export interface ListQuery {
  prefix: string;
  delimiter?: string;
  pageSize?: number;
}

/** One page: blobs and, with a delimiter, the prefixes grouping deeper names. */
export interface ListPage {
  /** Blobs and prefixes merged into name order. */
  entries: Array<{ blob: BlobItem } | { prefix: string }>;
  continuationToken?: string;
}

/**
 * Fetches one page of a listing (one request), from `continuationToken` on. Metadata comes
 * with each blob, so listed objects carry their user metadata.
 */
export async function listPage(
  container: ContainerClient,
  query: ListQuery,
  continuationToken: string | undefined,
  abortSignal?: AbortSignal,
): Promise<ListPage> {
  const options = { prefix: query.prefix, includeMetadata: true, abortSignal };
  const settings = { continuationToken, maxPageSize: query.pageSize };

  if (query.delimiter === undefined) {
    const pages = container.listBlobsFlat(options).byPage(settings);
    const value = (await pages.next()).value as ContainerListBlobFlatSegmentResponse | undefined;
    const entries = (value?.segment.blobItems ?? []).map((blob: BlobItem) => ({ blob }));
    return { entries, continuationToken: nextToken(value?.continuationToken) };
  }

  const pages = container.listBlobsByHierarchy(query.delimiter, options).byPage(settings);
  const value = (await pages.next()).value as ContainerListBlobHierarchySegmentResponse | undefined;
  const blobs = value?.segment.blobItems ?? [];
  const prefixes = (value?.segment.blobPrefixes ?? []).map((p: BlobPrefix) => p.name);
  const token = nextToken(value?.continuationToken);
  return { entries: mergeByName(blobs, prefixes), continuationToken: token };
}

/**
 * Azure answers a delimiter listing with blobs and prefixes in one name order, which the SDK
 * splits into two lists; this puts them back together. Names compare by their UTF-8 bytes,
 * the order the service lists in.
 */
function mergeByName(
  blobs: BlobItem[],
  prefixes: string[],
): Array<{ blob: BlobItem } | { prefix: string }> {
  const merged: Array<{ blob: BlobItem } | { prefix: string }> = [];
  let b = 0;
  let p = 0;
  while (b < blobs.length || p < prefixes.length) {
    const takeBlob =
      p >= prefixes.length || (b < blobs.length && compareNames(blobs[b]!.name, prefixes[p]!) < 0);
    merged.push(takeBlob ? { blob: blobs[b++]! } : { prefix: prefixes[p++]! });
  }
  return merged;
}

function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function nextToken(token: string | undefined): string | undefined {
  return token ? token : undefined;
}
