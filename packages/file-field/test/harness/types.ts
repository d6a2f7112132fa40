import type { FileDeleter, FileValue } from "@stowage/file-field";

/** The seed's Attachment row, with a list column and a processed column added. */
export interface RowData {
  name: string;
  /** Storage "first". */
  contentFirst?: unknown;
  /** Storage "second", at most 1 KiB. */
  contentSecond?: unknown;
  /** A list, in the default storage. */
  documents?: unknown;
  /** Storage "first", with a 16 px thumbnail. */
  picture?: unknown;
}

export interface StoredRow {
  id: number;
  name: string;
  contentFirst: FileValue | null;
  contentSecond: FileValue | null;
  documents: FileValue[] | null;
  picture: FileValue | null;
}

/** Row writes inside an open transaction or savepoint. */
export interface Tx {
  insert(rows: RowData | RowData[]): Promise<void>;
  update(name: string, changes: Partial<RowData>): Promise<void>;
  remove(name: string): Promise<void>;
  /** Runs `fn` in a savepoint: released if it resolves, rolled back if it throws. */
  savepoint<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Reads the rows as this transaction sees them. */
  rows(): Promise<StoredRow[]>;
  /** Runs one SQL statement on the transaction, such as a write to NOTE_TABLE. */
  sql(statement: string): Promise<void>;
}

/**
 * A table, created by every harness, whose foreign key is checked only at COMMIT: a row
 * pointing at no attachment makes the database refuse the commit itself.
 */
export const NOTE_TABLE = `create table if not exists note (
  id integer primary key,
  attachment_id integer references attachment(id) deferrable initially deferred
)`;

/** One ORM adapter on a SQLite database file, driven the same way by every scenario. */
export interface Harness {
  readonly label: string;
  readonly deleter: FileDeleter;
  open(dbPath: string): Promise<void>;
  close(): Promise<void>;
  /** Commits when `fn` resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Opens a transaction, runs `fn` in it, then closes it without commit. */
  closeWithoutCommit(fn: (tx: Tx) => Promise<void>): Promise<void>;
  rows(): Promise<StoredRow[]>;
}
