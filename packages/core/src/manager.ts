import type { Container } from "./container.js";
import {
  InvalidArgumentError,
  StorageAlreadyRegisteredError,
  UnknownStorageError,
} from "./errors.js";
import { type UploadSource } from "./streams.js";
import { StoredFile, assertValidStorageName, parseFilePath } from "./stored-file.js";
import type { CallOptions, ObjectHeaders, UploadExtra, UploadOptions } from "./types.js";

export interface SaveFileOptions extends Omit<UploadOptions, "extra" | "headers"> {
  /** The storage to save in; the default storage when omitted. */
  uploadStorage?: string;
  extra?: UploadExtra;
  headers?: ObjectHeaders;
  /** Upload this file instead of `content`. */
  contentPath?: string;
}

/**
 * Named storages, each a container, with a default: as sqlalchemy-file's StorageManager.
 * The static methods act on one process-wide instance; `new StorageManager()` makes an
 * independent one for tests and dependency injection.
 */
export class StorageManager {
  private readonly storages = new Map<string, Container>();
  private defaultName?: string;

  /** The process-wide instance behind the static methods. */
  static readonly instance = new StorageManager();

  /**
   * Adds a storage. The first one added becomes the default. Adding the same container again
   * under its name is a no-op; a different container under a taken name is refused, because
   * every file saved under that name would then point at the wrong place.
   * @throws StorageAlreadyRegisteredError
   */
  addStorage(name: string, container: Container): void {
    assertValidStorageName(name);
    const existing = this.storages.get(name);
    if (existing) {
      if (!sameContainer(existing, container)) throw new StorageAlreadyRegisteredError(name);
      return;
    }

    this.storages.set(name, container);
    this.defaultName ??= name;
  }

  /** The container of a storage, or of the default storage. @throws UnknownStorageError */
  get(name?: string): Container {
    const key = name ?? this.getDefault();
    const container = this.storages.get(key);
    if (!container) throw new UnknownStorageError(key);
    return container;
  }

  /** The default storage's name. @throws UnknownStorageError when none was added */
  getDefault(): string {
    if (this.defaultName === undefined) throw new UnknownStorageError("(default)");
    return this.defaultName;
  }

  /** Makes an added storage the default. @throws UnknownStorageError */
  setDefault(name: string): void {
    if (!this.storages.has(name)) throw new UnknownStorageError(name);
    this.defaultName = name;
  }

  /** The names of every storage, in the order added. */
  names(): string[] {
    return [...this.storages.keys()];
  }

  /** Removes every storage; for tests. */
  clear(): void {
    this.storages.clear();
    this.defaultName = undefined;
  }

  /**
   * Saves content (a Buffer, string or stream, or the file at `contentPath`) as object
   * `name` in a storage, and returns the stored file, whose `path` getFile takes.
   */
  async saveFile(
    name: string,
    content: UploadSource | undefined,
    options: SaveFileOptions = {},
  ): Promise<StoredFile> {
    const { uploadStorage, contentPath, ...uploadOptions } = options;
    const storageName = uploadStorage ?? this.getDefault();
    const container = this.get(storageName);

    const obj = await this.upload(container, name, content, contentPath, uploadOptions);
    return new StoredFile(storageName, obj);
  }

  /** The stored file at `path`. @throws ObjectDoesNotExistError, UnknownStorageError */
  async getFile(path: string, options: CallOptions = {}): Promise<StoredFile> {
    const { storageName, objectName } = parseFilePath(path);
    const obj = await this.get(storageName).getObject(objectName, options);
    return new StoredFile(storageName, obj);
  }

  /** Deletes the file at `path`; a file that is already gone is not an error. */
  async deleteFile(path: string, options: CallOptions = {}): Promise<void> {
    const { storageName, objectName } = parseFilePath(path);
    const container = this.get(storageName);
    await container.deleteObject({ name: objectName, container }, options);
  }

  private upload(
    container: Container,
    name: string,
    content: UploadSource | undefined,
    contentPath: string | undefined,
    options: UploadOptions,
  ) {
    if (contentPath !== undefined) {
      if (content !== undefined)
        throw new InvalidArgumentError("Give content or contentPath, not both");
      return container.uploadObject(contentPath, name, options);
    }
    if (content === undefined)
      throw new InvalidArgumentError("saveFile needs content or contentPath");
    return container.uploadObjectViaStream(content, name, options);
  }

  static addStorage(name: string, container: Container): void {
    StorageManager.instance.addStorage(name, container);
  }

  static get(name?: string): Container {
    return StorageManager.instance.get(name);
  }

  static getDefault(): string {
    return StorageManager.instance.getDefault();
  }

  static setDefault(name: string): void {
    StorageManager.instance.setDefault(name);
  }

  static names(): string[] {
    return StorageManager.instance.names();
  }

  static clear(): void {
    StorageManager.instance.clear();
  }

  static saveFile(
    name: string,
    content: UploadSource | undefined,
    options?: SaveFileOptions,
  ): Promise<StoredFile> {
    return StorageManager.instance.saveFile(name, content, options);
  }

  static getFile(path: string, options?: CallOptions): Promise<StoredFile> {
    return StorageManager.instance.getFile(path, options);
  }

  static deleteFile(path: string, options?: CallOptions): Promise<void> {
    return StorageManager.instance.deleteFile(path, options);
  }
}

function sameContainer(a: Container, b: Container): boolean {
  return a === b || (a.driver === b.driver && a.name === b.name);
}
