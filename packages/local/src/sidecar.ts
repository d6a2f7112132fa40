import { createHash, randomUUID } from "node:crypto";
import { constants, type BigIntStats } from "node:fs";
import { lstat, mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { contentTypeFor, md5Hex, type ObjectHeaders } from "@stowage/core";

import type { ContainerPaths } from "./layout.js";
import { ensureReserved, errnoOf } from "./locate.js";

/**
 * What the driver knows about one version of an object. It is kept in a small JSON file in
 * the container's reserved directory, named after the object name's SHA-256 and the inode
 * of the body it describes. Because a body keeps its inode when it is renamed into place,
 * two racing writers each leave a file for their own body, and a reader picks the one of
 * the body that won; no database is involved.
 */
export interface ObjectRecord {
  name: string;
  size: number;
  /** The body's modification time in nanoseconds, to recognise a reused inode. */
  mtimeNs: string;
  md5: string;
  contentType: string;
  metaData: Record<string, string>;
  headers: ObjectHeaders;
}

const EMPTY_MD5 = md5Hex("");

function sidecarPath(container: ContainerPaths, name: string, ino: bigint): string {
  const key = createHash("sha256").update(name).digest("hex");
  return join(container.meta, key.slice(0, 2), `${key}-${ino}.json`);
}

/**
 * Writes the record of the body whose inode is `ino`, through a temporary file so that a
 * reader never sees half a record.
 */
export async function writeSidecar(
  container: ContainerPaths,
  record: ObjectRecord,
  ino: bigint,
): Promise<void> {
  const path = sidecarPath(container, record.name, ino);
  const temp = join(container.tmp, `${randomUUID()}.json`);

  await writeFile(temp, JSON.stringify(record), { flag: "wx" });
  try {
    await renameMakingDir(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function renameMakingDir(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if (errnoOf(error) !== "ENOENT") throw error;
    await mkdir(join(to, ".."), { recursive: true });
    await rename(from, to);
  }
}

/** Removes the record of one body; a record that is already gone is fine. */
export async function removeSidecar(
  container: ContainerPaths,
  name: string,
  ino: bigint,
): Promise<void> {
  await rm(sidecarPath(container, name, ino), { force: true });
}

/**
 * The record of the body at `path` whose lstat is `stats`. Without a valid record (a file
 * placed by hand, a crash between writing the record and the body, a record of another
 * version), what is missing is derived: the MD5 is computed from the bytes, the content type
 * comes from the name's extension, and there is no user metadata. A derived MD5 is kept as
 * the body's record (when the file did not change while it was read), so a large file
 * placed by hand is read through once, not on every listing.
 */
export async function describe(
  container: ContainerPaths,
  name: string,
  path: string,
  stats: BigIntStats,
): Promise<ObjectRecord> {
  const stored = await readSidecar(container, name, stats);
  if (stored) return stored;

  const md5 = stats.size === 0n ? EMPTY_MD5 : await hashFile(path);
  const record = {
    name,
    size: Number(stats.size),
    mtimeNs: String(stats.mtimeNs),
    md5,
    contentType: contentTypeFor(name),
    metaData: {},
    headers: {},
  };
  if (stats.size > 0n) await keepDerived(container, record, path, stats);
  return record;
}

async function keepDerived(
  container: ContainerPaths,
  record: ObjectRecord,
  path: string,
  stats: BigIntStats,
): Promise<void> {
  try {
    const after = await lstat(path, { bigint: true });
    const same = after.ino === stats.ino && after.size === stats.size;
    if (!same || after.mtimeNs !== stats.mtimeNs) return;

    await ensureReserved(container);
    await writeSidecar(container, record, stats.ino);
  } catch {
    // Only a cache: a read-only container, or a file deleted meanwhile, is served all the same.
  }
}

async function readSidecar(
  container: ContainerPaths,
  name: string,
  stats: BigIntStats,
): Promise<ObjectRecord | undefined> {
  let text: string;
  try {
    text = await readFile(sidecarPath(container, name, stats.ino), "utf8");
  } catch {
    return undefined;
  }

  const record = parseRecord(text);
  const matches =
    record?.name === name &&
    record.size === Number(stats.size) &&
    record.mtimeNs === String(stats.mtimeNs);
  return matches ? record : undefined;
}

function parseRecord(text: string): ObjectRecord | undefined {
  try {
    const value = JSON.parse(text) as ObjectRecord;
    const valid =
      typeof value.md5 === "string" &&
      typeof value.contentType === "string" &&
      typeof value.metaData === "object" &&
      typeof value.headers === "object";
    return valid ? value : undefined;
  } catch {
    // A record cut short by a crash is treated as missing.
    return undefined;
  }
}

/** The hex MD5 of a file, read without following a symbolic link. */
export async function hashFile(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const hash = createHash("md5");
    const stream = handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 });
    for await (const chunk of stream) hash.update(chunk as Buffer);
    return hash.digest("hex");
  } finally {
    await handle.close();
  }
}
