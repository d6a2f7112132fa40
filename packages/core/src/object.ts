import type { Readable } from "node:stream";

import type { Container } from "./container.js";
import type { StorageDriver } from "./driver.js";
import type {
  CallOptions,
  CopyOptions,
  DownloadOptions,
  HashAlgorithm,
  ObjectExtra,
  SignedUrlOptions,
  StreamOptions,
} from "./types.js";

/** What a driver knows about an object when it builds a StorageObject. */
export interface StorageObjectInit {
  name: string;
  size: number;
  hash: string;
  hashAlgorithm: HashAlgorithm;
  contentType: string;
  metaData?: Record<string, string>;
  extra?: ObjectExtra;
}

/**
 * An object in a container (Libcloud's Object). Its methods delegate to the driver, so
 * `obj.download(path)` and `driver.downloadObject(obj, path)` are the same call.
 */
export class StorageObject {
  readonly name: string;
  readonly size: number;
  /** The checksum the provider reports; `hashAlgorithm` says what it is. */
  readonly hash: string;
  readonly hashAlgorithm: HashAlgorithm;
  readonly contentType: string;
  /** User metadata. */
  readonly metaData: Record<string, string>;
  readonly extra: ObjectExtra;
  readonly container: Container;

  constructor(init: StorageObjectInit, container: Container) {
    this.name = init.name;
    this.size = init.size;
    this.hash = init.hash;
    this.hashAlgorithm = init.hashAlgorithm;
    this.contentType = init.contentType;
    this.metaData = init.metaData ?? {};
    this.extra = init.extra ?? {};
    this.container = container;
  }

  get driver(): StorageDriver {
    return this.container.driver;
  }

  /** Saves the object to a file; see StorageDriver.downloadObject. */
  download(destinationPath: string, options?: DownloadOptions): Promise<boolean> {
    return this.driver.downloadObject(this, destinationPath, options);
  }

  /** The object's bytes as a stream (Libcloud's as_stream). */
  asStream(options?: StreamOptions): Promise<Readable> {
    return this.driver.downloadObjectAsStream(this, options);
  }

  /** Saves bytes [start, end) to a file. */
  downloadRange(
    destinationPath: string,
    start: number,
    end?: number,
    options?: DownloadOptions,
  ): Promise<boolean> {
    return this.driver.downloadObjectRange(this, destinationPath, start, end, options);
  }

  /** Bytes [start, end) as a stream. */
  rangeAsStream(start: number, end?: number, options?: StreamOptions): Promise<Readable> {
    return this.driver.downloadObjectRangeAsStream(this, start, end, options);
  }

  /** Deletes the object; deleting a missing object succeeds. */
  delete(options?: CallOptions): Promise<void> {
    return this.driver.deleteObject(this, options);
  }

  copyTo(container: Container, objectName: string, options?: CopyOptions): Promise<StorageObject> {
    return this.driver.copyObject(this, container, objectName, options);
  }

  moveTo(container: Container, objectName: string, options?: CopyOptions): Promise<StorageObject> {
    return this.driver.moveObject(this, container, objectName, options);
  }

  getCdnUrl(): Promise<string> {
    return this.driver.getObjectCdnUrl(this);
  }

  getSignedUrl(options?: SignedUrlOptions): Promise<string> {
    return this.driver.getSignedUrl(this, options);
  }

  toString(): string {
    return `<StorageObject: name=${this.name}, size=${this.size}, container=${this.container.name}>`;
  }
}

/** Enough to address an object: its name and container. deleteObject takes no more. */
export type ObjectRef = Pick<StorageObject, "name" | "container">;

/**
 * A group of names sharing a prefix up to a delimiter, yielded by delimiter listings in place
 * of the objects below it (S3's CommonPrefixes). Its name ends with the delimiter.
 */
export class StoragePrefix {
  readonly isPrefix = true;

  constructor(
    readonly name: string,
    readonly container: Container,
  ) {}
}
