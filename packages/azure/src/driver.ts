import type { Readable } from "node:stream";

import {
  BlobServiceClient,
  type BlobGetPropertiesResponse,
  type BlobItem,
  type ContainerClient,
} from "@azure/storage-blob";
import {
  Container,
  ContainerIsNotEmptyError,
  Provider,
  StorageDriver,
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

import { parseConnectionString } from "./connection-string.js";
import { copyBlob } from "./copy.js";
import { deleteBatch } from "./batch.js";
import { listPage } from "./listing.js";
import { downloadStream } from "./read-stream.js";
import { mapAzureError } from "./map-error.js";
import { azureBlobNameProblem, azureContainerNameProblem } from "./names.js";
import { objectInit } from "./object-info.js";
import { resolveOptions, type AuthMode, type AzureBlobsStorageDriverOptions } from "./options.js";
import { uploadBlockBlob, type UploadSettings } from "./upload.js";
import { publicBlobUrl, publicContainerUrl, signedBlobUrl, type Signer } from "./urls.js";

/** Containers fetched per request when listing containers. */
const CONTAINER_PAGE = 1_000;

/**
 * Azure Blob Storage (Libcloud's AzureBlobsStorageDriver) through @azure/storage-blob.
 *
 * ```ts
 * new AzureBlobsStorageDriver("account", "base64 key");
 * new AzureBlobsStorageDriver("account", undefined, { sasToken: "sv=...&sig=..." });
 * const credential = new ManagedIdentityCredential();
 * new AzureBlobsStorageDriver("account", undefined, { credential });
 * AzureBlobsStorageDriver.fromConnectionString(process.env.AZURE_STORAGE_CONNECTION_STRING!);
 * // Azurite:
 * new AzureBlobsStorageDriver("devstoreaccount1", key, {
 *   endpoint: "http://127.0.0.1:10000/devstoreaccount1",
 * });
 * ```
 *
 * Objects are block blobs; `extra.version` is the ETag, which `ifMatch` takes. Signed URLs
 * are service SAS URLs, signed with the account key or, for an Azure AD credential, with a
 * user delegation key; a driver that holds only a SAS token cannot sign (its capabilities
 * say so). Azure deletes a container with everything in it, so deleteContainer first checks
 * that the container is empty; a blob written between that check and the delete is deleted
 * with the container.
 * @throws InvalidArgumentError (no or several credentials, a bad endpoint, block size or
 * concurrency)
 */
export class AzureBlobsStorageDriver extends StorageDriver {
  readonly name = "Azure Blob Storage";
  readonly provider = Provider.AZURE_BLOBS;
  readonly capabilities: Capabilities;

  /** The Azure client, for what Stowage does not cover. */
  readonly service: BlobServiceClient;

  private readonly signer: Signer;
  private readonly upload: UploadSettings;
  private readonly cdnBaseUrl: string;
  private readonly auth: AuthMode;

  constructor(
    accountName: string,
    accountKey?: string,
    options: AzureBlobsStorageDriverOptions = {},
  ) {
    super(options, { verifyDownloads: true });
    const resolved = resolveOptions(accountName, accountKey, options);

    const { serviceUrl, credential, pipeline } = resolved;
    this.service = new BlobServiceClient(serviceUrl, credential, pipeline);
    this.signer = { service: this.service, accountName, sharedKey: resolved.sharedKey };
    this.auth = resolved.auth;
    this.cdnBaseUrl = resolved.cdnBaseUrl;
    this.upload = {
      blockSize: resolved.blockSize,
      concurrency: resolved.concurrency,
      logger: this.logger,
      retry: (fn) => fn(),
    };
    this.capabilities = capabilitiesOf(resolved.auth);
  }

  /**
   * A driver from an Azure Storage connection string (AccountName with AccountKey or
   * SharedAccessSignature, BlobEndpoint or EndpointSuffix; `UseDevelopmentStorage=true` for
   * Azurite on its default port). `options.endpoint` overrides the string's endpoint.
   * @throws InvalidArgumentError
   */
  static fromConnectionString(
    connectionString: string,
    options: AzureBlobsStorageDriverOptions = {},
  ): AzureBlobsStorageDriver {
    const settings = parseConnectionString(connectionString);
    return new AzureBlobsStorageDriver(settings.accountName, settings.accountKey, {
      endpoint: settings.endpoint,
      ...(settings.accountKey === undefined ? { sasToken: settings.sasToken } : {}),
      ...options,
    });
  }

  // ---------------------------------------------------------------- names

  protected override providerObjectNameProblem(name: string): string | undefined {
    return azureBlobNameProblem(name);
  }

  protected override providerContainerNameProblem(name: string): string | undefined {
    return azureContainerNameProblem(name);
  }

  // ---------------------------------------------------------------- containers

  protected async *doIterateContainers(signal?: AbortSignal): AsyncIterable<Container> {
    let token: string | undefined;
    do {
      const page = await this.withRetries("iterateContainers", {}, signal, async () => {
        const pages = this.service.listContainers({ abortSignal: signal }).byPage({
          continuationToken: token,
          maxPageSize: CONTAINER_PAGE,
        });
        return (await pages.next()).value;
      });
      for (const item of page?.containerItems ?? []) {
        yield this.makeContainer(item.name, { creationDate: item.properties.lastModified });
      }
      token = page?.continuationToken || undefined;
    } while (token);
  }

  protected async doGetContainer(name: string, signal?: AbortSignal): Promise<Container> {
    const client = this.containerClient(name);
    if (this.auth === "sas") {
      // A container's SAS may list it but not read its properties; a listing of one blob
      // proves that it exists (or fails with ContainerNotFound).
      await client.listBlobsFlat({ abortSignal: signal }).byPage({ maxPageSize: 1 }).next();
      return this.makeContainer(name);
    }
    const props = await client.getProperties({ abortSignal: signal });
    return this.makeContainer(name, { creationDate: props.lastModified });
  }

  protected async doCreateContainer(name: string, signal?: AbortSignal): Promise<Container> {
    const response = await this.containerClient(name).create({ abortSignal: signal });
    return this.makeContainer(name, { creationDate: response.lastModified });
  }

  protected async doDeleteContainer(container: Container, signal?: AbortSignal): Promise<void> {
    const client = this.containerClient(container.name);
    const pages = client.listBlobsFlat({ abortSignal: signal }).byPage({ maxPageSize: 1 });
    const first = await pages.next();
    if ((first.value?.segment.blobItems.length ?? 0) > 0) {
      throw new ContainerIsNotEmptyError(container.name);
    }
    await client.delete({ abortSignal: signal });
  }

  // ---------------------------------------------------------------- listing

  protected async *doIterateObjects(
    container: Container,
    query: IterateOptions & { prefix: string },
  ): AsyncIterable<StorageObject | StoragePrefix> {
    const client = this.containerClient(container.name);
    const context = { container: container.name };
    let token: string | undefined;

    do {
      const page = await this.withRetries("iterateContainerObjects", context, query.signal, () =>
        listPage(client, query, token, query.signal),
      );
      for (const entry of page.entries) {
        if ("prefix" in entry) yield this.makePrefix(container, entry.prefix);
        else yield this.listedObject(container, entry.blob);
      }
      token = page.continuationToken;
    } while (token);
  }

  // ---------------------------------------------------------------- objects

  protected async doGetObject(
    container: Container,
    objectName: string,
    signal?: AbortSignal,
  ): Promise<StorageObject> {
    const blob = this.containerClient(container.name).getBlobClient(objectName);
    const props = await blob.getProperties({ abortSignal: signal });
    return this.toObject(container, objectName, props);
  }

  protected async doUpload(request: UploadRequest): Promise<StorageObject> {
    const container = this.containerClient(request.container.name);
    const client = container.getBlockBlobClient(request.objectName);
    const context = { container: request.container.name, objectName: request.objectName };
    const settings: UploadSettings = {
      ...this.upload,
      retry: (fn) => this.withRetries("uploadObject", context, request.signal, fn),
    };

    const outcome = await uploadBlockBlob(client, request, settings);
    return this.makeObject(request.container, {
      name: request.objectName,
      size: outcome.size,
      hash: outcome.md5.toString("hex"),
      hashAlgorithm: "md5",
      contentType: request.contentType,
      metaData: { ...request.metaData },
      extra: {
        etag: outcome.etag,
        version: outcome.etag,
        lastModified: outcome.lastModified,
        cacheControl: request.headers["Cache-Control"],
        contentDisposition: request.headers["Content-Disposition"],
        contentEncoding: request.headers["Content-Encoding"],
        contentLanguage: request.headers["Content-Language"],
      },
    });
  }

  protected async doOpenRead(request: ReadRequest): Promise<Readable> {
    const { object, range } = request;
    const blob = this.containerClient(object.container.name).getBlobClient(object.name);
    const offset = range?.start ?? 0;
    const count = range ? range.end - range.start : undefined;

    // The core resumes cut reads itself, pinned to the version, so the SDK's own resumption
    // is off; `ifMatch` is that pin.
    const response = await blob.download(offset, count, {
      abortSignal: request.signal,
      maxRetryRequests: 0,
      conditions: request.ifMatch ? { ifMatch: request.ifMatch } : undefined,
    });
    return downloadStream(response.readableStreamBody as Readable, request.signal);
  }

  protected async doDeleteObject(
    container: Container,
    objectName: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const blob = this.containerClient(container.name).getBlobClient(objectName);
    // A missing blob is already deleted; a missing container still fails (ContainerNotFound).
    await blob.deleteIfExists({ abortSignal: signal, deleteSnapshots: "include" });
  }

  protected override async doDeleteObjects(
    container: Container,
    names: string[],
    signal?: AbortSignal,
  ): Promise<void> {
    if (this.auth === "sas") return super.doDeleteObjects(container, names, signal);
    await deleteBatch(this.containerClient(container.name), names, signal);
  }

  protected override async doCopyObject(
    obj: StorageObject,
    destination: Container,
    objectName: string,
    extra: UploadExtra | undefined,
    signal?: AbortSignal,
  ): Promise<StorageObject> {
    const source = this.containerClient(obj.container.name).getBlobClient(obj.name);
    const target = this.containerClient(destination.name).getBlobClient(objectName);
    const props = await copyBlob(source, target, extra, signal);
    return this.toObject(destination, objectName, props);
  }

  // ---------------------------------------------------------------- URLs

  protected override async doGetObjectCdnUrl(obj: StorageObject): Promise<string> {
    return publicBlobUrl(this.cdnBaseUrl, obj.container.name, obj.name);
  }

  protected override async doGetContainerCdnUrl(container: Container): Promise<string> {
    return publicContainerUrl(this.cdnBaseUrl, container.name);
  }

  protected override doGetSignedUrl(obj: StorageObject, expiresIn: number): Promise<string> {
    return signedBlobUrl(this.signer, obj.container.name, obj.name, "read", expiresIn);
  }

  /**
   * The client PUTs the bytes with the header `x-ms-blob-type: BlockBlob`. Azure cannot bind
   * a content type to the URL: the client sets it with its Content-Type header.
   */
  protected override doGetSignedUploadUrl(
    container: Container,
    objectName: string,
    expiresIn: number,
  ): Promise<string> {
    return signedBlobUrl(this.signer, container.name, objectName, "write", expiresIn);
  }

  // ---------------------------------------------------------------- errors

  protected mapError(error: unknown, context: ErrorContext): StorageError {
    return mapAzureError(error, context);
  }

  // ---------------------------------------------------------------- helpers

  private containerClient(name: string): ContainerClient {
    return this.service.getContainerClient(name);
  }

  private toObject(
    container: Container,
    name: string,
    props: BlobGetPropertiesResponse,
  ): StorageObject {
    return this.makeObject(container, objectInit(name, props, props.metadata));
  }

  private listedObject(container: Container, item: BlobItem): StorageObject {
    return this.makeObject(container, objectInit(item.name, item.properties, item.metadata));
  }
}

/** What the driver can do; signing needs the account key or an Azure AD credential. */
function capabilitiesOf(auth: AuthMode): Capabilities {
  const canSign = auth !== "sas";
  return {
    signedUrls: canSign,
    signedUploadUrls: canSign,
    cdnUrls: true,
    serverSideCopy: true,
    conditionalWrites: true,
    metadata: true,
    multipartUpload: true,
    acl: false,
    batchDelete: auth !== "sas",
  };
}
