import { StorageManager, forEachLimited } from "@stowage/core";

/** A delete that failed; it stays queued until a retry succeeds. */
export interface DeleteFailure {
  /** `<storage>/<object name>`. */
  path: string;
  /** The last failure. */
  error: unknown;
  /** How many times the delete was tried. */
  attempts: number;
}

/** Called for each failed delete, with the failure as queued. */
export type DeleteFailureListener = (failure: DeleteFailure) => void;

/** How many deletes run at once. */
const PARALLEL_DELETES = 8;

/**
 * Deletes files after a commit or rollback, where a failure must not undo or hide the
 * database outcome: failures are reported to listeners and queued for `retryFailed()`,
 * never thrown. Deleting a file that is already gone succeeds.
 */
export class FileDeleter {
  private readonly failed = new Map<string, DeleteFailure>();
  private readonly listeners = new Set<DeleteFailureListener>();

  constructor(readonly manager: StorageManager = StorageManager.instance) {}

  /** Calls `listener` for each failed delete; returns a function that stops it. */
  onDeleteFailed(listener: DeleteFailureListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The deletes that failed and wait for a retry. */
  get failedDeletes(): DeleteFailure[] {
    return [...this.failed.values()].map((failure) => ({ ...failure }));
  }

  /** Deletes every path; never throws (failures are reported and queued). */
  async deleteAll(paths: Iterable<string>): Promise<void> {
    await forEachLimited([...new Set(paths)], PARALLEL_DELETES, (path) => this.deleteOne(path));
  }

  /** Retries every queued delete; resolves how many still fail. */
  async retryFailed(): Promise<number> {
    await this.deleteAll(this.failed.keys());
    return this.failed.size;
  }

  private async deleteOne(path: string): Promise<void> {
    try {
      await this.manager.deleteFile(path);
      this.failed.delete(path);
    } catch (error) {
      const failure = { path, error, attempts: (this.failed.get(path)?.attempts ?? 0) + 1 };
      this.failed.set(path, failure);
      this.report(failure);
    }
  }

  private report(failure: DeleteFailure): void {
    for (const listener of this.listeners) {
      try {
        listener({ ...failure });
      } catch {
        // A listener's own failure must not turn a reported delete into a thrown commit.
      }
    }
  }
}
