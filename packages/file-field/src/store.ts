import { createReadStream } from "node:fs";
import { randomUUID } from "node:crypto";
import { type Readable, pipeline } from "node:stream";

import { type StorageObject, UploadSourceError, filePath } from "@stowage/core";

import { type Spooled, limitBytes, peek, spool } from "./bytes.js";
import { FileFieldError, FileProcessorError } from "./errors.js";
import type { FileField } from "./field.js";
import { type FileInfo, FileValue, type FileValueJson } from "./file-value.js";
import { HEAD_BYTES, judgeType } from "./judge.js";
import type { NewFile } from "./new-file.js";
import type { UploadSink } from "./sink.js";
import { fileTooLarge } from "./validators/size.js";
import type { Candidate, WholeCandidate } from "./validators/types.js";

/**
 * Validates, stores and processes one new file of a column, registering each object with
 * `sink` as soon as it is stored. If anything fails after the first upload, every object
 * this call stored is deleted before the error is thrown, so nothing is orphaned.
 * @throws FileValidationError, FileProcessorError, StorageError (the upload failed)
 */
export async function storeFile(
  field: FileField,
  column: string,
  file: NewFile,
  sink: UploadSink,
): Promise<FileValue> {
  const storage = field.storageForWrite();
  const { head, body } = await peek(await file.open(), HEAD_BYTES);
  const judged = await judgeType(head, file.filename, file.contentType);
  const candidate: Candidate = {
    field: column,
    filename: file.filename,
    claimedType: file.contentType,
    head,
    ...judged,
  };

  let spooled: Spooled | undefined;
  try {
    if (field.needsWholeFile) {
      spooled = await spoolFor(field, body);
      Object.assign(candidate, { path: spooled.path, size: spooled.size });
    }
    const info = await validate(field, candidate);
    const source = spooled ? createReadStream(spooled.path) : limited(field, body);
    const obj = await upload(field, storage, file, candidate, source, sink);
    const json = toJson(file.filename, storage, obj, info);
    if (Object.keys(field.headers).length > 0) json.headers = { ...field.headers };
    json.derived = await runProcessors(field, storage, candidate as WholeCandidate, json, sink);
    return new FileValue(json, field.manager);
  } catch (error) {
    body.destroy();
    throw error instanceof FileFieldError ? error.inField(column) : error;
  } finally {
    await spooled?.remove();
  }
}

async function spoolFor(field: FileField, body: Readable): Promise<Spooled> {
  const max = field.maxBytes;
  return spool(body, max === undefined ? undefined : limitBytes(max, () => fileTooLarge(max)));
}

function limited(field: FileField, body: Readable): Readable {
  const max = field.maxBytes;
  if (max === undefined) return body;

  // pipeline, unlike pipe, carries a failure of the source on to the upload.
  return pipeline(
    body,
    limitBytes(max, () => fileTooLarge(max)),
    () => {},
  );
}

async function validate(field: FileField, candidate: Candidate): Promise<FileInfo> {
  const info: FileInfo = {};
  for (const validator of field.validators)
    Object.assign(info, await validator.validate(candidate));
  return info;
}

/** Uploads the original; a size limit hit mid-stream surfaces as the validation error. */
async function upload(
  field: FileField,
  storage: string,
  file: NewFile,
  candidate: Candidate,
  source: Readable,
  sink: UploadSink,
): Promise<StorageObject> {
  const container = field.manager.get(storage);
  const extra = {
    ...structuredClone(field.extra),
    contentType: candidate.contentType,
    metaData: { ...field.extra.metaData, ...file.metaData },
  };
  const options = { extra, headers: { ...field.headers }, size: candidate.size };

  try {
    const obj = await container.uploadObjectViaStream(
      source,
      objectNameFor(file.filename),
      options,
    );
    sink.uploaded(filePath(storage, obj.name));
    return obj;
  } catch (error) {
    if (error instanceof UploadSourceError && error.cause instanceof FileFieldError)
      throw error.cause;
    throw error;
  }
}

/** Stores each processor's derived file; on failure removes the original and what was made. */
async function runProcessors(
  field: FileField,
  storage: string,
  candidate: WholeCandidate,
  original: FileValueJson,
  sink: UploadSink,
): Promise<Record<string, FileValueJson> | undefined> {
  if (field.processors.length === 0) return undefined;
  const container = field.manager.get(storage);
  const stored = [filePath(storage, original.objectName)];
  const derived: Record<string, FileValueJson> = {};

  for (const processor of field.processors) {
    try {
      const made = await processor.process(candidate);
      const extra = { contentType: made.contentType, metaData: { ...field.extra.metaData } };
      const obj = await container.uploadObjectViaStream(
        made.content,
        objectNameFor(made.filename),
        { extra },
      );
      sink.uploaded(filePath(storage, obj.name));
      stored.push(filePath(storage, obj.name));
      derived[processor.key] = toJson(made.filename, storage, obj, made.info ?? {});
    } catch (error) {
      await sink.discard(stored);
      throw error instanceof FileFieldError ? error : new FileProcessorError(processor.key, error);
    }
  }
  return derived;
}

function toJson(
  filename: string,
  storage: string,
  obj: StorageObject,
  info: FileInfo,
): FileValueJson {
  const json: FileValueJson = {
    filename,
    contentType: obj.contentType,
    size: obj.size,
    storage,
    objectName: obj.name,
    uploadedAt: new Date().toISOString(),
  };
  if (obj.hash) Object.assign(json, { hash: obj.hash, hashAlgorithm: obj.hashAlgorithm });
  if (Object.keys(obj.metaData).length > 0) json.metaData = { ...obj.metaData };
  if (Object.keys(info).length > 0) json.info = info;
  return json;
}

/**
 * A fresh object name: a random UUID, never reused, keeping the file's extension (letters
 * and digits only) so that served files keep a type hint.
 */
export function objectNameFor(filename: string): string {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(filename);
  return match ? `${randomUUID()}.${match[1]!.toLowerCase()}` : randomUUID();
}
