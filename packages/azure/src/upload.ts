import { createHash, randomBytes } from "node:crypto";

import type { BlockBlobClient, BlobRequestConditions } from "@azure/storage-blob";
import { ChunkReader, type Logger, type UploadRequest } from "@stowage/core";

import { MAX_BLOCKS } from "./limits.js";
import { encodeMetadata } from "./metadata.js";
import { httpHeaders } from "./object-info.js";
import { blockSizeFor, tooManyBlocksError, wrongSizeError } from "./upload-plan.js";

/** How uploads are cut and sent. */
export interface UploadSettings {
  blockSize: number;
  concurrency: number;
  logger: Logger;
  /** Repeats one idempotent request (staging a block) after transient faults. */
  retry: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** What the service said about the blob it wrote. */
export interface UploadOutcome {
  size: number;
  md5: Buffer;
  etag?: string;
  lastModified?: Date;
}

/**
 * Writes the request's body as a block blob: in one Put Blob when it fits in one block,
 * otherwise as blocks staged `concurrency` at a time and committed at the end. Every request
 * carries the MD5 of its bytes, which the service checks; the committed blob's Content-MD5
 * is the MD5 of the whole stream. Nothing is committed unless every byte arrived, so a
 * failed or aborted upload leaves no blob and an existing blob intact (staged blocks that
 * are never committed are discarded by the service within a week).
 * @throws InvalidArgumentError (too many blocks, wrong declared size), and the SDK's errors
 */
export async function uploadBlockBlob(
  client: BlockBlobClient,
  request: UploadRequest,
  settings: UploadSettings,
): Promise<UploadOutcome> {
  const blockSize = blockSizeFor(request.size, settings.blockSize, settings.logger);
  const options = blobOptions(request);
  const reader = new ChunkReader(request.body, request.signal);
  try {
    const first = await reader.read(blockSize);
    if (!(await reader.hasMore())) return await putSingle(client, request, options, first);
    const source = { reader, first, blockSize };
    return await putBlocks(client, request, options, settings, source);
  } catch (error) {
    releaseLater(request);
    throw error;
  }
}

async function putSingle(
  client: BlockBlobClient,
  request: UploadRequest,
  options: BlobOptions,
  data: Buffer,
): Promise<UploadOutcome> {
  checkSize(request.size, data.length);
  const md5 = createHash("md5").update(data).digest();

  // The service computes a Put Blob's Content-MD5 from the bytes it received and reports
  // it, which is what `verifyHash` then compares with the MD5 of the bytes sent.
  const response = await client.upload(data, data.length, {
    ...options,
    blobHTTPHeaders: httpHeaders(request.contentType, request.headers),
  });
  const stored = response.contentMD5 ? Buffer.from(response.contentMD5) : md5;
  const { etag, lastModified } = response;
  return { size: data.length, md5: stored, etag, lastModified };
}

interface BlockSource {
  reader: ChunkReader;
  first: Buffer;
  blockSize: number;
}

async function putBlocks(
  client: BlockBlobClient,
  request: UploadRequest,
  options: BlobOptions,
  settings: UploadSettings,
  source: BlockSource,
): Promise<UploadOutcome> {
  const { ids, md5, size } = await stageAll(client, request, settings, source);
  checkSize(request.size, size);

  const response = await client.commitBlockList(ids, {
    ...options,
    blobHTTPHeaders: httpHeaders(request.contentType, request.headers, md5),
  });
  return { size, md5, etag: response.etag, lastModified: response.lastModified };
}

/**
 * Reads and stages the blocks, at most `concurrency` in flight. The first failure stops the
 * reading and cancels the blocks still in flight, and is what the upload fails with.
 */
async function stageAll(
  client: BlockBlobClient,
  request: UploadRequest,
  settings: UploadSettings,
  source: BlockSource,
): Promise<{ ids: string[]; md5: Buffer; size: number }> {
  const stop = new AbortController();
  const signal = request.signal ? AbortSignal.any([request.signal, stop.signal]) : stop.signal;
  const whole = createHash("md5");
  const ids: string[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const prefix = randomBytes(6).toString("hex");
  let failure: { error: unknown } | undefined;

  const launch = (data: Buffer) => {
    if (ids.length >= MAX_BLOCKS) throw tooManyBlocksError(source.blockSize);
    const id = blockId(prefix, ids.length);
    ids.push(id);
    whole.update(data);

    const task = stageBlock(client, id, data, signal, settings).catch((error) => {
      failure ??= { error };
      stop.abort();
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };

  try {
    let data = source.first;
    while (data.length > 0 && !failure) {
      launch(data);
      if (request.size !== undefined && source.reader.bytesRead > request.size) {
        throw wrongSizeError(request.size);
      }
      while (inFlight.size >= settings.concurrency) await Promise.race(inFlight);
      if (!failure) data = await source.reader.read(source.blockSize);
    }
  } catch (error) {
    failure ??= { error };
    stop.abort();
  }

  await Promise.all(inFlight);
  if (failure) throw failure.error;
  return { ids, md5: whole.digest(), size: source.reader.bytesRead };
}

function stageBlock(
  client: BlockBlobClient,
  id: string,
  data: Buffer,
  signal: AbortSignal,
  settings: UploadSettings,
): Promise<unknown> {
  const transactionalContentMD5 = createHash("md5").update(data).digest();
  // Staging the same bytes under the same ID again is harmless, so a block is retried alone.
  return settings.retry(() =>
    client.stageBlock(id, data, data.length, { transactionalContentMD5, abortSignal: signal }),
  );
}

/** Block IDs must be Base64 and of one length within a blob; the prefix is per upload. */
function blockId(prefix: string, index: number): string {
  return Buffer.from(`${prefix}-${String(index).padStart(6, "0")}`).toString("base64");
}

/** What Put Blob and Put Block List share: metadata, conditions, cancellation. */
interface BlobOptions {
  metadata: Record<string, string>;
  conditions?: BlobRequestConditions;
  abortSignal?: AbortSignal;
}

/** @throws InvalidArgumentError for metadata Azure cannot keep, before any byte is read */
function blobOptions(request: UploadRequest): BlobOptions {
  return {
    metadata: encodeMetadata(request.metaData),
    conditions: conditionsOf(request),
    abortSignal: request.signal,
  };
}

function conditionsOf(request: UploadRequest): BlobRequestConditions | undefined {
  if (request.ifNoneMatch === undefined && request.ifMatch === undefined) return undefined;
  return { ifNoneMatch: request.ifNoneMatch, ifMatch: request.ifMatch };
}

function checkSize(declared: number | undefined, actual: number): void {
  if (declared !== undefined && declared !== actual) throw wrongSizeError(declared, actual);
}

/**
 * After a failure the body is destroyed to release the caller's source (a file handle, a
 * socket), but only once the failure has been reported: destroying it at once would make
 * the source look failed and hide the real cause.
 */
function releaseLater(request: UploadRequest): void {
  setImmediate(() => request.body.destroy());
}
