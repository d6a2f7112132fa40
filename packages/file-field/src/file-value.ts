import type { Readable } from "node:stream";

import {
  type HashAlgorithm,
  type ObjectHeaders,
  type SignedUrlOptions,
  StorageManager,
  StorageObject,
  type StreamOptions,
  filePath,
  readAll,
} from "@stowage/core";

import { InvalidFileValueError } from "./errors.js";

/** What validators and processors record about a file, such as an image's width. */
export type FileInfo = Record<string, string | number | boolean>;

/** The JSON a file column holds for one file. No URL: URLs are computed when read. */
export interface FileValueJson {
  /** The name the file had when it was given, such as "report.pdf". */
  filename: string;
  /** Judged from the bytes where their format is recognisable, not only from the claim. */
  contentType: string;
  size: number;
  /** The StorageManager storage that holds it. */
  storage: string;
  /** Unique per upload, never reused: a random UUID keeping the file's extension. */
  objectName: string;
  /** ISO 8601. */
  uploadedAt: string;
  hash?: string;
  hashAlgorithm?: HashAlgorithm;
  metaData?: Record<string, string>;
  headers?: ObjectHeaders;
  /** What validators and processors added. */
  info?: FileInfo;
  /** Derived files, such as a thumbnail, by the processor's key. They live and die with it. */
  derived?: Record<string, FileValueJson>;
}

/**
 * A stored file as a column holds it. Its bytes live in a storage of a StorageManager (the
 * process-wide one unless the field named another); reading works on every driver.
 */
export class FileValue {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly storage: string;
  readonly objectName: string;
  readonly uploadedAt: Date;
  readonly hash?: string;
  readonly hashAlgorithm?: HashAlgorithm;
  readonly metaData: Readonly<Record<string, string>>;
  readonly headers: Readonly<ObjectHeaders>;
  readonly info: Readonly<FileInfo>;
  readonly derived: Readonly<Record<string, FileValue>>;
  readonly #manager: StorageManager;

  constructor(json: FileValueJson, manager: StorageManager = StorageManager.instance) {
    this.filename = json.filename;
    this.contentType = json.contentType;
    this.size = json.size;
    this.storage = json.storage;
    this.objectName = json.objectName;
    this.uploadedAt = new Date(json.uploadedAt);
    this.hash = json.hash;
    this.hashAlgorithm = json.hashAlgorithm;
    this.metaData = { ...json.metaData };
    this.headers = { ...json.headers };
    this.info = { ...json.info };
    this.derived = mapDerived(json.derived ?? {}, manager);
    this.#manager = manager;
  }

  /**
   * Reads the JSON a column holds.
   * @throws InvalidFileValueError when a required field is missing or mistyped
   */
  static fromJSON(json: unknown, manager?: StorageManager): FileValue {
    assertFileJson(json);
    return new FileValue(json, manager);
  }

  /** `<storage>/<object name>`: what StorageManager.getFile and deleteFile take. */
  get path(): string {
    return filePath(this.storage, this.objectName);
  }

  /** This file's path and its derived files' paths: everything its row owns through it. */
  get paths(): string[] {
    return [this.path, ...Object.values(this.derived).map((file) => file.path)];
  }

  /** The file's bytes as a stream. @throws ObjectDoesNotExistError, UnknownStorageError */
  stream(options?: StreamOptions): Promise<Readable> {
    return this.object().asStream(options);
  }

  /** The whole file in memory (every chunk). Use stream() for anything large. */
  async read(options?: StreamOptions): Promise<Buffer> {
    return readAll(await this.stream(options));
  }

  /** The public URL, where the storage has one. @throws NotSupportedError */
  getUrl(): Promise<string> {
    return this.object().getCdnUrl();
  }

  /** A URL that reads the file until it expires. @throws NotSupportedError */
  getSignedUrl(options?: SignedUrlOptions): Promise<string> {
    return this.object().getSignedUrl(options);
  }

  /**
   * A new file with the same bytes and name, to assign to another row: a stored value
   * belongs to the one row and column that uploaded it (see FileAlreadyOwnedError).
   */
  copy(): CopySource {
    return { copyOf: this };
  }

  toJSON(): FileValueJson {
    const json: FileValueJson = {
      filename: this.filename,
      contentType: this.contentType,
      size: this.size,
      storage: this.storage,
      objectName: this.objectName,
      uploadedAt: this.uploadedAt.toISOString(),
    };
    return withOptional(json, this);
  }

  /** The storage object, built from the stored fields without a request. */
  private object(): StorageObject {
    const container = this.#manager.get(this.storage);
    const init = {
      name: this.objectName,
      size: this.size,
      hash: this.hash ?? "",
      hashAlgorithm: this.hash ? (this.hashAlgorithm ?? "etag") : "etag",
      contentType: this.contentType,
      metaData: { ...this.metaData },
    } as const;
    return new StorageObject(init, container);
  }
}

/** What `FileValue.copy()` returns: assigning it uploads a new file with the same bytes. */
export interface CopySource {
  readonly copyOf: FileValue;
}

function withOptional(json: FileValueJson, value: FileValue): FileValueJson {
  if (value.hash !== undefined) json.hash = value.hash;
  if (value.hashAlgorithm !== undefined) json.hashAlgorithm = value.hashAlgorithm;
  if (Object.keys(value.metaData).length > 0) json.metaData = { ...value.metaData };
  if (Object.keys(value.headers).length > 0) json.headers = { ...value.headers };
  if (Object.keys(value.info).length > 0) json.info = { ...value.info };

  const derived = Object.entries(value.derived);
  if (derived.length > 0)
    json.derived = Object.fromEntries(derived.map(([k, f]) => [k, f.toJSON()]));
  return json;
}

function mapDerived(derived: Record<string, FileValueJson>, manager: StorageManager) {
  const entries = Object.entries(derived).map(([key, json]) => [
    key,
    FileValue.fromJSON(json, manager),
  ]);
  return Object.freeze(Object.fromEntries(entries)) as Record<string, FileValue>;
}

function assertFileJson(json: unknown): asserts json is FileValueJson {
  if (typeof json !== "object" || json === null) throw new InvalidFileValueError("not an object");
  const value = json as Record<string, unknown>;

  for (const key of ["filename", "contentType", "storage", "objectName", "uploadedAt"]) {
    if (typeof value[key] !== "string") throw new InvalidFileValueError(`"${key}" is not a string`);
  }
  if (typeof value.size !== "number") throw new InvalidFileValueError(`"size" is not a number`);
}
