import { createHash } from "node:crypto";

import { PutObjectCommand } from "@aws-sdk/client-s3";
import { ChunkReader, type UploadRequest } from "@stowage/core";

import { sendMultipart } from "./multipart.js";
import { isEncryptedEtag, unquote } from "./object-info.js";
import {
  objectParams,
  quoteEtag,
  type ObjectParams,
  type UploadDeps,
  type UploadOutcome,
} from "./upload-context.js";
import { planUpload, wrongSizeError } from "./upload-plan.js";

/**
 * Sends an upload in one PutObject when it fits under the multipart threshold, else as a
 * multipart upload. A stream of unknown length is read up to the threshold first to find
 * out. A declared `size` that the stream does not match is an error, raised before the
 * object is written.
 * @throws InvalidArgumentError (wrong size, too large), the mapped S3 errors
 */
export async function sendUpload(deps: UploadDeps, request: UploadRequest): Promise<UploadOutcome> {
  const plan = planUpload(request.size, deps.settings, deps.logger);
  const params = objectParams(request);
  const reader = new ChunkReader(request.body);

  try {
    if (plan.kind === "single") {
      return await putSingle(deps, request, params, await readDeclared(reader, request.size!));
    }
    if (plan.kind === "multipart") {
      return await sendMultipart(deps, request, params, reader, plan.partSize);
    }

    const threshold = deps.settings.multipartThreshold;
    const head = await reader.read(threshold + 1);
    if (head.length <= threshold) return await putSingle(deps, request, params, head);
    reader.unshift(head);
    return await sendMultipart(deps, request, params, reader, plan.partSize);
  } catch (error) {
    releaseLater(request);
    throw error;
  }
}

/**
 * After a failure the body is destroyed to release the caller's source (a file handle, a
 * socket), but only once the failure has been reported: destroying it at once would make
 * the source look failed and hide the real cause.
 */
function releaseLater(request: UploadRequest): void {
  setImmediate(() => request.body.destroy());
}

/** Reads exactly `size` bytes and checks that the stream ends there. */
async function readDeclared(reader: ChunkReader, size: number): Promise<Buffer> {
  const data = await reader.read(size);
  if (data.length < size) throw wrongSizeError(size, data.length);
  if (await reader.hasMore()) throw wrongSizeError(size);
  return data;
}

/**
 * One PutObject. With verifyHash the request carries Content-MD5, so the server itself
 * refuses bytes that changed on the way (BadDigest) instead of storing them.
 */
async function putSingle(
  deps: UploadDeps,
  request: UploadRequest,
  params: ObjectParams,
  data: Buffer,
): Promise<UploadOutcome> {
  const command = new PutObjectCommand({
    ...params,
    Body: data,
    ContentLength: data.length,
    ContentMD5: request.verifyHash ? createHash("md5").update(data).digest("base64") : undefined,
    IfNoneMatch: request.ifNoneMatch,
    IfMatch: quoteEtag(request.ifMatch),
  });

  const send = () => deps.client.send(command, { abortSignal: request.signal });
  // A conditional write is not repeated: had the first attempt landed, the repeat would
  // fail its own condition and report a conflict that did not happen.
  const conditional = request.ifNoneMatch !== undefined || request.ifMatch !== undefined;
  const answer = conditional
    ? await send()
    : await deps.retrying("putObject", request.signal, send);
  return { etag: unquote(answer.ETag), size: data.length, encrypted: isEncryptedEtag(answer) };
}
