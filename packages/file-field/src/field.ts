import { type ObjectHeaders, StorageManager, type UploadExtra } from "@stowage/core";

import type { FileProcessor, FileValidator } from "./validators/types.js";

/** How a file column stores its files. */
export interface FileFieldOptions {
  /** A storage of the StorageManager; without it, the default storage when the row is written. */
  uploadStorage?: string;
  /** The column holds a list of files instead of one. */
  multiple?: boolean;
  /** Run in order before anything is stored. */
  validators?: FileValidator[];
  /** Run after the original is stored; each adds a derived file. */
  processors?: FileProcessor[];
  /** Defaults for every file's `extra` (metaData, acl); copied per file, never changed. */
  extra?: UploadExtra;
  /** Defaults for every file's headers; copied per file, never changed. */
  headers?: ObjectHeaders;
  /** The StorageManager whose storages hold the files. Default: the process-wide one. */
  manager?: StorageManager;
}

/**
 * A file column's settings, as sqlalchemy-file's FileField: where its files go, how they
 * are checked and what is derived from them. The ORM adapters bind it to a column.
 */
export class FileField {
  readonly uploadStorage?: string;
  readonly multiple: boolean;
  readonly validators: readonly FileValidator[];
  readonly processors: readonly FileProcessor[];
  readonly extra: Readonly<UploadExtra>;
  readonly headers: Readonly<ObjectHeaders>;
  readonly manager: StorageManager;

  constructor(options: FileFieldOptions = {}) {
    this.uploadStorage = options.uploadStorage;
    this.multiple = options.multiple ?? false;
    this.validators = [...(options.validators ?? [])];
    this.processors = [...(options.processors ?? [])];
    this.extra = structuredClone(options.extra ?? {});
    this.headers = { ...options.headers };
    this.manager = options.manager ?? StorageManager.instance;
  }

  /** The storage a file written now goes to. @throws UnknownStorageError */
  storageForWrite(): string {
    return this.uploadStorage ?? this.manager.getDefault();
  }

  /** The smallest size limit of the validators, if any. */
  get maxBytes(): number | undefined {
    const limits = this.validators
      .map((v) => v.maxBytes)
      .filter((m): m is number => m !== undefined);
    return limits.length > 0 ? Math.min(...limits) : undefined;
  }

  /** True when a validator or processor needs the whole file before upload. */
  get needsWholeFile(): boolean {
    return this.processors.length > 0 || this.validators.some((v) => v.needsWholeFile);
  }
}
