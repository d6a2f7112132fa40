import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { Readable } from "node:stream";

import { DEFAULT_CONTENT_TYPE, type UploadSource, contentTypeFor, toReadable } from "@stowage/core";

import { type CopySource, FileValue } from "./file-value.js";

/** Bytes a new file can come from: a Buffer, a string (its text), any stream, a Blob or File. */
export type FileContent = UploadSource | Blob;

/** Details of a new file that its content alone does not give. */
export interface NewFileOptions {
  /** The original name, such as "photo.jpg"; it gives the object name's extension. */
  filename?: string;
  /** The client's claim; the bytes are checked against it where their format is known. */
  contentType?: string;
  /** User metadata stored with this file, on top of the field's. */
  metaData?: Record<string, string>;
}

/** The filename given to content that came without one, as sqlalchemy-file does. */
export const UNNAMED = "unnamed";

/**
 * A file assigned to a column but not stored yet: it is uploaded when its row is written.
 * A plain string assigned to a column is content, never a path: use NewFile.fromPath for a
 * file on disk, so that a user's text can never be mistaken for a path to read.
 */
export class NewFile {
  readonly filename: string;
  readonly contentType?: string;
  readonly metaData: Readonly<Record<string, string>>;
  readonly #open: () => Promise<Readable>;

  constructor(content: FileContent | (() => Promise<Readable>), options: NewFileOptions = {}) {
    const blob = content instanceof Blob ? content : undefined;
    this.filename = options.filename ?? blobName(blob) ?? UNNAMED;
    this.contentType = options.contentType ?? (blob?.type || defaultType(content, this.filename));
    this.metaData = { ...options.metaData };
    this.#open = typeof content === "function" ? content : async () => openContent(content);
  }

  /** A new file read from `path` when its row is written; the filename defaults to its name. */
  static fromPath(path: string, options: NewFileOptions = {}): NewFile {
    const filename = options.filename ?? basename(path);
    return new NewFile(async () => createReadStream(path), { ...options, filename });
  }

  /** The content as a stream; called once, when the file is uploaded. */
  open(): Promise<Readable> {
    return this.#open();
  }
}

/** Whatever a file column accepts on assignment, besides null and stored values. */
export type FileInput = NewFile | CopySource | FileContent;

/** True for what becomes a new upload when its row is written. */
export function isFileInput(value: unknown): value is FileInput {
  if (value === null || value === undefined || value instanceof FileValue) return false;
  if (typeof value === "string" || value instanceof Uint8Array || value instanceof Blob)
    return true;
  if (value instanceof NewFile || isCopySource(value)) return true;

  const v = value as Record<PropertyKey, unknown>;
  return (
    typeof v.pipe === "function" ||
    typeof v.getReader === "function" ||
    typeof v[Symbol.asyncIterator] === "function"
  );
}

/** The NewFile that an assigned value stands for. */
export function toNewFile(input: FileInput): NewFile {
  if (input instanceof NewFile) return input;
  if (isCopySource(input)) return copyOf(input.copyOf);
  return new NewFile(input);
}

function copyOf(value: FileValue): NewFile {
  const options = {
    filename: value.filename,
    contentType: value.contentType,
    metaData: { ...value.metaData },
  };
  return new NewFile(() => value.stream(), options);
}

function isCopySource(value: unknown): value is CopySource {
  return (
    typeof value === "object" && value !== null && (value as CopySource).copyOf instanceof FileValue
  );
}

function openContent(content: FileContent): Readable {
  if (content instanceof Blob) return Readable.fromWeb(content.stream() as never);
  return toReadable(content);
}

function blobName(blob: Blob | undefined): string | undefined {
  return blob instanceof File && blob.name !== "" ? blob.name : undefined;
}

/** Text given as a string is text/plain unless its filename's extension says more. */
function defaultType(content: unknown, filename: string): string | undefined {
  if (typeof content !== "string") return undefined;
  return contentTypeFor(filename) === DEFAULT_CONTENT_TYPE ? "text/plain" : undefined;
}
