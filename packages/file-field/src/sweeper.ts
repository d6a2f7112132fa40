import { StorageManager, filePath } from "@stowage/core";

import { type DeleteFailure, FileDeleter } from "./deleter.js";

/** What to reconcile, and how carefully. */
export interface SweepOptions {
  /** The storage to sweep. */
  storage: string;
  /**
   * Every file path (`<storage>/<object name>`, as FileValue.paths gives) the database
   * references, in any storage. The adapters' `referencedFiles` collect them.
   */
  referenced: Iterable<string> | AsyncIterable<string>;
  /**
   * Objects modified less than this many milliseconds ago are kept, referenced or not: their
   * transaction may still be open. Default one day.
   */
  gracePeriodMs?: number;
  /** Report what would be deleted, and delete nothing. */
  dryRun?: boolean;
  /** Default: the process-wide StorageManager. */
  manager?: StorageManager;
}

/** What a sweep found and did. */
export interface SweepReport {
  scanned: number;
  /** Unreferenced objects deleted (or, in a dry run, that would be). */
  orphans: string[];
  /** Unreferenced objects kept because they are newer than the grace period. */
  tooRecent: number;
  /** Deletes that failed. */
  failed: DeleteFailure[];
}

const ONE_DAY = 24 * 60 * 60 * 1000;

/**
 * Deletes the objects of a storage that no row references and that are older than a grace
 * period: what bulk SQL, a crash between upload and commit, or a failed statement in a
 * committed transaction left behind. An object without a modification time is kept.
 * @throws StorageError when the storage cannot be listed
 */
export async function sweepOrphans(options: SweepOptions): Promise<SweepReport> {
  const manager = options.manager ?? StorageManager.instance;
  const referenced = new Set<string>();
  for await (const path of options.referenced) referenced.add(path);

  const cutoff = Date.now() - (options.gracePeriodMs ?? ONE_DAY);
  const report: SweepReport = { scanned: 0, orphans: [], tooRecent: 0, failed: [] };

  for await (const obj of manager.get(options.storage).iterateObjects()) {
    report.scanned += 1;
    const path = filePath(options.storage, obj.name);
    if (referenced.has(path)) continue;

    const modified = obj.extra.lastModified?.getTime();
    if (modified === undefined || modified > cutoff) report.tooRecent += 1;
    else report.orphans.push(path);
  }

  if (!options.dryRun) report.failed = await deleteOrphans(manager, report.orphans);
  return report;
}

async function deleteOrphans(manager: StorageManager, paths: string[]): Promise<DeleteFailure[]> {
  const deleter = new FileDeleter(manager);
  await deleter.deleteAll(paths);
  return deleter.failedDeletes;
}
