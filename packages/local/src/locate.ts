import type { BigIntStats } from "node:fs";
import { lstat, mkdir, realpath, rmdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

import {
  ContainerDoesNotExistError,
  ProviderError,
  InvalidObjectNameError,
  ObjectNameConflictError,
} from "@stowage/core";

import { MAX_PATH_BYTES, containerPaths, isInside, type ContainerPaths } from "./layout.js";

/** Where an object lives on disk. */
export interface ObjectLocation {
  container: ContainerPaths;
  name: string;
  segments: string[];
  /** The object's file. */
  path: string;
}

/** The errno code of a filesystem failure, if it is one. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Whether the error says a path (or one of its parents) is not there. */
export function isMissing(error: unknown): boolean {
  const code = errnoOf(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** lstat with exact inode numbers, or undefined when nothing is at the path. */
export async function lstatOrUndefined(path: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(path, { bigint: true });
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Resolves a container's directory. Symbolic links on the way to it are the user's set-up
 * and are followed; the resolved path is what every object path is checked against.
 * @throws ContainerDoesNotExistError
 */
export async function locateContainer(root: string, name: string): Promise<ContainerPaths> {
  const dir = join(root, name);
  try {
    const real = await realpath(dir);
    if ((await stat(real)).isDirectory()) return containerPaths(name, real);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  throw new ContainerDoesNotExistError(name);
}

/**
 * Maps an object name to its file, and refuses names that would leave the container: the
 * deepest existing parent directory must resolve (all links followed) to exactly the path
 * the name spells, so a symbolic link anywhere among the parents is refused, whether it
 * points outside the container or back inside it.
 * @throws InvalidObjectNameError
 */
export async function locateObject(
  container: ContainerPaths,
  name: string,
): Promise<ObjectLocation> {
  const segments = name.split("/");
  const path = join(container.dir, ...segments);
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_PATH_BYTES) {
    const limit = `the filesystem allows at most ${MAX_PATH_BYTES}`;
    const reason = `its path is ${bytes} bytes long; ${limit}`;
    throw new InvalidObjectNameError(name, reason);
  }

  await assertPlainParents(container.dir, dirname(path), name);
  return { container, name, segments, path };
}

/**
 * Checks again, just before a write is put in place, that no parent of the object became a
 * symbolic link while its bytes were streaming (a long window otherwise). What remains is
 * the instant between this check and the rename, which POSIX offers no way to close.
 * @throws InvalidObjectNameError
 */
export async function recheckParents(location: ObjectLocation): Promise<void> {
  await assertPlainParents(location.container.dir, dirname(location.path), location.name);
}

async function assertPlainParents(base: string, parent: string, name: string): Promise<void> {
  for (let dir = parent; ; dir = dirname(dir)) {
    const real = await realpathOrUndefined(dir);
    if (real === dir) return;
    // The container itself vanished: the operation that follows reports it.
    if (dir === base && real === undefined) return;
    if (real === undefined) continue;

    const outside = !isInside(base, real);
    const reason = outside
      ? "a parent directory is a symbolic link that leads outside the container"
      : "a parent directory is a symbolic link (or is spelled differently on disk)";
    throw new InvalidObjectNameError(name, reason);
  }
}

async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Creates the parent directories of an object one level at a time below the container (never
 * the container itself, so a deleted container is not brought back).
 * @throws ObjectNameConflictError when a parent is an object (`a` stored, `a/b` asked for)
 */
export async function makeParents(location: ObjectLocation): Promise<void> {
  let dir = location.container.dir;
  const parents = location.segments.slice(0, -1);

  for (let index = 0; index < parents.length; index++) {
    dir = join(dir, parents[index]!);
    try {
      await mkdir(dir);
    } catch (error) {
      if (errnoOf(error) !== "EEXIST") throw error;
      await assertDirectory(dir, location, parents.slice(0, index + 1).join("/"));
    }
  }
}

async function assertDirectory(
  dir: string,
  location: ObjectLocation,
  prefix: string,
): Promise<void> {
  const stats = await lstat(dir);
  if (stats.isDirectory()) return;
  if (stats.isSymbolicLink()) {
    throw new InvalidObjectNameError(location.name, "a parent directory is a symbolic link");
  }
  throw new ObjectNameConflictError(location.name, prefix);
}

/** The conflict behind an ENOTDIR: the first parent of the name that is a file. */
export async function parentConflict(location: ObjectLocation): Promise<ObjectNameConflictError> {
  let dir = location.container.dir;
  for (let index = 0; index < location.segments.length - 1; index++) {
    dir = join(dir, location.segments[index]!);
    const stats = await lstatOrUndefined(dir);
    if (stats && !stats.isDirectory()) {
      const parent = location.segments.slice(0, index + 1).join("/");
      return new ObjectNameConflictError(location.name, parent);
    }
  }
  return new ObjectNameConflictError(location.name, location.segments.slice(0, -1).join("/"));
}

/**
 * Removes the parent directories a delete left empty, deepest first, stopping at the first
 * one that still holds something. The container's own directory is never removed.
 */
export async function pruneParents(location: ObjectLocation): Promise<void> {
  for (let depth = location.segments.length - 1; depth > 0; depth--) {
    const dir = join(location.container.dir, ...location.segments.slice(0, depth));
    try {
      await rmdir(dir);
    } catch {
      // Not empty (or already gone, or being filled by a concurrent write): stop here.
      return;
    }
  }
}

/**
 * Creates the container's reserved directories, one level at a time so that a container
 * deleted meanwhile is reported rather than recreated.
 * @throws ContainerDoesNotExistError
 */
export async function ensureReserved(container: ContainerPaths): Promise<void> {
  for (const dir of [container.reserved, container.tmp, container.meta]) {
    try {
      await mkdir(dir);
    } catch (error) {
      const code = errnoOf(error);
      if (code === "ENOENT") throw new ContainerDoesNotExistError(container.name);
      if (code !== "EEXIST") throw error;
      await assertRealDirectory(container, dir);
    }
  }
}

/** The reserved area must be the container's own: a link there would send writes elsewhere. */
async function assertRealDirectory(container: ContainerPaths, dir: string): Promise<void> {
  const stats = await lstat(dir);
  if (stats.isDirectory()) return;
  const what = stats.isSymbolicLink() ? "a symbolic link" : "not a directory";
  throw new ProviderError(`The container's reserved directory ${dir} is ${what}`, {
    container: container.name,
  });
}
