import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

import { RESERVED_DIR, fold } from "./layout.js";
import { isMissing } from "./locate.js";

/** One step of a listing: an object's file, or a group of names cut at the delimiter. */
export type ListedEntry =
  { kind: "object"; name: string; path: string } | { kind: "prefix"; name: string };

/** What a listing selects. */
export interface WalkQuery {
  prefix: string;
  delimiter?: string;
  signal?: AbortSignal;
  /** Whether a name found on disk is one the driver can address (and so list). */
  accepts: (name: string) => boolean;
}

interface DirEntry {
  name: string;
  /** The name as it sorts among full object names: a directory sorts as `name/`. */
  key: string;
  isDir: boolean;
}

interface WalkState extends WalkQuery {
  lastPrefix?: string;
}

const strict = new TextDecoder("utf-8", { fatal: true });

/**
 * Walks a container's directory lazily, yielding objects in the order of their full names
 * (JavaScript string order, as `[...names].sort()`). Each directory is read and sorted on its
 * own, a directory sorting as its name plus `/`: since no file name contains `/`, that order
 * is the order of the full names below, so `a-c` (0x2d) comes before every `a/…` (0x2f).
 * Memory holds one sorted directory per level, never the whole listing.
 */
export async function* walkContainer(dir: string, query: WalkQuery): AsyncGenerator<ListedEntry> {
  const start = query.prefix.slice(0, query.prefix.lastIndexOf("/") + 1);
  const segments = start === "" ? [] : start.slice(0, -1).split("/");
  if (!(await isPlainDirectoryPath(dir, segments))) return;

  yield* walkDirectory(join(dir, ...segments), start, { ...query });
}

/** Whether each segment below `dir` is a real directory (no link, nothing reserved). */
async function isPlainDirectoryPath(dir: string, segments: string[]): Promise<boolean> {
  if (segments.length > 0 && fold(segments[0]!) === RESERVED_DIR) return false;

  let path = dir;
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === "..") return false;
    path = join(path, segment);
    try {
      if (!(await lstat(path)).isDirectory()) return false;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }
  return true;
}

async function* walkDirectory(
  path: string,
  relative: string,
  state: WalkState,
): AsyncGenerator<ListedEntry> {
  const entries = await readSorted(path, relative === "");

  for (const entry of entries) {
    state.signal?.throwIfAborted();
    const full = relative + entry.key;

    if (entry.isDir) {
      if (!full.startsWith(state.prefix) && !state.prefix.startsWith(full)) continue;
      yield* directoryEntries(join(path, entry.name), full, state);
    } else if (full.startsWith(state.prefix) && state.accepts(full)) {
      yield* fileEntries(join(path, entry.name), full, state);
    }
  }
}

async function* directoryEntries(
  path: string,
  full: string,
  state: WalkState,
): AsyncGenerator<ListedEntry> {
  const group = groupOf(full, state);
  if (group === undefined) {
    yield* walkDirectory(path, full, state);
    return;
  }

  // The whole directory falls into one group; it is shown only if it holds an object.
  if (group !== state.lastPrefix && (await holdsObject(path, full, state))) {
    state.lastPrefix = group;
    yield { kind: "prefix", name: group };
  }
}

function* fileEntries(path: string, full: string, state: WalkState): Generator<ListedEntry> {
  const group = groupOf(full, state);
  if (group === undefined) {
    yield { kind: "object", name: full, path };
  } else if (group !== state.lastPrefix) {
    state.lastPrefix = group;
    yield { kind: "prefix", name: group };
  }
}

/**
 * The delimiter group `name` falls into: the name up to the first delimiter after the
 * prefix. For a directory's `name/`, an occurrence that ends inside it is also the first in
 * every name below, so the whole directory is one group.
 */
function groupOf(name: string, query: WalkQuery): string | undefined {
  if (!query.delimiter || !name.startsWith(query.prefix)) return undefined;
  const index = name.indexOf(query.delimiter, query.prefix.length);
  return index < 0 ? undefined : name.slice(0, index + query.delimiter.length);
}

async function holdsObject(path: string, relative: string, query: WalkQuery): Promise<boolean> {
  const inner = walkDirectory(path, relative, { ...query, delimiter: undefined, prefix: "" });
  for await (const _ of inner) return true;
  return false;
}

/**
 * The files and directories of one directory, sorted by key. Links, sockets and the like are
 * not objects and are left out, as are names that are not valid UTF-8 (they could not be
 * addressed by a string) and, at the top, the reserved directory.
 */
async function readSorted(path: string, top: boolean): Promise<DirEntry[]> {
  let dirents;
  try {
    dirents = await readdir(path, { withFileTypes: true, encoding: "buffer" });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }

  const entries: DirEntry[] = [];
  for (const dirent of dirents) {
    const isDir = dirent.isDirectory();
    if (!isDir && !dirent.isFile()) continue;
    const name = decode(dirent.name as unknown as Buffer);
    if (name === undefined || (top && name === RESERVED_DIR)) continue;
    entries.push({ name, key: isDir ? `${name}/` : name, isDir });
  }
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function decode(raw: Buffer): string | undefined {
  try {
    return strict.decode(raw);
  } catch {
    return undefined;
  }
}
