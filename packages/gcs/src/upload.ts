import { createHash } from "node:crypto";
import { Transform, type Readable, type TransformCallback, type Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";

import {
  CRC32C,
  type CreateWriteStreamOptions,
  type File,
  type FileMetadata,
} from "@google-cloud/storage";
import {
  InvalidArgumentError,
  ObjectHashMismatchError,
  type Logger,
  type UploadRequest,
} from "@stowage/core";

import { base64ToHex, generationOf, predefinedAclOf, toGcsMetadata } from "./metadata.js";

/** How a driver sends bytes: in one request up to the threshold, else in resumable chunks. */
export interface UploadPlan {
  chunkSize: number;
  resumableThreshold: number;
  logger: Logger;
}

/**
 * Stores the request's body as `file` and resolves the object resource GCS reports. A body
 * of known size up to the threshold is read into memory and sent in one request that
 * declares its MD5 and CRC32C, so GCS refuses corrupted bytes before storing anything.
 * Anything else goes resumably, `chunkSize` bytes at a time (the memory it holds); GCS only
 * creates the object when the last chunk arrives, so a failed or aborted upload leaves no
 * object and an object it would replace intact. The CRC32C GCS reports is then checked.
 * @throws ObjectHashMismatchError, InvalidArgumentError (the body's length differs from `size`)
 */
export async function uploadToGcs(
  file: File,
  request: UploadRequest,
  plan: UploadPlan,
): Promise<FileMetadata> {
  const options = writeOptions(request);
  const checked = attach(request.body, new CheckedBody(request.size, request.objectName));

  try {
    const simple = request.size !== undefined && request.size <= plan.resumableThreshold;
    if (simple) {
      await sendInOneRequest(file, request, checked, options);
    } else {
      const { chunkSize } = plan;
      plan.logger.debug("uploading resumably", { objectName: request.objectName, chunkSize });
      const stream = file.createWriteStream({ ...options, resumable: true, chunkSize });
      await pipeline(checked, stream, { signal: request.signal });
    }
  } catch (error) {
    releaseLater(request.body);
    throw error;
  }

  const resource = file.metadata;
  await verifyCrc32c(file, resource, checked.crc32c(), plan.logger);
  return resource;
}

/**
 * Pipes the body into `checked` without letting a failure downstream (a refused request, an
 * abort) destroy the body with that failure: Stowage reads an error of the body as the
 * source's, and would report the wrong cause. A failing body still fails `checked`.
 */
function attach(body: Readable, checked: CheckedBody): CheckedBody {
  body.once("error", (error) => checked.destroy(error));
  return body.pipe(checked);
}

/** Releases the caller's source (a file handle, a socket) once the failure is reported. */
function releaseLater(body: Readable): void {
  setImmediate(() => body.destroy());
}

async function sendInOneRequest(
  file: File,
  request: UploadRequest,
  checked: CheckedBody,
  options: CreateWriteStreamOptions,
): Promise<void> {
  const bytes = await readWhole(checked, request.signal);
  const metadata = { ...options.metadata, md5Hash: md5Base64(bytes), crc32c: checked.crc32c() };
  const stream = file.createWriteStream({ ...options, metadata, resumable: false });

  stream.end(bytes);
  await finished(stream as Writable, { signal: request.signal });
}

function writeOptions(request: UploadRequest): CreateWriteStreamOptions {
  return {
    metadata: toGcsMetadata(request),
    preconditionOpts: preconditionsOf(request),
    predefinedAcl: request.acl === undefined ? undefined : predefinedAclOf(request.acl),
    // The driver checks CRC32C itself: the library's check cannot say which hashes differed,
    // and on a mismatch it deletes the object without a generation condition.
    validation: false,
  };
}

/** Create-only is generation 0 in GCS; `ifMatch` names the generation to replace. */
function preconditionsOf(request: UploadRequest): CreateWriteStreamOptions["preconditionOpts"] {
  if (request.ifNoneMatch === "*") return { ifGenerationMatch: 0 };
  if (request.ifMatch !== undefined) return { ifGenerationMatch: generationOf(request.ifMatch) };
  return undefined;
}

async function readWhole(checked: CheckedBody, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  };
  await pipeline(checked, collect, { signal });
  return Buffer.concat(chunks);
}

function md5Base64(bytes: Buffer): string {
  return createHash("md5").update(bytes).digest("base64");
}

/**
 * Compares the CRC32C of the bytes sent with the one GCS computed. On a mismatch the stored
 * object is deleted, but only that generation of it, so a later writer's object survives.
 */
async function verifyCrc32c(
  file: File,
  resource: FileMetadata,
  sent: string,
  logger: Logger,
): Promise<void> {
  if (!resource.crc32c) {
    const objectName = file.name;
    logger.warn("the server reported no CRC32C; the upload was not verified", { objectName });
    return;
  }
  if (resource.crc32c === sent) return;

  const generation = resource.generation === undefined ? undefined : String(resource.generation);
  await file.delete({ ifGenerationMatch: generation }).catch(() => undefined);
  throw new ObjectHashMismatchError(file.name, base64ToHex(sent), base64ToHex(resource.crc32c));
}

/**
 * A pass-through that computes the body's CRC32C as it flows and fails the upload when the
 * body is longer or shorter than the size the caller declared. Failing here, before the
 * stream ends, keeps GCS from storing a truncated or overlong object.
 */
class CheckedBody extends Transform {
  private readonly hash = new CRC32C();
  private bytes = 0;

  constructor(
    private readonly size: number | undefined,
    private readonly objectName: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.size !== undefined && this.bytes > this.size) return done(this.lengthError());

    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.size !== undefined && this.bytes !== this.size) return done(this.lengthError());
    done();
  }

  /** Base64 CRC32C of what passed, as GCS reports it. */
  crc32c(): string {
    return this.hash.toString();
  }

  private lengthError(): InvalidArgumentError {
    const what = this.bytes > this.size! ? "more" : "fewer";
    const message = `The source yielded ${what} bytes than the declared size ${this.size}`;
    return new InvalidArgumentError(message, { objectName: this.objectName });
  }
}
