import { StorageManager } from "@stowage/core";
import type { SQL, Table } from "drizzle-orm";

import { FileDeleter } from "../deleter.js";
import { FileFieldError, FileFieldErrorCode } from "../errors.js";
import { type RowWrite, rowFiles, writeRow } from "../row.js";
import { UnitOfWork } from "../unit-of-work.js";
import { fileFieldsOf } from "./drizzle-column.js";
import { type DrizzleSession, type Level, openLevel } from "./drizzle-levels.js";

export { fileColumn, fileFieldsOf, type FileColumnData } from "./drizzle-column.js";

type Row = Record<string, unknown>;

/** Drizzle's builders are typed per dialect and table; a FileTransaction drives them untyped. */
type AnyTx = any;

/**
 * A database transaction with its files: Drizzle has no hooks, so rows with file columns
 * are written through insert/update/delete here, which store new files before the
 * statement and stage the files rows let go. Other queries run on `tx` as usual.
 * `transaction()` opens a savepoint. A FileTransaction is opened by `fileTransaction()` or
 * `beginFileTransaction()`.
 */
export class FileTransaction {
  private finished = false;

  constructor(
    private readonly level: Level,
    private readonly work: UnitOfWork,
  ) {}

  /** The Drizzle transaction: run any other query on it. */
  get tx(): AnyTx {
    return this.level.tx;
  }

  /**
   * Inserts rows, storing their new files first; resolves the inserted rows. If a file
   * or the statement fails, every file stored for these rows is deleted.
   * @throws FileValidationError, FileProcessorError, FileAlreadyOwnedError, StorageError
   */
  async insert<T extends Table>(
    table: T,
    values: T["$inferInsert"] | T["$inferInsert"][],
  ): Promise<T["$inferSelect"][]> {
    const fields = fileFieldsOf(table);
    const rows: Row[] = Array.isArray(values) ? values : [values];
    const writes: RowWrite[] = [];

    try {
      for (const row of rows)
        writes.push(await this.work.track(writeRow(fields, row, undefined, this.sink())));
      const prepared = rows.map((row, i) => ({ ...row, ...writes[i]!.values }));
      return await this.tx.insert(table).values(prepared).returning();
    } catch (error) {
      await this.work.discard(writes.flatMap((write) => write.uploaded));
      throw error;
    }
  }

  /**
   * Updates the rows matching `where`. New files are stored first; the files the rows let
   * go are deleted after the outermost commit. A file may be assigned to one row only.
   * @throws FileFieldError (INVALID_FILE_VALUE) when new files would go to several rows
   */
  async update<T extends Table>(
    table: T,
    where: SQL | undefined,
    set: Partial<T["$inferInsert"]>,
  ): Promise<T["$inferSelect"][]> {
    const fields = fileFieldsOf(table);
    const before: Row[] = await this.tx.select().from(table).where(where);
    if (before.length === 0) return [];
    if (
      before.length > 1 &&
      [...fields.keys()].some((key) => set[key] !== undefined && set[key] !== null)
    ) {
      throw new FileFieldError(
        FileFieldErrorCode.INVALID_FILE_VALUE,
        "a file can be assigned to one row only",
      );
    }

    const writes: RowWrite[] = [];
    try {
      for (const row of before)
        writes.push(await this.work.track(writeRow(fields, set, row, this.sink())));
      const values = writes[0]?.values ?? {};
      const after = await this.tx
        .update(table)
        .set({ ...set, ...values })
        .where(where)
        .returning();
      this.work.letGo(writes.flatMap((write) => write.gone));
      return after;
    } catch (error) {
      await this.work.discard(writes.flatMap((write) => write.uploaded));
      throw error;
    }
  }

  /** Deletes the rows matching `where`; their files go after the outermost commit. */
  async delete<T extends Table>(table: T, where: SQL | undefined): Promise<number> {
    const fields = fileFieldsOf(table);
    const before: Row[] = await this.tx.select().from(table).where(where);
    await this.tx.delete(table).where(where);
    this.work.letGo(before.flatMap((row) => rowFiles(fields, row)));
    return before.length;
  }

  /**
   * Runs `fn` in a savepoint: released (merged into this transaction) when it resolves,
   * rolled back, with its uploads deleted, when it throws.
   */
  async transaction<R>(fn: (tx: FileTransaction) => Promise<R>): Promise<R> {
    const inner = new FileTransaction(await this.level.nested(), this.work);
    this.work.begin();
    return inner.run(fn);
  }

  /**
   * Commits; the files rows let go are deleted after an outermost commit. A commit the
   * database refuses (a deferred foreign key, say) is rolled back, deleting the files
   * stored in it, and its error is thrown: SQLite would otherwise keep the transaction open.
   */
  async commit(): Promise<void> {
    this.finish();
    try {
      await this.level.commit();
    } catch (error) {
      // The database's error is the one to report; a rollback of a transaction it already
      // ended fails too, and says nothing new.
      await this.level.rollback().catch(() => undefined);
      await this.work.rollback();
      throw error;
    }
    await this.work.commit();
  }

  /** Rolls back, deleting the files stored in it. */
  async rollback(): Promise<void> {
    this.finish();
    await this.level.rollback().finally(() => this.work.rollback());
  }

  /** Closes it: a transaction not committed by now is rolled back. */
  async close(): Promise<void> {
    if (!this.finished) await this.rollback();
  }

  /** Runs `fn`, then commits, or rolls back if it throws. */
  async run<R>(fn: (tx: FileTransaction) => Promise<R>): Promise<R> {
    try {
      const result = await fn(this);
      await this.commit();
      return result;
    } catch (error) {
      if (!this.finished) await this.rollback();
      throw error;
    }
  }

  private sink() {
    return this.work.sink();
  }

  private finish(): void {
    if (this.finished)
      throw new FileFieldError(
        FileFieldErrorCode.TRANSACTION_REQUIRED,
        "this transaction is already closed",
      );
    this.finished = true;
  }
}

/** Where a file transaction deletes files and reports failed deletes. */
export interface FileTransactionOptions {
  /** Default: the process-wide StorageManager. */
  manager?: StorageManager;
  /** Shares one retry queue and failure listeners across transactions. */
  deleter?: FileDeleter;
}

/**
 * Opens a transaction on a Drizzle database; the caller must commit, roll back or close it.
 * With a synchronous SQLite driver, one transaction at a time per connection.
 */
export async function beginFileTransaction(
  db: unknown,
  options: FileTransactionOptions = {},
): Promise<FileTransaction> {
  const deleter = options.deleter ?? new FileDeleter(options.manager ?? StorageManager.instance);
  const level = await openLevel(db as DrizzleSession);
  const work = new UnitOfWork(deleter);
  work.begin();
  return new FileTransaction(level, work);
}

/**
 * Runs `fn` in a transaction with its files, as db.transaction does: committed when it
 * resolves, rolled back (deleting its uploads) when it throws.
 * @example
 *   await fileTransaction(db, (t) => t.insert(attachment, { name: "a", contentFirst: buffer }));
 */
export async function fileTransaction<R>(
  db: unknown,
  fn: (tx: FileTransaction) => Promise<R>,
  options: FileTransactionOptions = {},
): Promise<R> {
  return (await beginFileTransaction(db, options)).run(fn);
}

/**
 * Every file path the rows of `tables` reference through their file columns, for
 * sweepOrphans. Reads every row of each table.
 */
export async function* referencedFiles(db: unknown, tables: Table[]): AsyncIterable<string> {
  for (const table of tables) {
    const fields = fileFieldsOf(table);
    if (fields.size === 0) continue;

    const rows: Row[] = await (db as AnyTx).select().from(table);
    for (const row of rows) yield* rowFiles(fields, row);
  }
}
