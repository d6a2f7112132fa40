import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type HeadObjectOutput,
  type S3Client,
} from "@aws-sdk/client-s3";

import type { CopyJob, NewHeaders } from "./copy.js";
import { partSizeFor } from "./upload-plan.js";

/** How large copies are split. */
export interface CopyLimits {
  /** Largest source CopyObject copies in one request (S3: 5 GiB). */
  singleCopyMax: number;
  /** Bytes per UploadPartCopy request, grown to fit 10,000 parts. */
  partSize: number;
  /** UploadPartCopy requests at once. */
  queueSize: number;
}

/**
 * Copies an object too large for CopyObject with UploadPartCopy, range by range, inside S3.
 * Every part is pinned to the source's ETag, so a source replaced during the copy fails it
 * (PreconditionFailed) instead of yielding a mix of two versions. A failure aborts the
 * multipart upload.
 */
export async function copyInParts(
  client: S3Client,
  job: CopyJob,
  limits: CopyLimits,
  source: string,
  headers: NewHeaders | undefined,
): Promise<void> {
  const head = await headSource(client, job);
  const create = new CreateMultipartUploadCommand({
    Bucket: job.bucket,
    Key: job.key,
    ...(headers ?? sourceHeaders(head)),
  });
  const { UploadId } = await client.send(create, { abortSignal: job.signal });
  const target = { Bucket: job.bucket, Key: job.key, UploadId };

  try {
    const size = head.ContentLength ?? job.source.size;
    const ranges = { ...target, source, etag: head.ETag!, size };
    const parts = await copyRanges(client, job, limits, ranges);
    const MultipartUpload = { Parts: parts };
    const complete = new CompleteMultipartUploadCommand({ ...target, MultipartUpload });
    await client.send(complete, { abortSignal: job.signal });
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand(target)).catch(() => undefined);
    throw error;
  }
}

async function headSource(client: S3Client, job: CopyJob): Promise<HeadObjectOutput> {
  const { source } = job;
  const command = new HeadObjectCommand({ Bucket: source.container.name, Key: source.name });
  return client.send(command, { abortSignal: job.signal });
}

/** The source's stored headers, passed on as they are (metadata stays encoded). */
function sourceHeaders(head: HeadObjectOutput) {
  return {
    ContentType: head.ContentType,
    Metadata: head.Metadata,
    CacheControl: head.CacheControl,
    ContentDisposition: head.ContentDisposition,
    ContentEncoding: head.ContentEncoding,
    ContentLanguage: head.ContentLanguage,
  };
}

interface RangeTarget {
  Bucket: string;
  Key: string;
  UploadId?: string;
  source: string;
  etag: string;
  size: number;
}

/** Copies the ranges `queueSize` at a time; the first failure stops the rest. */
async function copyRanges(
  client: S3Client,
  job: CopyJob,
  limits: CopyLimits,
  target: RangeTarget,
): Promise<CompletedPart[]> {
  const { size } = target;
  const partSize = partSizeFor(size, limits.partSize);
  const count = Math.ceil(size / partSize);
  const parts: CompletedPart[] = [];
  let next = 0;

  const worker = async () => {
    while (next < count) {
      const index = next++;
      const start = index * partSize;
      const end = Math.min(start + partSize, size);
      parts[index] = await copyRange(client, job, target, index + 1, `bytes=${start}-${end - 1}`);
    }
  };
  const stopOnFailure = (error: unknown) => {
    next = count;
    throw error;
  };
  const workers = Array.from({ length: Math.min(limits.queueSize, count) }, () =>
    worker().catch(stopOnFailure),
  );

  // Every request settles before the caller aborts the upload, so no part lands after it.
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  return parts;
}

async function copyRange(
  client: S3Client,
  job: CopyJob,
  target: RangeTarget,
  number: number,
  range: string,
): Promise<CompletedPart> {
  const command = new UploadPartCopyCommand({
    Bucket: target.Bucket,
    Key: target.Key,
    UploadId: target.UploadId,
    PartNumber: number,
    CopySource: target.source,
    CopySourceRange: range,
    CopySourceIfMatch: target.etag,
  });
  const answer = await client.send(command, { abortSignal: job.signal });
  return { PartNumber: number, ETag: answer.CopyPartResult?.ETag };
}
