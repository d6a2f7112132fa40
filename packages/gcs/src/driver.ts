import type { Readable } from "node:stream";

import {
  Storage,
  type Bucket,
  type BucketMetadata,
  type File,
  type FileMetadata,
} from "@google-cloud/storage";
import {
  Container,
  ContainerDoesNotExistError,
  Provider,
  StorageDriver,
  untilAborted,
  type Capabilities,
  type ErrorContext,
  type IterateOptions,
  type ReadRequest,
  type StorageError,
  type StorageObject,
  type StoragePrefix,
  type UploadExtra,
  type UploadRequest,
} from "@stowage/core";

import { listPage, PageMerger } from "./listing.js";
import { mapGcsError, statusOf } from "./map-error.js";
import { openMedia } from "./media.js";
import { copyBody, fromGcsMetadata, generationOf, predefinedAclOf } from "./metadata.js";
import { gcsBucketNameProblem, gcsObjectNameProblem } from "./names.js";
import { resolveOptions, type GoogleStorageDriverOptions } from "./options.js";
import { deleteBucket, deleteObject, fetchBucket, fetchObject } from "./resources.js";
import { uploadToGcs, type UploadPlan } from "./upload.js";
import { publicContainerUrl, publicObjectUrl, signedUrl } from "./urls.js";

/** Buckets fetched per request when listing containers. */
const BUCKET_PAGE = 1_000;

/**
 * Google Cloud Storage (Libcloud's GoogleStorageDriver) through @google-cloud/storage.
 *
 * ```ts
 * new GoogleStorageDriver("sa@project.iam.gserviceaccount.com", privateKeyPem, { projectId });
 * // application default credentials:
 * new GoogleStorageDriver(undefined, undefined, { projectId });
 * new GoogleStorageDriver(undefined, undefined, { projectId, endpoint: "http://127.0.0.1:4443" });
 * ```
 *
 * Containers are buckets; `extra.version` of an object is its generation, which `ifMatch`
 * takes. Signed URLs need a service-account key, or (without `endpoint`) credentials that may
 * call the IAM signBlob API.
 *
 * Known gaps: reads, lookups and deletes use Node's own HTTP client (see http.ts), which
 * does not read HTTP(S)_PROXY; composite objects have no MD5, so their downloads are not
 * checked; aborting a bucket creation or listing, an object listing or a copy stops the
 * caller's wait, not the request already sent (the Google library takes no AbortSignal).
 * @throws InvalidArgumentError (unreadable key file, bad chunk size, endpoint without projectId)
 */
export class GoogleStorageDriver extends StorageDriver {
  readonly name = "Google Cloud Storage";
  readonly provider = Provider.GOOGLE_STORAGE;
  readonly capabilities: Capabilities;

  /** The Google client, for what Stowage does not cover. */
  readonly storage: Storage;

  private readonly plan: UploadPlan;
  private readonly cdnBaseUrl: string;

  constructor(key?: string, secret?: string, options: GoogleStorageDriverOptions = {}) {
    super(options, { verifyDownloads: true });
    const resolved = resolveOptions(key, secret, options);

    this.storage = new Storage(resolved.storage);
    this.plan = {
      chunkSize: resolved.chunkSize,
      resumableThreshold: resolved.resumableThreshold,
      logger: this.logger,
    };
    this.cdnBaseUrl = resolved.cdnBaseUrl;
    // Without a key, signing asks Google's IAM API, which an emulator does not have.
    const canSign = resolved.credentials !== undefined || options.endpoint === undefined;
    this.capabilities = capabilitiesOf(canSign);
  }

  // ---------------------------------------------------------------- names

  protected override providerObjectNameProblem(name: string): string | undefined {
    return gcsObjectNameProblem(name);
  }

  protected override providerContainerNameProblem(name: string): string | undefined {
    return gcsBucketNameProblem(name);
  }

  // ---------------------------------------------------------------- containers

  protected async *doIterateContainers(signal?: AbortSignal): AsyncIterable<Container> {
    let pageToken: string | undefined;
    do {
      const query = { autoPaginate: false, maxResults: BUCKET_PAGE, pageToken };
      const [buckets, next] = await this.withRetries("iterateContainers", {}, signal, () =>
        untilAborted(this.storage.getBuckets(query), signal),
      );
      for (const bucket of buckets) yield this.toContainer(bucket);
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }

  protected async doGetContainer(name: string, signal?: AbortSignal): Promise<Container> {
    const metadata = await fetchBucket(this.storage, name, signal);
    return this.containerOf(name, metadata);
  }

  protected async doCreateContainer(name: string, signal?: AbortSignal): Promise<Container> {
    const [bucket] = await untilAborted(this.storage.createBucket(name), signal);
    return this.toContainer(bucket);
  }

  protected async doDeleteContainer(container: Container, signal?: AbortSignal): Promise<void> {
    await deleteBucket(this.storage, container.name, signal);
  }

  // ---------------------------------------------------------------- listing

  protected async *doIterateObjects(
    container: Container,
    query: IterateOptions & { prefix: string },
  ): AsyncIterable<StorageObject | StoragePrefix> {
    const bucket = this.storage.bucket(container.name);
    const context = { container: container.name };
    const merger = new PageMerger();
    let pageToken: string | undefined;

    do {
      const page = await this.withRetries("iterateContainerObjects", context, query.signal, () =>
        untilAborted(listPage(bucket, query, pageToken), query.signal),
      );
      const objects = page.files.map((file) => this.toObject(container, file.name, file.metadata));
      const prefixes = page.prefixes.map((prefix) => this.makePrefix(container, prefix));
      pageToken = page.nextPageToken;
      yield* merger.take(objects, prefixes, !pageToken);
    } while (pageToken);
  }

  // ---------------------------------------------------------------- objects

  protected async doGetObject(
    container: Container,
    objectName: string,
    signal?: AbortSignal,
  ): Promise<StorageObject> {
    try {
      const resource = await fetchObject(this.storage, container.name, objectName, signal);
      return this.toObject(container, objectName, resource);
    } catch (error) {
      throw await this.explainNotFound(error, signal, container.name);
    }
  }

  protected async doUpload(request: UploadRequest): Promise<StorageObject> {
    const file = this.file(request.container.name, request.objectName);
    try {
      const resource = await uploadToGcs(file, request, this.plan);
      return this.toObject(request.container, request.objectName, resource);
    } catch (error) {
      throw await this.explainNotFound(error, request.signal, request.container.name);
    }
  }

  protected async doOpenRead(request: ReadRequest): Promise<Readable> {
    const { object, range, ifMatch, signal } = request;
    const bucket = object.container.name;
    // A pinned read names the generation: GCS then serves that generation's bytes or answers
    // 404, never another version's.
    const generation = ifMatch === undefined ? undefined : generationOf(ifMatch);

    try {
      const media = { bucket, objectName: object.name, range, generation, signal };
      return await openMedia(this.storage, media);
    } catch (error) {
      throw await this.explainNotFound(error, signal, bucket);
    }
  }

  protected async doDeleteObject(
    container: Container,
    objectName: string,
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      await deleteObject(this.storage, container.name, objectName, signal);
    } catch (error) {
      if (statusOf(error as object) !== 404) throw error;
      const bucketExists = await this.bucketExists(container.name, signal);
      if (!bucketExists) throw new ContainerDoesNotExistError(container.name);
    }
  }

  protected override async doCopyObject(
    obj: StorageObject,
    destination: Container,
    objectName: string,
    extra: UploadExtra | undefined,
    signal?: AbortSignal,
  ): Promise<StorageObject> {
    const source = this.file(obj.container.name, obj.name);
    const target = this.file(destination.name, objectName);
    const options = copyBody(obj, extra);
    if (extra?.acl !== undefined) options.predefinedAcl = predefinedAclOf(extra.acl);

    try {
      const [copy, response] = await untilAborted(source.copy(target, options), signal);
      const resource = (response as { resource?: FileMetadata }).resource ?? copy.metadata;
      return this.toObject(destination, objectName, resource);
    } catch (error) {
      throw await this.explainNotFound(error, signal, obj.container.name, destination.name);
    }
  }

  // ---------------------------------------------------------------- URLs

  protected override async doGetObjectCdnUrl(obj: StorageObject): Promise<string> {
    return publicObjectUrl(this.cdnBaseUrl, obj.container.name, obj.name);
  }

  protected override async doGetContainerCdnUrl(container: Container): Promise<string> {
    return publicContainerUrl(this.cdnBaseUrl, container.name);
  }

  protected override doGetSignedUrl(obj: StorageObject, expiresIn: number): Promise<string> {
    return signedUrl(this.file(obj.container.name, obj.name), "read", expiresIn);
  }

  protected override doGetSignedUploadUrl(
    container: Container,
    objectName: string,
    expiresIn: number,
    contentType?: string,
  ): Promise<string> {
    return signedUrl(this.file(container.name, objectName), "write", expiresIn, contentType);
  }

  // ---------------------------------------------------------------- errors

  protected mapError(error: unknown, context: ErrorContext): StorageError {
    return mapGcsError(error, context);
  }

  // ---------------------------------------------------------------- helpers

  private file(bucket: string, objectName: string): File {
    return this.storage.bucket(bucket).file(objectName);
  }

  private toObject(container: Container, name: string, resource: FileMetadata): StorageObject {
    return this.makeObject(container, fromGcsMetadata(name, resource));
  }

  private toContainer(bucket: Bucket): Container {
    return this.containerOf(bucket.name, bucket.metadata);
  }

  private containerOf(name: string, metadata: BucketMetadata): Container {
    const { timeCreated, location } = metadata;
    return this.makeContainer(name, {
      creationDate: timeCreated ? new Date(timeCreated) : undefined,
      region: location,
    });
  }

  /**
   * GCS answers 404 alike for a missing object and a missing bucket, and emulators do not say
   * which; asking whether the bucket exists tells them apart.
   */
  private async explainNotFound(
    error: unknown,
    signal: AbortSignal | undefined,
    ...buckets: string[]
  ): Promise<unknown> {
    if (statusOf((error ?? {}) as object) !== 404) return error;
    for (const bucket of new Set(buckets)) {
      const exists = await this.bucketExists(bucket, signal);
      if (!exists) return new ContainerDoesNotExistError(bucket);
    }
    return error;
  }

  private async bucketExists(bucket: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await fetchBucket(this.storage, bucket, signal);
      return true;
    } catch (error) {
      if (statusOf(error as object) === 404) return false;
      throw error;
    }
  }
}

function capabilitiesOf(canSign: boolean): Capabilities {
  return {
    signedUrls: canSign,
    signedUploadUrls: canSign,
    cdnUrls: true,
    serverSideCopy: true,
    conditionalWrites: true,
    metadata: true,
    multipartUpload: true,
    acl: true,
    batchDelete: false,
  };
}
