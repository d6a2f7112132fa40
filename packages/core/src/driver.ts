import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";

import { Container } from "./container.js";
import { contentTypeFor } from "./content-type.js";
import {
  InvalidArgumentError,
  InvalidContainerNameError,
  InvalidObjectNameError,
  NotSupportedError,
  ObjectDoesNotExistError,
  ObjectHashMismatchError,
  OperationAbortedError,
  StorageError,
  TransientError,
  UploadSourceError,
  type ErrorContext,
} from "./errors.js";
import { silentLogger, type Logger } from "./logger.js";
import { containerNameProblem, directoryPrefix, objectNameProblem } from "./names.js";
import { StorageObject, StoragePrefix, type ObjectRef, type StorageObjectInit } from "./object.js";
import { resolveRange, type ByteRange } from "./range.js";
import { retryPolicy, withRetry, type RetryPolicy } from "./retry.js";
import {
  checkExpiry,
  collect,
  combineSignals,
  emptyStream,
  forEachLimited,
  isAbortError,
  isSameObject,
} from "./call.js";
import { toReadable, knownLength, type UploadSource } from "./streams.js";
import {
  checkUploadArguments,
  fileSize,
  meter,
  requiredCapabilities,
  type Metered,
} from "./upload-body.js";
import { guardIterable, guardStream, saveStreamToFile } from "./transfer.js";
import type {
  CallOptions,
  Capabilities,
  ContainerExtra,
  CopyOptions,
  DeleteDirectoryOptions,
  DownloadOptions,
  IterateOptions,
  ListOptions,
  ObjectHeaders,
  SignedUploadUrlOptions,
  SignedUrlOptions,
  StorageDriverOptions,
  StreamOptions,
  UploadExtra,
  UploadOptions,
} from "./types.js";

/** What a driver's upload primitive receives once the core has checked the call. */
export interface UploadRequest {
  container: Container;
  objectName: string;
  /** The bytes, already wrapped to count and hash them. */
  body: Readable;
  /** Known length in bytes, if any. */
  size?: number;
  contentType: string;
  metaData: Record<string, string>;
  acl?: string;
  headers: ObjectHeaders;
  ifNoneMatch?: "*";
  ifMatch?: string;
  verifyHash: boolean;
  signal?: AbortSignal;
  onProgress?: UploadOptions["onProgress"];
}

/** What a driver's read primitive receives. */
export interface ReadRequest {
  object: StorageObject;
  /** Undefined for the whole object. Never empty: empty reads are answered by the core. */
  range?: ByteRange;
  chunkSize?: number;
  signal?: AbortSignal;
  /**
   * Read only this version of the object (its `extra.version`): the ETag on S3 and Azure,
   * the generation on GCS, the MD5 on local disk. A driver must fail with
   * PreconditionFailedError (or ObjectDoesNotExistError) rather than return the bytes of
   * another version. The core sets it when it resumes a cut download, so that the bytes
   * before and after the cut come from one version.
   */
  ifMatch?: string;
}

/** Headers every driver can store; anything else is refused before any request. */
const PORTABLE_HEADERS = new Set([
  "Cache-Control",
  "Content-Disposition",
  "Content-Encoding",
  "Content-Language",
]);

/** Objects deleted at once by deleteDirectory before the next page is listed. */
const DELETE_BATCH = 1_000;

/**
 * One account or endpoint of a storage provider (Libcloud's StorageDriver). The public
 * methods check arguments and names, apply retries and cancellation and map errors, then
 * call the `do*` primitives that each provider implements. A public method throws only
 * StorageError subclasses; each doc comment names the ones that matter.
 */
export abstract class StorageDriver {
  /** Display name, such as "Local" or "Amazon S3". */
  abstract readonly name: string;
  /** The Provider key this driver is registered under. */
  abstract readonly provider: string;
  abstract readonly capabilities: Capabilities;

  protected readonly logger: Logger;
  protected readonly retry: RetryPolicy;
  protected readonly verifyDownloads: boolean;

  constructor(options: StorageDriverOptions = {}, defaults: { verifyDownloads: boolean }) {
    this.logger = options.logger ?? silentLogger;
    this.retry = retryPolicy(options.retry);
    this.verifyDownloads = options.verifyDownloads ?? defaults.verifyDownloads;
  }

  // ---------------------------------------------------------------- containers

  /** Every container of the account. */
  async listContainers(options: CallOptions = {}): Promise<Container[]> {
    return collect(this.iterateContainers(options));
  }

  /** Every container, lazily. */
  iterateContainers(options: CallOptions = {}): AsyncIterable<Container> {
    const call = this.begin("iterateContainers", {}, options);
    return guardIterable(() => this.doIterateContainers(call.signal), call.fail);
  }

  /** @throws ContainerDoesNotExistError, InvalidContainerNameError */
  async getContainer(name: string, options: CallOptions = {}): Promise<Container> {
    this.assertContainerName(name);
    return this.idempotent("getContainer", { container: name }, options, (signal) =>
      this.doGetContainer(name, signal),
    );
  }

  /** @throws ContainerAlreadyExistsError, InvalidContainerNameError */
  async createContainer(name: string, options: CallOptions = {}): Promise<Container> {
    this.assertContainerName(name);
    return this.once("createContainer", { container: name }, options, (signal) =>
      this.doCreateContainer(name, signal),
    );
  }

  /** @throws ContainerIsNotEmptyError, ContainerDoesNotExistError */
  async deleteContainer(container: Container, options: CallOptions = {}): Promise<void> {
    return this.once("deleteContainer", { container: container.name }, options, (signal) =>
      this.doDeleteContainer(container, signal),
    );
  }

  // ---------------------------------------------------------------- listing

  /** The container's objects whose names start with `prefix`, in name order. */
  async listContainerObjects(
    container: Container,
    options: ListOptions = {},
  ): Promise<StorageObject[]> {
    return collect(this.iterateContainerObjects(container, options));
  }

  /**
   * The container's objects in name order, fetched page by page as the caller iterates.
   * With a delimiter, deeper names are grouped into StoragePrefix entries.
   * @throws ContainerDoesNotExistError
   */
  iterateContainerObjects(
    container: Container,
    options: IterateOptions & { delimiter: string },
  ): AsyncIterable<StorageObject | StoragePrefix>;
  iterateContainerObjects(
    container: Container,
    options?: ListOptions,
  ): AsyncIterable<StorageObject>;
  iterateContainerObjects(
    container: Container,
    options: IterateOptions = {},
  ): AsyncIterable<StorageObject | StoragePrefix> {
    const call = this.begin("iterateContainerObjects", { container: container.name }, options);
    if (options.delimiter === "") throw new InvalidArgumentError("The delimiter is empty");
    if (options.pageSize !== undefined && !(options.pageSize >= 1)) {
      throw new InvalidArgumentError(`pageSize must be at least 1, got ${options.pageSize}`);
    }

    const query = { ...options, prefix: options.prefix ?? "", signal: call.signal };
    return guardIterable(() => this.doIterateObjects(container, query), call.fail);
  }

  // ---------------------------------------------------------------- reading

  /** @throws ContainerDoesNotExistError, ObjectDoesNotExistError, InvalidObjectNameError */
  async getObject(
    containerName: string,
    objectName: string,
    options: CallOptions = {},
  ): Promise<StorageObject> {
    this.assertContainerName(containerName);
    this.assertObjectName(objectName);
    const context = { container: containerName, objectName };

    return this.idempotent("getObject", context, options, (signal) =>
      this.doGetObject(new Container(containerName, {}, this), objectName, signal),
    );
  }

  /** Whether the object exists. @throws ContainerDoesNotExistError */
  async objectExists(
    container: Container,
    objectName: string,
    options: CallOptions = {},
  ): Promise<boolean> {
    try {
      await this.getObject(container.name, objectName, options);
      return true;
    } catch (error) {
      if (error instanceof ObjectDoesNotExistError) return false;
      throw error;
    }
  }

  /**
   * Saves the object to a file. The destination is only written once all bytes arrived, so a
   * failed download leaves an existing file untouched. Resolves true, as in Libcloud.
   * @throws ObjectDoesNotExistError, DestinationExistsError, ObjectHashMismatchError
   */
  async downloadObject(
    obj: StorageObject,
    destinationPath: string,
    options: DownloadOptions = {},
  ): Promise<boolean> {
    const stream = await this.downloadObjectAsStream(obj, options);
    await this.save(stream, destinationPath, obj.size, options, "downloadObject", obj);
    return true;
  }

  /**
   * The object's bytes as a stream with back-pressure. Destroying it releases the connection.
   * @throws ObjectDoesNotExistError, ObjectHashMismatchError (from the stream, at its end)
   */
  async downloadObjectAsStream(obj: StorageObject, options: StreamOptions = {}): Promise<Readable> {
    const verify = (options.verifyHash ?? this.verifyDownloads) && obj.hashAlgorithm === "md5";
    return this.openRead("downloadObjectAsStream", obj, undefined, options, verify);
  }

  /** Saves bytes [start, end) of the object to a file. @throws InvalidRangeError */
  async downloadObjectRange(
    obj: StorageObject,
    destinationPath: string,
    start: number,
    end?: number,
    options: DownloadOptions = {},
  ): Promise<boolean> {
    const stream = await this.downloadObjectRangeAsStream(obj, start, end, options);
    const range = resolveRange(start, end, obj.size);
    await this.save(
      stream,
      destinationPath,
      range.end - range.start,
      options,
      "downloadObjectRange",
      obj,
    );
    return true;
  }

  /**
   * Bytes [start, end) as a stream: start inclusive, end exclusive, end omitted means to the
   * end, an end past the object is clamped.
   * @throws InvalidArgumentError (end before start), InvalidRangeError (start past the end)
   */
  async downloadObjectRangeAsStream(
    obj: StorageObject,
    start: number,
    end?: number,
    options: StreamOptions = {},
  ): Promise<Readable> {
    const range = resolveRange(start, end, obj.size, this.context("downloadObjectRange", obj));
    return this.openRead("downloadObjectRangeAsStream", obj, range, options, false);
  }

  // ---------------------------------------------------------------- writing

  /**
   * Uploads a file. Content type defaults to the one of the object name's extension.
   * @throws ContainerDoesNotExistError, InvalidObjectNameError, ObjectHashMismatchError
   */
  async uploadObject(
    filePath: string,
    container: Container,
    objectName: string,
    options: UploadOptions = {},
  ): Promise<StorageObject> {
    this.checkUpload(objectName, options);
    const size = await fileSize(filePath);
    return this.uploadObjectViaStream(createReadStream(filePath), container, objectName, {
      size,
      ...options,
    });
  }

  /**
   * Uploads from a Node stream, a web stream, an async iterable of bytes, a Buffer or a
   * string. A failed upload leaves no partial object; an object it replaces stays intact.
   * @throws UploadSourceError (the source failed), PreconditionFailedError, ObjectHashMismatchError
   */
  async uploadObjectViaStream(
    source: UploadSource,
    container: Container,
    objectName: string,
    options: UploadOptions = {},
  ): Promise<StorageObject> {
    this.checkUpload(objectName, options);
    const call = this.begin("uploadObject", { container: container.name, objectName }, options);
    const size = options.size ?? knownLength(source);
    // The MD5 is computed only for verifyHash: drivers report the provider's own hash.
    const body = meter(toReadable(source), size, options.onProgress, options.verifyHash ?? false);

    const request: UploadRequest = {
      ...this.uploadFields(objectName, options.extra, options.headers),
      container,
      objectName,
      body: body.stream,
      size,
      ifNoneMatch: options.ifNoneMatch,
      ifMatch: options.ifMatch,
      verifyHash: options.verifyHash ?? false,
      signal: call.signal,
    };

    const obj = await this.sendUpload(request, body, call);
    if (options.verifyHash) await this.checkUploadHash(obj, body.hasher.digest(), call.signal);
    return obj;
  }

  /** Deletes the object. Deleting an object that is already gone succeeds. */
  async deleteObject(obj: ObjectRef, options: CallOptions = {}): Promise<void> {
    this.assertObjectName(obj.name);
    return this.idempotent("deleteObject", this.context("deleteObject", obj), options, (signal) =>
      this.doDeleteObject(obj.container, obj.name, signal),
    );
  }

  /**
   * Deletes every object under `directory/` (so `reports/2024` spares `reports/2024-old/`
   * and the object named `reports/2024` itself). An empty directory means the whole
   * container and needs `{ wholeContainer: true }`. Resolves the number deleted.
   */
  async deleteDirectory(
    container: Container,
    directory: string,
    options: DeleteDirectoryOptions = {},
  ): Promise<number> {
    const prefix = directory === "" && options.wholeContainer ? "" : directoryPrefix(directory);
    if (prefix !== "") this.assertObjectName(prefix.slice(0, -1));
    let deleted = 0;

    for (;;) {
      const batch = await this.firstNames(container, prefix, options);
      if (batch.length === 0) return deleted;

      await this.idempotent("deleteDirectory", { container: container.name }, options, (signal) =>
        this.doDeleteObjects(container, batch, signal),
      );
      deleted += batch.length;
    }
  }

  /**
   * Copies the object, server-side where the provider can. Copying an object onto itself
   * changes nothing.
   */
  async copyObject(
    obj: StorageObject,
    destination: Container,
    objectName: string,
    options: CopyOptions = {},
  ): Promise<StorageObject> {
    this.assertObjectName(obj.name);
    this.assertObjectName(objectName);
    if (isSameObject(obj, destination, objectName) && !options.extra) return obj;

    if (!this.capabilities.serverSideCopy || destination.driver !== this) {
      return this.copyThroughStream(obj, destination, objectName, options);
    }
    const context = { container: destination.name, objectName };
    try {
      return await this.once("copyObject", context, options, (signal) =>
        this.doCopyObject(obj, destination, objectName, options.extra, signal),
      );
    } catch (error) {
      throw this.missingSource(error, obj);
    }
  }

  /** Copies, then deletes the source. Moving an object onto itself changes nothing. */
  async moveObject(
    obj: StorageObject,
    destination: Container,
    objectName: string,
    options: CopyOptions = {},
  ): Promise<StorageObject> {
    const copy = await this.copyObject(obj, destination, objectName, options);
    if (!isSameObject(obj, destination, objectName)) await this.deleteObject(obj, options);
    return copy;
  }

  // ---------------------------------------------------------------- URLs

  /** The object's public URL. @throws NotSupportedError */
  async getObjectCdnUrl(obj: StorageObject): Promise<string> {
    this.require("cdnUrls", "CDN URLs");
    return this.once("getObjectCdnUrl", this.context("getObjectCdnUrl", obj), {}, () =>
      this.doGetObjectCdnUrl(obj),
    );
  }

  /** The container's public URL. @throws NotSupportedError */
  async getContainerCdnUrl(container: Container): Promise<string> {
    this.require("cdnUrls", "CDN URLs");
    return this.once("getContainerCdnUrl", { container: container.name }, {}, () =>
      this.doGetContainerCdnUrl(container),
    );
  }

  /** A URL anyone can GET the object with until it expires. @throws NotSupportedError */
  async getSignedUrl(obj: StorageObject, options: SignedUrlOptions = {}): Promise<string> {
    this.require("signedUrls", "Signed URLs");
    const expiresIn = checkExpiry(options.expiresIn);
    return this.once("getSignedUrl", this.context("getSignedUrl", obj), options, () =>
      this.doGetSignedUrl(obj, expiresIn),
    );
  }

  /** A URL a client can PUT one object's bytes to until it expires. @throws NotSupportedError */
  async getSignedUploadUrl(
    container: Container,
    objectName: string,
    options: SignedUploadUrlOptions = {},
  ): Promise<string> {
    this.require("signedUploadUrls", "Signed upload URLs");
    this.assertObjectName(objectName);
    const expiresIn = checkExpiry(options.expiresIn);
    const context = { container: container.name, objectName };

    return this.once("getSignedUploadUrl", context, options, () =>
      this.doGetSignedUploadUrl(container, objectName, expiresIn, options.contentType),
    );
  }

  // ---------------------------------------------------------------- names

  /**
   * Why this driver refuses an object name, or undefined when it accepts it: the portable
   * rule of every driver, then the provider's own (such as a length limit).
   */
  objectNameProblem(name: string): string | undefined {
    return objectNameProblem(name) ?? this.providerObjectNameProblem(name);
  }

  /** Why this driver refuses a container name, or undefined when it accepts it. */
  containerNameProblem(name: string): string | undefined {
    return containerNameProblem(name) ?? this.providerContainerNameProblem(name);
  }

  /** The provider's own object-name rule, on top of the portable one. */
  protected providerObjectNameProblem(_name: string): string | undefined {
    return undefined;
  }

  /** The provider's own container-name rule, on top of the portable one. */
  protected providerContainerNameProblem(_name: string): string | undefined {
    return undefined;
  }

  /** @throws InvalidObjectNameError */
  protected assertObjectName(name: string): void {
    const problem = this.objectNameProblem(name);
    if (problem) throw new InvalidObjectNameError(String(name), problem, { driver: this.name });
  }

  /** @throws InvalidContainerNameError */
  protected assertContainerName(name: string): void {
    const problem = this.containerNameProblem(name);
    if (problem) throw new InvalidContainerNameError(String(name), problem, { driver: this.name });
  }

  // ---------------------------------------------------------------- provider primitives

  protected abstract doIterateContainers(signal?: AbortSignal): AsyncIterable<Container>;
  protected abstract doGetContainer(name: string, signal?: AbortSignal): Promise<Container>;
  protected abstract doCreateContainer(name: string, signal?: AbortSignal): Promise<Container>;
  protected abstract doDeleteContainer(container: Container, signal?: AbortSignal): Promise<void>;

  /** Yields in name order; with a delimiter, merges StoragePrefix entries into that order. */
  protected abstract doIterateObjects(
    container: Container,
    query: IterateOptions & { prefix: string },
  ): AsyncIterable<StorageObject | StoragePrefix>;

  protected abstract doGetObject(
    container: Container,
    objectName: string,
    signal?: AbortSignal,
  ): Promise<StorageObject>;

  /** Stores the body; must leave no partial object behind when the body or the request fails. */
  protected abstract doUpload(request: UploadRequest): Promise<StorageObject>;

  /** Opens the bytes of the object (or of a non-empty range of it). */
  protected abstract doOpenRead(request: ReadRequest): Promise<Readable>;

  /** Deletes one object; succeeds when it is already gone. */
  protected abstract doDeleteObject(
    container: Container,
    objectName: string,
    signal?: AbortSignal,
  ): Promise<void>;

  /** Maps a provider failure onto the core's error kinds; the one mapper of each provider. */
  protected abstract mapError(error: unknown, context: ErrorContext): StorageError;

  /** Deletes several objects. Override where the provider has a batch call. */
  protected async doDeleteObjects(
    container: Container,
    names: string[],
    signal?: AbortSignal,
  ): Promise<void> {
    await forEachLimited(names, 8, (name) => this.doDeleteObject(container, name, signal));
  }

  protected doCopyObject(
    _obj: StorageObject,
    _destination: Container,
    _objectName: string,
    _extra: UploadExtra | undefined,
    _signal?: AbortSignal,
  ): Promise<StorageObject> {
    throw new NotSupportedError("Server-side copy", { driver: this.name });
  }

  protected doGetObjectCdnUrl(_obj: StorageObject): Promise<string> {
    throw new NotSupportedError("CDN URLs", { driver: this.name });
  }

  protected doGetContainerCdnUrl(_container: Container): Promise<string> {
    throw new NotSupportedError("CDN URLs", { driver: this.name });
  }

  protected doGetSignedUrl(_obj: StorageObject, _expiresIn: number): Promise<string> {
    throw new NotSupportedError("Signed URLs", { driver: this.name });
  }

  protected doGetSignedUploadUrl(
    _container: Container,
    _objectName: string,
    _expiresIn: number,
    _contentType?: string,
  ): Promise<string> {
    throw new NotSupportedError("Signed upload URLs", { driver: this.name });
  }

  // ---------------------------------------------------------------- helpers for drivers

  /** Builds a StorageObject of this driver. */
  protected makeObject(container: Container, init: StorageObjectInit): StorageObject {
    return new StorageObject(init, container);
  }

  /** Builds a Container of this driver. */
  protected makeContainer(name: string, extra: ContainerExtra = {}): Container {
    return new Container(name, extra, this);
  }

  /** Builds a StoragePrefix for delimiter listings. */
  protected makePrefix(container: Container, name: string): StoragePrefix {
    return new StoragePrefix(name, container);
  }

  /** Repeats an idempotent provider call (one page of a listing, say) after transient faults. */
  protected withRetries<T>(
    operation: string,
    context: ErrorContext,
    signal: AbortSignal | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    const attempt = () =>
      fn().catch((error) =>
        Promise.reject(this.toStorageError(error, { ...context, operation }, signal)),
      );
    return withRetry(this.retry, attempt, { signal, logger: this.logger, operation });
  }

  /** Turns any failure into a StorageError with this driver's context. */
  protected toStorageError(
    error: unknown,
    context: ErrorContext,
    signal?: AbortSignal,
  ): StorageError {
    const full = { driver: this.name, ...context };
    if (error instanceof StorageError) return error.withContext(full);
    if (signal?.aborted || isAbortError(error))
      return new OperationAbortedError({ ...full, cause: error });
    return this.mapError(error, { ...full, cause: error }).withContext(full);
  }

  // ---------------------------------------------------------------- internals

  private begin(operation: string, context: ErrorContext, options: CallOptions) {
    const signal = combineSignals(options);
    const full = { ...context, operation };
    if (signal?.aborted)
      throw new OperationAbortedError({ driver: this.name, ...full, cause: signal.reason });
    const fail = (error: unknown) => this.toStorageError(error, full, signal);
    return { signal, fail, context: full };
  }

  private async idempotent<T>(
    operation: string,
    context: ErrorContext,
    options: CallOptions,
    fn: (signal?: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const call = this.begin(operation, context, options);
    return this.withRetries(operation, call.context, call.signal, () => fn(call.signal));
  }

  private async once<T>(
    operation: string,
    context: ErrorContext,
    options: CallOptions,
    fn: (signal?: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const call = this.begin(operation, context, options);
    try {
      return await fn(call.signal);
    } catch (error) {
      throw call.fail(error);
    }
  }

  /**
   * Opens a read and guards it: mapped errors, the MD5 check, cancellation, and resumption
   * after a cut from the byte reached, pinned to the object's version so the bytes never mix
   * two versions. Without a known version a cut is final (a TransientError).
   */
  private async openRead(
    operation: string,
    obj: StorageObject,
    range: ByteRange | undefined,
    options: StreamOptions,
    verify: boolean,
  ): Promise<Readable> {
    this.assertObjectName(obj.name);
    const context = this.context(operation, obj);
    if (range && range.start === range.end) return emptyStream();

    const call = this.begin(operation, context, options);
    const whole = range ?? { start: 0, end: obj.size };
    const open = (from: number, ifMatch?: string) => {
      const part = from === 0 ? range : { start: whole.start + from, end: whole.end };
      const request = { object: obj, range: part, chunkSize: options.chunkSize, ifMatch };
      return this.withRetries(operation, context, call.signal, () =>
        this.doOpenRead({ ...request, signal: call.signal }),
      );
    };

    const source = await open(0);
    const version = obj.extra.version;
    const resume = {
      length: whole.end - whole.start,
      reopen: version === undefined ? undefined : (from: number) => open(from, version),
      policy: this.retry,
      signal: call.signal,
    };
    const check = verify ? { objectName: obj.name, md5: obj.hash } : undefined;
    return guardStream(source, (error) => this.readFailure(error, call), check, resume);
  }

  /**
   * Maps a failure of a download's stream. Some SDKs end a body stream whose connection
   * dropped with an AbortError; without an aborted signal that is a cut connection (which
   * the download resumes from), not the caller cancelling.
   */
  private readFailure(error: unknown, call: ReturnType<StorageDriver["begin"]>): StorageError {
    const ordinary = call.signal?.aborted || !isAbortError(error) || error instanceof StorageError;
    if (ordinary) return call.fail(error);

    const context = { ...call.context, driver: this.name, cause: error };
    return new TransientError("The download's connection was cut", context);
  }

  private async save(
    stream: Readable,
    destination: string,
    total: number,
    options: DownloadOptions,
    operation: string,
    obj: StorageObject,
  ): Promise<void> {
    const saveOptions = {
      overwriteExisting: options.overwriteExisting ?? false,
      deleteOnFailure: options.deleteOnFailure ?? true,
      onProgress: options.onProgress,
      total,
    };
    try {
      await saveStreamToFile(stream, destination, saveOptions);
    } catch (error) {
      throw this.toStorageError(error, this.context(operation, obj), options.signal);
    }
  }

  private checkUpload(objectName: string, options: UploadOptions): void {
    this.assertObjectName(objectName);
    for (const [capability, feature] of requiredCapabilities(options))
      this.require(capability, feature);
    checkUploadArguments(objectName, options);
  }

  private uploadFields(objectName: string, extra: UploadExtra = {}, headers: ObjectHeaders = {}) {
    const unsupported = Object.keys(headers).find((header) => !PORTABLE_HEADERS.has(header));
    if (unsupported)
      throw new NotSupportedError(`The header "${unsupported}"`, { driver: this.name });
    return {
      contentType: extra.contentType ?? contentTypeFor(objectName),
      metaData: { ...extra.metaData },
      acl: extra.acl,
      headers: { ...headers },
    };
  }

  private async sendUpload(
    request: UploadRequest,
    body: Metered,
    call: { fail: (error: unknown) => StorageError; context: ErrorContext; signal?: AbortSignal },
  ): Promise<StorageObject> {
    try {
      const obj = await this.doUpload(request);
      if (body.sourceError.value) throw body.sourceError.value;
      return obj;
    } catch (error) {
      // A driver that stops on abort by destroying the body makes the body fail too: the
      // abort is the cause then, not the caller's source.
      if (call.signal?.aborted) throw call.fail(call.signal.reason);
      const sourceError = body.sourceError.value;
      // The body's own checks (the declared size) fail with a StorageError of their own.
      if (sourceError instanceof StorageError) throw call.fail(sourceError);
      if (sourceError) {
        throw new UploadSourceError({ ...call.context, driver: this.name, cause: sourceError });
      }
      throw call.fail(error);
    }
  }

  private async checkUploadHash(
    obj: StorageObject,
    sent: string,
    signal?: AbortSignal,
  ): Promise<void> {
    if (obj.hashAlgorithm !== "md5" || obj.hash === sent) return;

    await this.doDeleteObject(obj.container, obj.name, signal).catch(() => undefined);
    throw new ObjectHashMismatchError(obj.name, sent, obj.hash, {
      driver: this.name,
      container: obj.container.name,
      operation: "uploadObject",
    });
  }

  private async copyThroughStream(
    obj: StorageObject,
    destination: Container,
    objectName: string,
    options: CopyOptions,
  ): Promise<StorageObject> {
    const stream = await this.downloadObjectAsStream(obj, options);
    const extra = options.extra ?? { contentType: obj.contentType, metaData: obj.metaData };
    return destination.driver.uploadObjectViaStream(stream, destination, objectName, {
      ...options,
      extra,
      size: obj.size,
    });
  }

  /**
   * A copy's request names its destination, but an object that does not exist can only be
   * its source: the error then names the source, so the caller knows which one is missing.
   */
  private missingSource(error: unknown, obj: StorageObject): unknown {
    if (!(error instanceof ObjectDoesNotExistError)) return error;
    return new ObjectDoesNotExistError(obj.name, {
      driver: this.name,
      operation: "copyObject",
      container: obj.container.name,
      cause: error.cause ?? error,
    });
  }

  private async firstNames(
    container: Container,
    prefix: string,
    options: CallOptions,
  ): Promise<string[]> {
    const names: string[] = [];
    for await (const obj of this.iterateContainerObjects(container, {
      prefix,
      signal: options.signal,
    })) {
      names.push(obj.name);
      if (names.length >= DELETE_BATCH) break;
    }
    return names;
  }

  private require(capability: keyof Capabilities, feature: string): void {
    if (!this.capabilities[capability]) throw new NotSupportedError(feature, { driver: this.name });
  }

  private context(operation: string, obj: ObjectRef): ErrorContext {
    return { driver: this.name, operation, container: obj.container.name, objectName: obj.name };
  }
}
