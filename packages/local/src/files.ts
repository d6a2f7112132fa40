import { constants, type BigIntStats } from "node:fs";
import { open, unlink } from "node:fs/promises";
import type { Readable } from "node:stream";

import { InvalidObjectNameError, ObjectDoesNotExistError } from "@stowage/core";

import { isMissing, lstatOrUndefined, type ObjectLocation } from "./locate.js";
import { describe, removeSidecar, writeSidecar, type ObjectRecord } from "./sidecar.js";
import { currentBody, place } from "./writer.js";

// What the driver does to one object's file once its path has been checked: open it, delete
// it, rename it. Each runs under the object's lock where the driver needs one.

/**
 * Opens an object's file for reading without following a symbolic link, as a stream with
 * back-pressure over [start, end] (inclusive, as fs streams count).
 */
export async function openBody(
  location: ObjectLocation,
  options: { start?: number; end?: number; highWaterMark?: number },
): Promise<Readable> {
  const handle = await open(location.path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (!(await handle.stat()).isFile()) throw new ObjectDoesNotExistError(location.name);
    return handle.createReadStream(definedOnly(options));
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Deletes an object's file and record; nothing there (or a directory) is already deleted. */
export async function deleteBody(location: ObjectLocation): Promise<void> {
  const current = await lstatOrUndefined(location.path);
  if (!current || current.isDirectory()) return;
  if (!current.isFile()) {
    const reason = "the path is a symbolic link or special file, not an object";
    throw new InvalidObjectNameError(location.name, reason);
  }

  try {
    await unlink(location.path);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  await removeSidecar(location.container, location.name, current.ino);
}

/** Renames a body (which keeps its inode) and its record to the target name. */
export async function renameBody(
  source: ObjectLocation,
  target: ObjectLocation,
): Promise<{ record: ObjectRecord; stats: BigIntStats }> {
  const stats = await currentBody(source);
  if (!stats) throw new ObjectDoesNotExistError(source.name);
  const described = await describe(source.container, source.name, source.path, stats);
  const record = { ...described, name: target.name };
  const replaced = await currentBody(target);

  await writeSidecar(target.container, record, stats.ino);
  try {
    await place(target, source.path, false);
  } catch (error) {
    await removeSidecar(target.container, target.name, stats.ino);
    throw error;
  }

  await removeSidecar(source.container, source.name, stats.ino);
  if (replaced && replaced.ino !== stats.ino) {
    await removeSidecar(target.container, target.name, replaced.ino);
  }
  return { record, stats };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
