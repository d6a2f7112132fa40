import type { Readable } from "node:stream";

import { InvalidArgumentError } from "./errors.js";
import type { StorageObject } from "./object.js";
import { readAll } from "./streams.js";
import type { CallOptions, StreamOptions } from "./types.js";

/** Storage names: letters, digits, `_`, `-` and `.`, so a file's path parses unambiguously. */
const STORAGE_NAME = /^[A-Za-z0-9_.-]+$/;

/** Throws unless `name` can be a storage name. */
export function assertValidStorageName(name: string): void {
  if (typeof name !== "string" || !STORAGE_NAME.test(name)) {
    throw new InvalidArgumentError(
      `Invalid storage name ${JSON.stringify(name)}: use letters, digits, "_", "-" and "."`,
    );
  }
}

/** A file's path: `<storage name>/<object name>`. The object name may contain "/". */
export function filePath(storageName: string, objectName: string): string {
  return `${storageName}/${objectName}`;
}

/** Splits a file's path at its first "/" into storage name and object name. */
export function parseFilePath(path: string): { storageName: string; objectName: string } {
  const slash = typeof path === "string" ? path.indexOf("/") : -1;
  if (slash <= 0 || slash === path.length - 1) {
    throw new InvalidArgumentError(
      `Invalid file path ${JSON.stringify(path)}: expected "<storage>/<object name>"`,
    );
  }
  const storageName = path.slice(0, slash);
  assertValidStorageName(storageName);
  return { storageName, objectName: path.slice(slash + 1) };
}

/** A file saved through StorageManager: the stored object and the storage that holds it. */
export class StoredFile {
  constructor(
    readonly storageName: string,
    readonly object: StorageObject,
  ) {}

  /** `<storage name>/<object name>`: what getFile and deleteFile take. */
  get path(): string {
    return filePath(this.storageName, this.object.name);
  }

  get objectName(): string {
    return this.object.name;
  }

  get size(): number {
    return this.object.size;
  }

  get contentType(): string {
    return this.object.contentType;
  }

  get metaData(): Record<string, string> {
    return this.object.metaData;
  }

  /** The file's bytes as a stream. */
  stream(options?: StreamOptions): Promise<Readable> {
    return this.object.asStream(options);
  }

  /** The whole file in memory. Use stream() for anything large. */
  async read(options?: StreamOptions): Promise<Buffer> {
    return readAll(await this.stream(options));
  }

  delete(options?: CallOptions): Promise<void> {
    return this.object.delete(options);
  }
}
