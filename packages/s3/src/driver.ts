import type { Readable } from "node:stream";

import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  type BucketLocationConstraint,
  type S3Client,
} from "@aws-sdk/client-s3";
import {
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  ObjectDoesNotExistError,
  ProviderError,
  Provider,
  StorageDriver,
  type Capabilities,
  type Container,
  type ErrorContext,
  type IterateOptions,
  type ReadRequest,
  type StorageError,
  type StorageObject,
  type StoragePrefix,
  type UploadExtra,
  type UploadRequest,
} from "@stowage/core";

import { copyObject } from "./copy.js";
import type { CopyLimits } from "./copy-parts.js";
import { MAX_SINGLE_PUT } from "./limits.js";
import { fetchPage } from "./listing.js";
import { mapS3Error } from "./map-error.js";
import { bucketNameProblem, keyProblem } from "./names.js";
import { fromHead, fromListing, hashOf } from "./object-info.js";
import {
  createClient,
  regionOf,
  transferSettings,
  type S3DriverOptions,
  type TransferSettings,
} from "./options.js";
import { sendUpload } from "./upload.js";
import { quoteEtag, type UploadDeps } from "./upload-context.js";
import { cdnObjectUrl, signedGetUrl, signedPutUrl } from "./urls.js";

const MiB = 1024 * 1024;

/**
 * Amazon S3 and S3-compatible services (Libcloud's S3StorageDriver), over the AWS SDK v3.
 *
 * ```ts
 * const driver = new S3StorageDriver("AKIA...", "secret", { region: "eu-west-1" });
 * const r2 = new S3StorageDriver(key, secret, {
 *   region: "auto",
 *   endpoint: "https://<account>.r2.cloudflarestorage.com",
 * });
 * ```
 *
 * Without `key` the SDK's default credential chain is used. Uploads larger than
 * `multipartThreshold` (and streams of unknown length past it) go multipart; every failed
 * upload is aborted on the server.
 */
export class S3StorageDriver extends StorageDriver {
  readonly name: string = "Amazon S3";
  readonly provider: string = Provider.S3;
  readonly capabilities: Capabilities;

  /** The SDK client, for what Stowage does not cover. Its requests are not mapped or retried. */
  readonly client: S3Client;

  protected readonly region?: string;
  protected readonly transfer: TransferSettings;
  private readonly cdnBaseUrl?: S3DriverOptions["cdnBaseUrl"];

  /** @throws InvalidArgumentError for transfer options outside S3's limits */
  constructor(key?: string, secret?: string, options: S3DriverOptions = {}) {
    super(options, { verifyDownloads: true });
    this.client = createClient(key, secret, options);
    this.region = regionOf(options);
    this.transfer = transferSettings(options);
    this.cdnBaseUrl = options.cdnBaseUrl;
    this.capabilities = this.describeCapabilities();
  }

  /** What this driver can do; subclasses for other servers narrow it. */
  protected describeCapabilities(): Capabilities {
    return {
      signedUrls: true,
      signedUploadUrls: true,
      cdnUrls: this.cdnBaseUrl !== undefined,
      serverSideCopy: true,
      conditionalWrites: true,
      metadata: true,
      multipartUpload: true,
      acl: true,
      batchDelete: true,
    };
  }

  // ---------------------------------------------------------------- names

  protected override providerObjectNameProblem(name: string): string | undefined {
    return keyProblem(name);
  }

  protected override providerContainerNameProblem(name: string): string | undefined {
    return bucketNameProblem(name);
  }

  // ---------------------------------------------------------------- containers

  protected async *doIterateContainers(signal?: AbortSignal): AsyncIterable<Container> {
    let token: string | undefined;
    do {
      const command = new ListBucketsCommand({ ContinuationToken: token });
      const page = await this.withRetries("listBuckets", {}, signal, () =>
        this.client.send(command, { abortSignal: signal }),
      );
      for (const bucket of page.Buckets ?? []) {
        const extra = { creationDate: bucket.CreationDate, region: bucket.BucketRegion };
        yield this.makeContainer(bucket.Name!, extra);
      }
      token = nextToken(token, page.ContinuationToken);
    } while (token);
  }

  protected async doGetContainer(name: string, signal?: AbortSignal): Promise<Container> {
    const command = new HeadBucketCommand({ Bucket: name });
    const head = await this.client.send(command, { abortSignal: signal });
    return this.makeContainer(name, { region: head.BucketRegion ?? this.region });
  }

  /**
   * Creates the bucket. S3 in us-east-1 (and servers imitating it) answers 200 to the owner
   * re-creating an existing bucket, so the bucket is looked up first to report
   * ContainerAlreadyExistsError the same way everywhere; two callers racing to create the
   * same new bucket may both succeed there.
   */
  protected async doCreateContainer(name: string, signal?: AbortSignal): Promise<Container> {
    if (await this.bucketExists(name, signal)) throw new ContainerAlreadyExistsError(name);

    const command = new CreateBucketCommand({
      Bucket: name,
      CreateBucketConfiguration: this.locationConstraint(),
    });
    await this.client.send(command, { abortSignal: signal });
    return this.makeContainer(name, { region: this.region });
  }

  protected async doDeleteContainer(container: Container, signal?: AbortSignal): Promise<void> {
    const command = new DeleteBucketCommand({ Bucket: container.name });
    await this.client.send(command, { abortSignal: signal });
  }

  // ---------------------------------------------------------------- listing

  protected async *doIterateObjects(
    container: Container,
    query: IterateOptions & { prefix: string },
  ): AsyncIterable<StorageObject | StoragePrefix> {
    let token: string | undefined;
    do {
      const request = { ...query, bucket: container.name, token };
      const context = { container: container.name };
      const page = await this.withRetries("listObjects", context, query.signal, () =>
        fetchPage(this.client, request),
      );
      for (const entry of page.entries) {
        if (entry.kind === "prefix") yield this.makePrefix(container, entry.name);
        else yield this.makeObject(container, fromListing(entry.name, entry.object));
      }
      token = nextToken(token, page.nextToken);
    } while (token);
  }

  // ---------------------------------------------------------------- objects

  /**
   * HeadObject. A HEAD answer has no body, so a 404 cannot say whether the key or the bucket
   * is missing; the bucket is then looked up to raise the right error.
   */
  protected async doGetObject(
    container: Container,
    objectName: string,
    signal?: AbortSignal,
  ): Promise<StorageObject> {
    const command = new HeadObjectCommand({ Bucket: container.name, Key: objectName });
    try {
      const head = await this.client.send(command, { abortSignal: signal });
      return this.makeObject(container, fromHead(objectName, head));
    } catch (error) {
      const mapped = mapS3Error(error, { container: container.name, objectName });
      if (!(mapped instanceof ObjectDoesNotExistError)) throw error;

      const bucketExists = await this.bucketExists(container.name, signal);
      if (!bucketExists) throw new ContainerDoesNotExistError(container.name);
      throw error;
    }
  }

  protected async doUpload(request: UploadRequest): Promise<StorageObject> {
    const outcome = await sendUpload(this.uploadDeps(request), request);

    return this.makeObject(request.container, {
      name: request.objectName,
      size: outcome.size,
      ...hashOf(outcome.etag, outcome.encrypted),
      contentType: request.contentType,
      metaData: request.metaData,
      extra: {
        etag: outcome.etag,
        version: outcome.etag,
        cacheControl: request.headers["Cache-Control"],
        contentDisposition: request.headers["Content-Disposition"],
        contentEncoding: request.headers["Content-Encoding"],
        contentLanguage: request.headers["Content-Language"],
      },
    });
  }

  protected async doOpenRead(request: ReadRequest): Promise<Readable> {
    const { object, range } = request;
    const command = new GetObjectCommand({
      Bucket: object.container.name,
      Key: object.name,
      Range: range ? `bytes=${range.start}-${range.end - 1}` : undefined,
      // Set when the core resumes a cut download: only bytes of the version already read.
      IfMatch: quoteEtag(request.ifMatch),
    });
    const answer = await this.client.send(command, { abortSignal: request.signal });
    return answer.Body as Readable;
  }

  /** DeleteObject; S3 answers 204 for a key that is already gone. */
  protected async doDeleteObject(
    container: Container,
    objectName: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const command = new DeleteObjectCommand({ Bucket: container.name, Key: objectName });
    await this.client.send(command, { abortSignal: signal });
  }

  /** One DeleteObjects request (the core hands at most 1,000 names, S3's limit). */
  protected override async doDeleteObjects(
    container: Container,
    names: string[],
    signal?: AbortSignal,
  ): Promise<void> {
    const command = new DeleteObjectsCommand({
      Bucket: container.name,
      Delete: { Objects: names.map((Key) => ({ Key })), Quiet: true },
    });
    const answer = await this.client.send(command, { abortSignal: signal });

    const failed = answer.Errors?.[0];
    if (failed) {
      const context = { container: container.name, objectName: failed.Key };
      throw mapS3Error({ Code: failed.Code, name: failed.Code, message: failed.Message }, context);
    }
  }

  protected override async doCopyObject(
    obj: StorageObject,
    destination: Container,
    objectName: string,
    extra: UploadExtra | undefined,
    signal?: AbortSignal,
  ): Promise<StorageObject> {
    const job = { source: obj, bucket: destination.name, key: objectName, extra, signal };
    await copyObject(this.client, job, this.copyLimits());
    return this.doGetObject(destination, objectName, signal);
  }

  /**
   * Sources up to 5 GiB are copied by one CopyObject; larger ones in 256 MiB ranges (grown
   * to fit 10,000 parts), `queueSize` at a time.
   */
  protected copyLimits(): CopyLimits {
    const { queueSize } = this.transfer;
    return { singleCopyMax: MAX_SINGLE_PUT, partSize: 256 * MiB, queueSize };
  }

  // ---------------------------------------------------------------- URLs

  protected override async doGetObjectCdnUrl(obj: StorageObject): Promise<string> {
    return cdnObjectUrl(this.cdnBase(obj.container.name), obj.name);
  }

  protected override async doGetContainerCdnUrl(container: Container): Promise<string> {
    return this.cdnBase(container.name);
  }

  protected override doGetSignedUrl(obj: StorageObject, expiresIn: number): Promise<string> {
    return signedGetUrl(this.client, { bucket: obj.container.name, key: obj.name }, expiresIn);
  }

  protected override doGetSignedUploadUrl(
    container: Container,
    objectName: string,
    expiresIn: number,
    contentType?: string,
  ): Promise<string> {
    const target = { bucket: container.name, key: objectName };
    return signedPutUrl(this.client, target, expiresIn, contentType);
  }

  // ---------------------------------------------------------------- errors

  protected mapError(error: unknown, context: ErrorContext): StorageError {
    return mapS3Error(error, context);
  }

  // ---------------------------------------------------------------- helpers

  private uploadDeps(request: UploadRequest): UploadDeps {
    const context = { container: request.container.name, objectName: request.objectName };
    return {
      client: this.client,
      settings: this.transfer,
      logger: this.logger,
      retrying: (operation, signal, fn) => this.withRetries(operation, context, signal, fn),
    };
  }

  /** Whether the bucket exists; false only on a 404, any other failure is thrown. */
  private async bucketExists(name: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: name }), { abortSignal: signal });
      return true;
    } catch (error) {
      const mapped = mapS3Error(error, { container: name });
      if (mapped instanceof ContainerDoesNotExistError) return false;
      throw error;
    }
  }

  /** us-east-1 is S3's default location and must not be named in CreateBucket. */
  private locationConstraint() {
    if (!this.region || this.region === "us-east-1") return undefined;
    return { LocationConstraint: this.region as BucketLocationConstraint };
  }

  private cdnBase(containerName: string): string {
    const base = this.cdnBaseUrl;
    return typeof base === "function" ? base(containerName) : base!;
  }
}

/**
 * The token of the next page, or undefined at the end. A server that hands back the token
 * it was given would otherwise make the listing loop forever.
 */
function nextToken(previous: string | undefined, next: string | undefined): string | undefined {
  if (next !== undefined && next === previous) {
    throw new ProviderError("The server returned the same continuation token twice");
  }
  return next || undefined;
}
