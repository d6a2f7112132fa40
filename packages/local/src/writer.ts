import { randomUUID } from "node:crypto";
import { createWriteStream, type BigIntStats } from "node:fs";
import { lstat, open, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import {
  ContainerDoesNotExistError,
  HashingStream,
  InvalidObjectNameError,
  ObjectHashMismatchError,
  ObjectNameConflictError,
  PreconditionFailedError,
} from "@stowage/core";
import fse from "fs-extra";

import { LINK_REASON, type ContainerPaths } from "./layout.js";
import {
  errnoOf,
  lstatOrUndefined,
  makeParents,
  recheckParents,
  parentConflict,
  type ObjectLocation,
} from "./locate.js";
import { describe, hashFile, removeSidecar, writeSidecar, type ObjectRecord } from "./sidecar.js";

/** A finished body waiting in the reserved directory to be put in place. */
export interface TempFile {
  path: string;
  md5: string;
  stats: BigIntStats;
}

/** The conditions of a write; checked and applied while the object's lock is held. */
export interface WriteConditions {
  ifNoneMatch?: "*";
  ifMatch?: string;
}

/** Parent directories that appear and vanish under concurrent deletes are retried this often. */
const PLACE_ATTEMPTS = 20;

/**
 * Streams the body into a new temporary file, hashing it on the way. On any failure (the
 * source, the disk, an abort) the temporary file is removed and nothing else was touched.
 * With `durable`, the bytes reach the disk before the file can be renamed into place, so a
 * power loss leaves the previous version rather than an empty file.
 */
export async function writeTemp(
  container: ContainerPaths,
  body: Readable,
  options: { signal?: AbortSignal; durable: boolean; verify: boolean; objectName: string },
): Promise<TempFile> {
  const path = join(container.tmp, `${randomUUID()}.part`);
  const hasher = new HashingStream("md5");

  try {
    const file = createWriteStream(path, { flags: "wx" });
    await pipeline(body, hasher, file, { signal: options.signal });
    if (options.durable) await syncFile(path);

    const md5 = hasher.digest();
    if (options.verify) await verifyWritten(path, md5, options.objectName);
    return { path, md5, stats: await stat(path, { bigint: true }) };
  } catch (error) {
    await fse.remove(path);
    throw error;
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function verifyWritten(path: string, md5: string, objectName: string): Promise<void> {
  const written = await hashFile(path);
  if (written !== md5) throw new ObjectHashMismatchError(objectName, md5, written);
}

/**
 * Puts a finished temporary file in place as the object's new version: checks the
 * conditions, writes the version's record, then renames the body over the old one (or links
 * it, for create-only writes, so that an object created meanwhile by another process is not
 * replaced). The caller holds the object's lock.
 * @throws PreconditionFailedError, ObjectNameConflictError, InvalidObjectNameError
 */
export async function commit(
  location: ObjectLocation,
  temp: TempFile,
  record: ObjectRecord,
  conditions: WriteConditions,
): Promise<void> {
  await recheckParents(location);
  const current = await currentBody(location);
  await checkConditions(location, current, conditions);

  await writeSidecar(location.container, record, temp.stats.ino);
  try {
    await place(location, temp.path, conditions.ifNoneMatch === "*");
  } catch (error) {
    await removeSidecar(location.container, location.name, temp.stats.ino);
    throw error;
  }

  if (current && current.ino !== temp.stats.ino) {
    await removeSidecar(location.container, location.name, current.ino);
  }
}

/**
 * The lstat of the object's current body, if any.
 * @throws InvalidObjectNameError (a symbolic link), ObjectNameConflictError (a directory)
 */
export async function currentBody(location: ObjectLocation): Promise<BigIntStats | undefined> {
  const current = await lstatOrUndefined(location.path);
  if (!current || current.isFile()) return current;

  if (current.isSymbolicLink()) {
    throw new InvalidObjectNameError(location.name, LINK_REASON);
  }
  if (current.isDirectory()) throw new ObjectNameConflictError(location.name, `${location.name}/`);
  throw new InvalidObjectNameError(location.name, "the path is a special file, not an object");
}

async function checkConditions(
  location: ObjectLocation,
  current: BigIntStats | undefined,
  conditions: WriteConditions,
): Promise<void> {
  if (conditions.ifNoneMatch === "*" && current) {
    throw new PreconditionFailedError(`Object "${location.name}" already exists`);
  }
  if (conditions.ifMatch === undefined) return;

  if (!current) throw new PreconditionFailedError(`Object "${location.name}" does not exist`);
  const record = await describe(location.container, location.name, location.path, current);
  if (record.md5 !== conditions.ifMatch) {
    const message = `Object "${location.name}" is not at version ${conditions.ifMatch}`;
    throw new PreconditionFailedError(message);
  }
}

/**
 * Renames (or links) the temporary file to the object's path, creating parent directories.
 * A concurrent delete may remove a parent between the two steps; that is retried.
 */
export async function place(
  location: ObjectLocation,
  temp: string,
  createOnly: boolean,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const failure = await tryPlace(location, temp, createOnly);
    if (failure === undefined) return;

    if (errnoOf(failure.error) === "ENOENT" && attempt < PLACE_ATTEMPTS) {
      await makeParentsTolerant(location);
      continue;
    }
    throw await placeError(location, failure.error, createOnly);
  }
}

async function tryPlace(
  location: ObjectLocation,
  temp: string,
  createOnly: boolean,
): Promise<{ error: unknown } | undefined> {
  try {
    if (createOnly) {
      await fse.link(temp, location.path);
      await fse.remove(temp);
    } else {
      await fse.rename(temp, location.path);
    }
    return undefined;
  } catch (error) {
    return { error };
  }
}

async function makeParentsTolerant(location: ObjectLocation): Promise<void> {
  try {
    await makeParents(location);
  } catch (error) {
    // A parent removed by a concurrent delete mid-way: the next attempt creates it again.
    if (errnoOf(error) !== "ENOENT") throw error;
  }
}

async function placeError(
  location: ObjectLocation,
  error: unknown,
  createOnly: boolean,
): Promise<unknown> {
  const code = errnoOf(error);
  if (code === "ENOTDIR") return parentConflict(location);
  if (code === "EISDIR") return new ObjectNameConflictError(location.name, `${location.name}/`);

  if (code === "EEXIST" && createOnly) {
    const existing = await lstatOrUndefined(location.path);
    if (existing?.isDirectory()) {
      return new ObjectNameConflictError(location.name, `${location.name}/`);
    }
    return new PreconditionFailedError(`Object "${location.name}" already exists`);
  }

  if (code === "ENOENT" && !(await lstatOrUndefined(location.container.dir))) {
    return new ContainerDoesNotExistError(location.container.name);
  }
  return error;
}

/**
 * Removes temporary files left by writers that were killed: any not modified for `ageMs`.
 * A live upload keeps writing to its file, so its modification time stays recent.
 */
export async function sweepAbandoned(container: ContainerPaths, ageMs: number): Promise<number> {
  const cutoff = Date.now() - ageMs;
  let removed = 0;

  for (const name of await readdir(container.tmp)) {
    const path = join(container.tmp, name);
    const stats = await lstat(path).catch(() => undefined);
    if (stats && stats.mtimeMs < cutoff) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
