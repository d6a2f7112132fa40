import { FileDeleter } from "./deleter.js";
import { TransactionRequiredError } from "./errors.js";
import type { UploadSink } from "./sink.js";

/** One transaction or savepoint: what it uploaded and what it let go. */
interface Scope {
  uploads: Set<string>;
  /** Files rows no longer reference, to delete after the outermost commit. */
  deletes: Set<string>;
  /** Writes still uploading; the scope waits for them before it closes. */
  inflight: Set<Promise<unknown>>;
  /** Set once closed by a rollback: a late upload into it is deleted at once. */
  rolledBack: boolean;
}

/**
 * The file side of one database connection's transaction, knowing no ORM. Adapters call
 * begin, commit and rollback as the transaction and its savepoints open and close, write
 * files through `sink()`, and stage the files rows let go with `letGo`:
 *
 * - an upload is registered the moment it succeeds; a rollback deletes every upload of its
 *   scope, and a savepoint's rollback only its own (and those of savepoints released into it);
 * - a released savepoint merges into its parent;
 * - files let go are deleted only after the outermost commit;
 * - deletes after commit or rollback never throw: failures go to the FileDeleter's
 *   listeners and retry queue.
 *
 * An upload whose statement failed, in a transaction that still commits, is not deleted
 * here: part of that statement's batch may have been written and reference it. The
 * adapters discard uploads of writes that failed before any statement ran, and the orphan
 * sweeper reconciles the rest.
 */
export class UnitOfWork {
  private readonly scopes: Scope[] = [];

  constructor(readonly deleter: FileDeleter = new FileDeleter()) {}

  /** How many scopes are open: 0 outside a transaction, 1 in it, more in savepoints. */
  get depth(): number {
    return this.scopes.length;
  }

  /** Opens a scope: the transaction, or a savepoint within it. */
  begin(): void {
    this.scopes.push({
      uploads: new Set(),
      deletes: new Set(),
      inflight: new Set(),
      rolledBack: false,
    });
  }

  /**
   * Closes the innermost scope after its commit (or savepoint release). The outermost one
   * then deletes what its transaction let go. Never throws.
   */
  async commit(): Promise<void> {
    const scope = await this.close();
    const parent = this.scopes.at(-1);
    if (parent) return merge(scope, parent);

    await this.deleter.deleteAll(scope.deletes);
  }

  /** Closes the innermost scope after its rollback, deleting its uploads. Never throws. */
  async rollback(): Promise<void> {
    const scope = await this.close();
    scope.rolledBack = true;
    await this.deleter.deleteAll(scope.uploads);
  }

  /**
   * Where the writes of the innermost scope register their uploads.
   * @throws TransactionRequiredError outside a transaction
   */
  sink(): UploadSink {
    const scope = this.top();
    return {
      uploaded: (path) => {
        if (scope.rolledBack) void this.deleter.deleteAll([path]);
        else scope.uploads.add(path);
      },
      discard: (paths) => this.discard(paths),
    };
  }

  /** Makes the innermost scope wait for `task` before it closes; returns the task. */
  track<T>(task: Promise<T>): Promise<T> {
    const scope = this.top();
    const settled: Promise<void> = task.then(
      () => void scope.inflight.delete(settled),
      () => void scope.inflight.delete(settled),
    );
    scope.inflight.add(settled);
    return task;
  }

  /** Stages files a row let go (replaced, removed from a list, row deleted). */
  letGo(paths: Iterable<string>): void {
    const scope = this.top();
    for (const path of paths) scope.deletes.add(path);
  }

  /** Deletes uploads whose row was never written, now, and forgets them. Never throws. */
  async discard(paths: string[]): Promise<void> {
    for (const scope of this.scopes) for (const path of paths) scope.uploads.delete(path);
    await this.deleter.deleteAll(paths);
  }

  private top(): Scope {
    const scope = this.scopes.at(-1);
    if (!scope) throw new TransactionRequiredError("Writing a row with file columns");
    return scope;
  }

  private async close(): Promise<Scope> {
    const scope = this.top();
    while (scope.inflight.size > 0) await Promise.all(scope.inflight);
    this.scopes.pop();
    return scope;
  }
}

function merge(child: Scope, parent: Scope): void {
  for (const path of child.uploads) parent.uploads.add(path);
  for (const path of child.deletes) parent.deletes.add(path);
}
