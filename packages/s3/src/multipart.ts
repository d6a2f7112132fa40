import { createHash } from "node:crypto";

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  UploadPartCommand,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import {
  ObjectHashMismatchError,
  untilAborted,
  type ChunkReader,
  type UploadRequest,
} from "@stowage/core";

import { MAX_PARTS } from "./limits.js";
import { isEncryptedEtag, unquote } from "./object-info.js";
import {
  quoteEtag,
  type ObjectParams,
  type UploadDeps,
  type UploadOutcome,
} from "./upload-context.js";
import { tooManyPartsError, wrongSizeError } from "./upload-plan.js";

/** One multipart upload in progress. */
interface Job {
  deps: UploadDeps;
  request: UploadRequest;
  uploadId: string;
  partSize: number;
  /** Binary MD5 of each part, kept when verifyHash is on to check the final ETag. */
  digests: Buffer[];
}

/**
 * Sends the reader's bytes as a multipart upload: at most `queueSize` parts in flight, so
 * memory stays near partSize × (queueSize + 1). Any failure (a part refused, the source
 * failing, the caller aborting, a wrong declared size) aborts the upload on the server, so
 * that no parts are left behind to be billed, and the object is never written.
 */
export async function sendMultipart(
  deps: UploadDeps,
  request: UploadRequest,
  params: ObjectParams,
  reader: ChunkReader,
  partSize: number,
): Promise<UploadOutcome> {
  // CreateMultipartUpload and CompleteMultipartUpload do not take the caller's signal: cut
  // short, the server may still have created (or completed) the upload without the driver
  // learning its id (or outcome), which would leave parts behind or report an abort for an
  // object that exists. Both are quick; the signal is checked right after the first.
  const created = await deps.client.send(new CreateMultipartUploadCommand(params));
  const job: Job = { deps, request, uploadId: created.UploadId!, partSize, digests: [] };

  let outcome: UploadOutcome;
  try {
    request.signal?.throwIfAborted();
    const parts = await sendParts(job, reader);
    outcome = await complete(job, parts, reader.bytesRead);
  } catch (error) {
    await abort(job);
    throw error;
  }

  if (request.verifyHash && !outcome.encrypted) await checkCompositeEtag(job, outcome.etag);
  return outcome;
}

/** Reads and sends the parts, `queueSize` at a time. */
async function sendParts(job: Job, reader: ChunkReader): Promise<CompletedPart[]> {
  const stop = new AbortController();
  const caller = job.request.signal;
  const signal = caller ? AbortSignal.any([caller, stop.signal]) : stop.signal;
  const parts: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const launch = (number: number, data: Buffer) => {
    const task = sendPart(job, number, data, signal).then(
      (part) => void (parts[number - 1] = part),
      (error) => {
        failure ??= error;
        stop.abort();
      },
    );
    inFlight.add(task);
    void task.then(() => inFlight.delete(task));
  };

  try {
    for (let number = 1; ; number++) {
      const data = await untilAborted(nextPart(job, reader), signal);
      if (data.length === 0) break;
      if (number > MAX_PARTS) throw tooManyPartsError(job.partSize);

      launch(number, data);
      if (inFlight.size >= job.deps.settings.queueSize) await Promise.race(inFlight);
      if (failure) throw failure;
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
    return parts;
  } catch (error) {
    // The first failure is the cause; aborting the parts still in flight makes them fail
    // with abort errors that must not replace it.
    const cause = failure ?? error;
    stop.abort();
    await Promise.all(inFlight);
    throw cause;
  }
}

/**
 * The next part's bytes, empty at the end. With a declared size, never reads past it: a
 * stream longer than declared is refused before the extra bytes are sent, a shorter one
 * before its last part is.
 */
async function nextPart(job: Job, reader: ChunkReader): Promise<Buffer> {
  const declared = job.request.size;
  if (declared === undefined) return reader.read(job.partSize);

  const wanted = Math.min(job.partSize, declared - reader.bytesRead);
  if (wanted === 0) {
    if (await reader.hasMore()) throw wrongSizeError(declared);
    return Buffer.alloc(0);
  }
  const data = await reader.read(wanted);
  if (data.length < wanted) throw wrongSizeError(declared, reader.bytesRead);
  return data;
}

async function sendPart(
  job: Job,
  number: number,
  data: Buffer,
  signal: AbortSignal,
): Promise<CompletedPart> {
  const { request, deps } = job;
  if (request.verifyHash) job.digests[number - 1] = createHash("md5").update(data).digest();

  const command = new UploadPartCommand({
    Bucket: request.container.name,
    Key: request.objectName,
    UploadId: job.uploadId,
    PartNumber: number,
    Body: data,
    ContentLength: data.length,
    ContentMD5: request.verifyHash ? job.digests[number - 1]!.toString("base64") : undefined,
  });
  const send = () => deps.client.send(command, { abortSignal: signal });
  const answer = await deps.retrying("uploadPart", signal, send);
  if (request.verifyHash && !isEncryptedEtag(answer)) {
    checkPartEtag(job, number, unquote(answer.ETag));
  }
  return { PartNumber: number, ETag: answer.ETag };
}

/**
 * A part's ETag is the MD5 of the bytes the server stored. A server that ignores
 * Content-MD5 is caught here, before the upload is completed, so nothing is written.
 */
function checkPartEtag(job: Job, number: number, etag: string): void {
  const sent = job.digests[number - 1]!.toString("hex");
  if (etag.toLowerCase() === sent) return;
  throw new ObjectHashMismatchError(`${job.request.objectName} (part ${number})`, sent, etag, {
    container: job.request.container.name,
  });
}

async function complete(job: Job, parts: CompletedPart[], size: number): Promise<UploadOutcome> {
  const { request, deps } = job;
  const command = new CompleteMultipartUploadCommand({
    Bucket: request.container.name,
    Key: request.objectName,
    UploadId: job.uploadId,
    MultipartUpload: { Parts: parts },
    IfNoneMatch: request.ifNoneMatch,
    IfMatch: quoteEtag(request.ifMatch),
  });

  const answer = await deps.client.send(command);
  return { etag: unquote(answer.ETag), size, encrypted: isEncryptedEtag(answer) };
}

/**
 * A multipart ETag is the MD5 of the parts' binary MD5s, a dash and the part count. With
 * verifyHash it is recomputed from the bytes sent: a mismatch means the object stored is
 * not what was sent, so it is deleted, as a single-part upload that fails its check is.
 */
async function checkCompositeEtag(job: Job, etag: string): Promise<void> {
  const composite = createHash("md5").update(Buffer.concat(job.digests)).digest("hex");
  const expected = `${composite}-${job.digests.length}`;
  if (etag.toLowerCase() === expected) return;

  const { request, deps } = job;
  const { container, objectName } = request;
  const remove = new DeleteObjectCommand({ Bucket: container.name, Key: objectName });
  await deps.client.send(remove).catch(() => undefined);
  throw new ObjectHashMismatchError(objectName, expected, etag, { container: container.name });
}

/**
 * Aborts the upload on the server. It runs even when the caller's signal has fired (that
 * is often why it runs), after every part request has settled, so that no part lands after
 * the abort. A failed abort is logged with the upload id, since the parts then stay billed
 * until a lifecycle rule removes them.
 */
async function abort(job: Job): Promise<void> {
  const { request, deps } = job;
  const command = new AbortMultipartUploadCommand({
    Bucket: request.container.name,
    Key: request.objectName,
    UploadId: job.uploadId,
  });
  try {
    await deps.retrying("abortMultipartUpload", undefined, () => deps.client.send(command));
  } catch (error) {
    deps.logger.warn("could not abort a failed multipart upload; its parts remain", {
      container: request.container.name,
      objectName: request.objectName,
      uploadId: job.uploadId,
      code: (error as { code?: string }).code,
    });
  }
}
