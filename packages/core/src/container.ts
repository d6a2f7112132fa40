import type { Readable } from "node:stream";

import type { StorageDriver } from "./driver.js";
import type { ObjectRef, StorageObject, StoragePrefix } from "./object.js";
import type { UploadSource } from "./streams.js";
import type {
  CallOptions,
  ContainerExtra,
  DeleteDirectoryOptions,
  IterateOptions,
  ListOptions,
  SignedUploadUrlOptions,
  UploadOptions,
} from "./types.js";

/**
 * A flat namespace of objects: a bucket, an Azure container, a directory on disk. Its
 * methods delegate to the driver, as in Libcloud.
 */
export class Container {
  constructor(
    readonly name: string,
    readonly extra: ContainerExtra,
    readonly driver: StorageDriver,
  ) {}

  iterateObjects(
    options: IterateOptions & { delimiter: string },
  ): AsyncIterable<StorageObject | StoragePrefix>;
  iterateObjects(options?: ListOptions): AsyncIterable<StorageObject>;
  iterateObjects(options?: IterateOptions): AsyncIterable<StorageObject | StoragePrefix> {
    return this.driver.iterateContainerObjects(
      this,
      options as IterateOptions & { delimiter: string },
    );
  }

  listObjects(options?: ListOptions): Promise<StorageObject[]> {
    return this.driver.listContainerObjects(this, options);
  }

  getObject(objectName: string, options?: CallOptions): Promise<StorageObject> {
    return this.driver.getObject(this.name, objectName, options);
  }

  objectExists(objectName: string, options?: CallOptions): Promise<boolean> {
    return this.driver.objectExists(this, objectName, options);
  }

  uploadObject(
    filePath: string,
    objectName: string,
    options?: UploadOptions,
  ): Promise<StorageObject> {
    return this.driver.uploadObject(filePath, this, objectName, options);
  }

  uploadObjectViaStream(
    source: UploadSource,
    objectName: string,
    options?: UploadOptions,
  ): Promise<StorageObject> {
    return this.driver.uploadObjectViaStream(source, this, objectName, options);
  }

  downloadObjectAsStream(obj: StorageObject): Promise<Readable> {
    return this.driver.downloadObjectAsStream(obj);
  }

  deleteObject(obj: ObjectRef, options?: CallOptions): Promise<void> {
    return this.driver.deleteObject(obj, options);
  }

  deleteDirectory(directory: string, options?: DeleteDirectoryOptions): Promise<number> {
    return this.driver.deleteDirectory(this, directory, options);
  }

  getCdnUrl(): Promise<string> {
    return this.driver.getContainerCdnUrl(this);
  }

  getSignedUploadUrl(objectName: string, options?: SignedUploadUrlOptions): Promise<string> {
    return this.driver.getSignedUploadUrl(this, objectName, options);
  }

  /** Deletes the container; it must be empty. */
  delete(options?: CallOptions): Promise<void> {
    return this.driver.deleteContainer(this, options);
  }

  toString(): string {
    return `<Container: name=${this.name}, provider=${this.driver.name}>`;
  }
}
