import { randomBytes } from "node:crypto";
import { lstat, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { fold } from "./layout.js";
import { isMissing } from "./locate.js";

/**
 * How a filesystem compares names. On a case-insensitive one (macOS and Windows by default)
 * `A.txt` and `a.txt` are one file; on a normalization-insensitive one the NFC and NFD
 * spellings of `café.txt` are. The driver refuses to let such names merge silently.
 */
export interface NameFolding {
  caseInsensitive: boolean;
  normalizationInsensitive: boolean;
}

/** How the driver learns a container's NameFolding: probed on disk, or stated by the user. */
export type NameFoldingMode = "detect" | "sensitive" | "insensitive";

export const SENSITIVE: NameFolding = { caseInsensitive: false, normalizationInsensitive: false };
export const INSENSITIVE: NameFolding = { caseInsensitive: true, normalizationInsensitive: true };

/**
 * Probes a directory by creating a file and looking it up under another case and another
 * Unicode normalization of its name. The probe file is removed again.
 */
export async function probeFolding(dir: string): Promise<NameFolding> {
  const stem = `fold-probe-${randomBytes(8).toString("hex")}-`;
  const created = join(dir, `${stem}a\u00e9`);
  await writeFile(created, "", { flag: "wx" });

  try {
    return {
      caseInsensitive: await exists(join(dir, `${stem}A\u00e9`)),
      normalizationInsensitive: await exists(join(dir, `${stem}ae\u0301`)),
    };
  } finally {
    await rm(created, { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * On a folding filesystem, the spelling already on disk that `segments` would be merged
 * with: the path down to the first segment that exists only under another spelling (as
 * `Docs/A.txt` for `docs/a.txt`). Undefined when every existing segment is spelled exactly
 * as asked, or the path does not exist yet.
 */
export async function foldedSpelling(
  containerDir: string,
  segments: string[],
): Promise<string | undefined> {
  let dir = containerDir;

  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    const names = await readdirOrEmpty(dir);
    if (names.includes(segment)) {
      dir = join(dir, segment);
      continue;
    }

    const wanted = fold(segment);
    const other = names.find((name) => fold(name) === wanted);
    return other === undefined ? undefined : [...segments.slice(0, index), other].join("/");
  }
  return undefined;
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}
