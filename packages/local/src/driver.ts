import type { BigIntStats } from "node:fs";
import { mkdir, readdir, rmdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { pathToFileURL } from "node:url";

import {
  Container,
  ContainerAlreadyExistsError,
  ContainerIsNotEmptyError,
  InvalidArgumentError,
  InvalidObjectNameError,
  NotSupportedError,
  ObjectDoesNotExistError,
  ObjectNameConflictError,
  Provider,
  StorageDriver,
  StorageObject,
  StoragePrefix,
  contentTypeFor,
  type Capabilities,
  type CopyOptions,
  type ErrorContext,
  type IterateOptions,
  type ReadRequest,
  type StorageError,
  type UploadExtra,
  type UploadRequest,
} from "@stowage/core";
import fse from "fs-extra";

import {
  INSENSITIVE,
  SENSITIVE,
  foldedSpelling,
  probeFolding,
  type NameFolding,
} from "./folding.js";
import {
  LINK_REASON,
  fold,
  localContainerNameProblem,
  localObjectNameProblem,
  type ContainerPaths,
} from "./layout.js";
import { walkContainer, type ListedEntry } from "./listing.js";
import { KeyedLock } from "./lock.js";
import {
  ensureReserved,
  errnoOf,
  isMissing,
  locateContainer,
  locateObject,
  lstatOrUndefined,
  pruneParents,
  type ObjectLocation,
} from "./locate.js";
import { mapFsError } from "./map-error.js";
import { LOCAL_CAPABILITIES, type LocalStorageDriverOptions } from "./options.js";
import { describe, type ObjectRecord } from "./sidecar.js";
import { deleteBody, openBody, renameBody } from "./files.js";
import { commit, sweepAbandoned, writeTemp, type TempFile } from "./writer.js";

/** Objects whose files are looked at together while a listing runs ahead of its reader. */
const LIST_BATCH = 32;

/** Temporary files untouched this long belong to a writer that was killed. */
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

/** An object found on disk: where it is and its lstat. */
interface Found {
  location: ObjectLocation;
  stats: BigIntStats;
}

/**
 * Stores containers as directories under a root directory and objects as files in them
 * (Libcloud's LocalStorageDriver). Object names with `/` become sub-directories, which a
 * delete removes again once empty.
 *
 * Content type, user metadata, headers and the MD5 of each object are kept beside it in
 * the container's reserved `.stowage` directory, which no object name can reach and
 * listings skip. Files placed in a container by hand are objects too: their MD5 is computed
 * and their content type guessed from the extension.
 *
 * Writes go to a temporary file in the reserved directory and are renamed into place, so
 * readers and listings see the previous version or the new one, never part of one, even
 * after a crash. `extra.version` (the token `ifMatch` takes) is the object's MD5, as an S3
 * ETag. Conditional writes are atomic among the writers of one process; `ifNoneMatch: "*"`
 * is also atomic across processes (it creates the file with a hard link, which fails if the
 * name exists), while `ifMatch` between processes is checked just before the rename.
 *
 * Names that would leave the container through a symbolic link, reach the reserved
 * directory or exceed the filesystem's 255 bytes per segment are refused with
 * InvalidObjectNameError. `a` and `a/b` cannot both exist (one would be a file and a
 * directory): the second raises ObjectNameConflictError. On a case- or
 * normalization-insensitive filesystem, names that would merge raise it too.
 *
 * The path checks run just before each operation: a directory that another process swaps
 * for a symbolic link in between is not caught, so give other users of the machine no write
 * access to the containers.
 */
export class LocalStorageDriver extends StorageDriver {
  readonly name = "Local";
  readonly provider = Provider.LOCAL;
  readonly capabilities: Capabilities = { ...LOCAL_CAPABILITIES };

  /** The absolute root directory; containers are its sub-directories. */
  readonly rootPath: string;

  private readonly baseUrl: string;
  private readonly durable: boolean;
  private readonly foldingMode: NonNullable<LocalStorageDriverOptions["nameFolding"]>;
  private readonly foldings = new Map<string, Promise<NameFolding>>();
  private readonly locks = new KeyedLock();
  private readonly swept = new Set<string>();

  /**
   * @param rootPath the directory that holds the containers; relative paths are taken from
   *   the current directory now. It need not exist until a container is created.
   * @throws InvalidArgumentError when `baseUrl` is not an absolute URL
   */
  constructor(rootPath: string, options: LocalStorageDriverOptions = {}) {
    super(options, { verifyDownloads: false });
    this.rootPath = resolve(rootPath);
    this.baseUrl = baseUrlOf(options.baseUrl) ?? `${pathToFileURL(this.rootPath).href}/`;
    this.durable = options.durable ?? true;
    this.foldingMode = options.nameFolding ?? "detect";
  }

  /**
   * How the container's filesystem compares names, probed on first use unless the
   * `nameFolding` option states it.
   * @throws ContainerDoesNotExistError
   */
  async nameFolding(container: Container): Promise<NameFolding> {
    try {
      return await this.foldingOf(await locateContainer(this.rootPath, container.name));
    } catch (error) {
      throw this.toStorageError(error, { operation: "nameFolding", container: container.name });
    }
  }

  // ---------------------------------------------------------------- containers

  protected async *doIterateContainers(signal?: AbortSignal): AsyncIterable<Container> {
    let entries;
    try {
      entries = await readdir(this.rootPath, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }

    const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    for (const name of names.sort()) {
      signal?.throwIfAborted();
      if (this.containerNameProblem(name) === undefined) yield await this.doGetContainer(name);
    }
  }

  protected async doGetContainer(name: string): Promise<Container> {
    const paths = await locateContainer(this.rootPath, name);
    const stats = await stat(paths.dir);
    return this.makeContainer(name, { path: paths.dir, creationDate: stats.birthtime });
  }

  protected async doCreateContainer(name: string): Promise<Container> {
    await mkdir(this.rootPath, { recursive: true });
    try {
      await mkdir(join(this.rootPath, name));
    } catch (error) {
      if (errnoOf(error) === "EEXIST") throw new ContainerAlreadyExistsError(name);
      throw error;
    }
    return this.doGetContainer(name);
  }

  protected async doDeleteContainer(container: Container): Promise<void> {
    const paths = await locateContainer(this.rootPath, container.name);
    const objects = walkContainer(paths.dir, { prefix: "", accepts: () => true });
    for await (const _ of objects) throw new ContainerIsNotEmptyError(container.name);

    await fse.remove(paths.reserved);
    try {
      await rmdir(join(this.rootPath, container.name));
    } catch (error) {
      // Empty directories or links left by hand: not objects, but not ours to delete either.
      if (errnoOf(error) === "ENOTEMPTY") throw new ContainerIsNotEmptyError(container.name);
      throw error;
    }
  }

  // ---------------------------------------------------------------- listing

  protected async *doIterateObjects(
    container: Container,
    query: IterateOptions & { prefix: string },
  ): AsyncIterable<StorageObject | StoragePrefix> {
    const paths = await locateContainer(this.rootPath, container.name);
    const accepts = (name: string) => this.objectNameProblem(name) === undefined;
    const entries = walkContainer(paths.dir, { ...query, accepts });

    let batch: ListedEntry[] = [];
    for await (const entry of entries) {
      batch.push(entry);
      if (batch.length < LIST_BATCH) continue;
      yield* await this.describeBatch(container, paths, batch);
      batch = [];
    }
    yield* await this.describeBatch(container, paths, batch);
  }

  private async describeBatch(
    container: Container,
    paths: ContainerPaths,
    batch: ListedEntry[],
  ): Promise<Array<StorageObject | StoragePrefix>> {
    const items = await Promise.all(
      batch.map((entry) =>
        entry.kind === "prefix"
          ? this.makePrefix(container, entry.name)
          : this.describeListed(container, paths, entry.name, entry.path),
      ),
    );
    return items.filter((item) => item !== undefined);
  }

  private async describeListed(
    container: Container,
    paths: ContainerPaths,
    name: string,
    path: string,
  ): Promise<StorageObject | undefined> {
    try {
      const stats = await lstatOrUndefined(path);
      if (!stats?.isFile()) return undefined;
      return this.toObject(container, await describe(paths, name, path, stats), stats);
    } catch (error) {
      // Deleted between the directory read and this look: it is simply not listed.
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  // ---------------------------------------------------------------- reading

  protected async doGetObject(container: Container, objectName: string): Promise<StorageObject> {
    const { location, stats } = await this.findObject(container.name, objectName);
    const record = await describe(location.container, objectName, location.path, stats);
    return this.toObject(container, record, stats);
  }

  protected async doOpenRead(request: ReadRequest): Promise<Readable> {
    const { object, range } = request;
    const found = await this.findObject(object.container.name, object.name);
    const end = range ? range.end - 1 : undefined;
    return openBody(found.location, { start: range?.start, end, highWaterMark: request.chunkSize });
  }

  /**
   * The object's file, after every check of its path.
   * @throws ObjectDoesNotExistError, InvalidObjectNameError (a symbolic link on the way)
   */
  private async findObject(containerName: string, objectName: string): Promise<Found> {
    const paths = await locateContainer(this.rootPath, containerName);
    const location = await locateObject(paths, objectName);
    if (await this.spelledOtherwise(location)) throw new ObjectDoesNotExistError(objectName);

    const stats = await lstatOrUndefined(location.path);
    if (stats?.isSymbolicLink()) {
      throw new InvalidObjectNameError(objectName, LINK_REASON);
    }
    if (!stats?.isFile()) throw new ObjectDoesNotExistError(objectName);
    return { location, stats };
  }

  // ---------------------------------------------------------------- writing

  protected async doUpload(request: UploadRequest): Promise<StorageObject> {
    let location: ObjectLocation;
    try {
      location = await this.prepareWrite(request.container.name, request.objectName);
    } catch (error) {
      // Release the source (an open file, a socket) once the core has seen this error.
      setImmediate(() => request.body.destroy());
      throw error;
    }

    const temp = await writeTemp(location.container, request.body, {
      signal: request.signal,
      durable: this.durable,
      verify: request.verifyHash,
      objectName: request.objectName,
    });
    const record = recordOf(request.objectName, temp, request);
    return this.commitTemp(request.container, location, temp, record, request);
  }

  private async commitTemp(
    container: Container,
    location: ObjectLocation,
    temp: TempFile,
    record: ObjectRecord,
    conditions: Pick<UploadRequest, "ifMatch" | "ifNoneMatch">,
  ): Promise<StorageObject> {
    try {
      await this.locks.run(lockKey(location), () => commit(location, temp, record, conditions));
      return this.toObject(container, record, temp.stats);
    } finally {
      await fse.remove(temp.path);
    }
  }

  /**
   * Checks a name for writing and makes the container's reserved directory.
   * @throws ContainerDoesNotExistError, InvalidObjectNameError, ObjectNameConflictError
   */
  private async prepareWrite(containerName: string, objectName: string): Promise<ObjectLocation> {
    const paths = await locateContainer(this.rootPath, containerName);
    await ensureReserved(paths);
    await this.sweepOnce(paths);
    const location = await locateObject(paths, objectName);

    const other = await this.spelledOtherwise(location);
    if (other !== undefined) throw new ObjectNameConflictError(objectName, other);
    return location;
  }

  protected async doDeleteObject(container: Container, objectName: string): Promise<void> {
    const paths = await locateContainer(this.rootPath, container.name);
    const location = await locateObject(paths, objectName);
    if (await this.spelledOtherwise(location)) return;

    await this.locks.run(lockKey(location), () => deleteBody(location));
    await pruneParents(location);
  }

  protected override async doCopyObject(
    obj: StorageObject,
    destination: Container,
    objectName: string,
    extra: UploadExtra | undefined,
    signal?: AbortSignal,
  ): Promise<StorageObject> {
    if (extra?.acl !== undefined) throw new NotSupportedError("ACLs", { driver: this.name });
    const source = await this.findObject(obj.container.name, obj.name);
    const { container, path } = source.location;
    const record = await describe(container, obj.name, path, source.stats);
    const location = await this.prepareWrite(destination.name, objectName);

    const body = await openBody(source.location, {});
    const options = { signal, durable: this.durable, verify: false, objectName };
    const temp = await writeTemp(location.container, body, options);
    const copied = copiedRecord(record, objectName, temp, extra);
    return this.commitTemp(destination, location, temp, copied, {});
  }

  /**
   * Moves the object by renaming its file, with its metadata, when the destination is a
   * container of this driver on the same filesystem; otherwise copies, then deletes the
   * source. Moving an object onto itself changes nothing.
   * @throws ObjectDoesNotExistError, ObjectNameConflictError, InvalidObjectNameError
   */
  override async moveObject(
    obj: StorageObject,
    destination: Container,
    objectName: string,
    options: CopyOptions = {},
  ): Promise<StorageObject> {
    const same = destination.name === obj.container.name && objectName === obj.name;
    if (destination.driver !== this || options.extra !== undefined || same) {
      return super.moveObject(obj, destination, objectName, options);
    }

    this.assertObjectName(obj.name);
    this.assertObjectName(objectName);
    const context = { operation: "moveObject", container: destination.name, objectName };
    try {
      options.signal?.throwIfAborted();
      return await this.renameObject(obj, destination, objectName);
    } catch (error) {
      // Containers on different filesystems cannot rename into each other.
      if (errnoOf(error) === "EXDEV") {
        return super.moveObject(obj, destination, objectName, options);
      }
      throw this.toStorageError(error, context, options.signal);
    }
  }

  private async renameObject(
    obj: StorageObject,
    destination: Container,
    objectName: string,
  ): Promise<StorageObject> {
    const source = await this.findObject(obj.container.name, obj.name);
    const target = await this.prepareWrite(destination.name, objectName);

    const keys = [lockKey(source.location), lockKey(target)];
    const moved = await this.locks.runAll(keys, () => renameBody(source.location, target));
    await pruneParents(source.location);
    return this.toObject(destination, moved.record, moved.stats);
  }

  // ---------------------------------------------------------------- URLs

  protected override async doGetObjectCdnUrl(obj: StorageObject): Promise<string> {
    const segments = [obj.container.name, ...obj.name.split("/")];
    return this.baseUrl + segments.map(encodeURIComponent).join("/");
  }

  protected override async doGetContainerCdnUrl(container: Container): Promise<string> {
    return `${this.baseUrl}${encodeURIComponent(container.name)}/`;
  }

  // ---------------------------------------------------------------- names and errors

  protected override providerObjectNameProblem(name: string): string | undefined {
    return localObjectNameProblem(name);
  }

  protected override providerContainerNameProblem(name: string): string | undefined {
    return localContainerNameProblem(name);
  }

  protected mapError(error: unknown, context: ErrorContext): StorageError {
    return mapFsError(error, context);
  }

  /**
   * On a folding filesystem, the existing spelling the object's path would merge with
   * (`A.txt` for `a.txt`); undefined when there is none or the filesystem does not fold.
   */
  private async spelledOtherwise(location: ObjectLocation): Promise<string | undefined> {
    const folding = await this.foldingOf(location.container);
    if (!folding.caseInsensitive && !folding.normalizationInsensitive) return undefined;
    return foldedSpelling(location.container.dir, location.segments);
  }

  /** Clears what killed writers left in the container, on this driver's first write to it. */
  private async sweepOnce(paths: ContainerPaths): Promise<void> {
    if (this.swept.has(paths.dir)) return;
    this.swept.add(paths.dir);

    const removed = await sweepAbandoned(paths, ABANDONED_AFTER_MS);
    if (removed === 0) return;
    this.logger.debug("removed abandoned temporary files", { container: paths.name, removed });
  }

  private foldingOf(paths: ContainerPaths): Promise<NameFolding> {
    if (this.foldingMode === "sensitive") return Promise.resolve(SENSITIVE);
    if (this.foldingMode === "insensitive") return Promise.resolve(INSENSITIVE);

    let folding = this.foldings.get(paths.dir);
    if (!folding) {
      folding = this.probe(paths);
      this.foldings.set(paths.dir, folding);
    }
    return folding;
  }

  private async probe(paths: ContainerPaths): Promise<NameFolding> {
    try {
      await ensureReserved(paths);
      return await probeFolding(paths.tmp);
    } catch (error) {
      // A read-only container cannot be probed; its names are taken as exact, once.
      this.logger.warn("could not probe how the filesystem compares names; assuming exact", {
        container: paths.name,
        code: errnoOf(error),
      });
      return SENSITIVE;
    }
  }

  private toObject(container: Container, record: ObjectRecord, stats: BigIntStats): StorageObject {
    const headers = record.headers;
    return this.makeObject(container, {
      name: record.name,
      size: record.size,
      hash: record.md5,
      hashAlgorithm: "md5",
      contentType: record.contentType,
      metaData: { ...record.metaData },
      extra: withoutUndefined({
        etag: record.md5,
        version: record.md5,
        lastModified: new Date(Number(stats.mtimeMs)),
        cacheControl: headers["Cache-Control"],
        contentDisposition: headers["Content-Disposition"],
        contentEncoding: headers["Content-Encoding"],
        contentLanguage: headers["Content-Language"],
      }),
    });
  }
}

function baseUrlOf(baseUrl: string | undefined): string | undefined {
  if (baseUrl === undefined) return undefined;
  if (!URL.canParse(baseUrl)) {
    throw new InvalidArgumentError(`baseUrl is not an absolute URL: "${baseUrl}"`);
  }
  return baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
}

function lockKey(location: ObjectLocation): string {
  return `${location.container.dir}\0${fold(location.name)}`;
}

function recordOf(name: string, temp: TempFile, request: UploadRequest): ObjectRecord {
  return {
    name,
    size: Number(temp.stats.size),
    mtimeNs: String(temp.stats.mtimeNs),
    md5: temp.md5,
    contentType: request.contentType,
    metaData: request.metaData,
    headers: request.headers,
  };
}

/** A copy keeps the source's metadata and headers, unless `extra` replaces them. */
function copiedRecord(
  source: ObjectRecord,
  name: string,
  temp: TempFile,
  extra?: UploadExtra,
): ObjectRecord {
  const described = extra
    ? { contentType: extra.contentType ?? contentTypeFor(name), metaData: { ...extra.metaData } }
    : { contentType: source.contentType, metaData: source.metaData };
  const headers = extra ? {} : source.headers;
  const size = Number(temp.stats.size);
  return { ...described, headers, name, size, mtimeNs: String(temp.stats.mtimeNs), md5: temp.md5 };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
