import { is, sql } from "drizzle-orm";
import { SQLiteTransaction } from "drizzle-orm/sqlite-core";

import { FileFieldError, FileFieldErrorCode } from "../errors.js";

/** What of a Drizzle database or transaction the levels use. */
export interface DrizzleSession {
  resultKind?: "sync" | "async";
  run(query: ReturnType<typeof sql.raw>): unknown;
  transaction(fn: (tx: DrizzleSession) => unknown): unknown;
}

/** One open database transaction or savepoint, held open until commit or rollback. */
export interface Level {
  /** The Drizzle handle whose queries run inside it. */
  readonly tx: DrizzleSession;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Opens a savepoint inside it. */
  nested(): Promise<Level>;
}

/**
 * Opens a transaction on `db`. Drivers whose calls are synchronous (better-sqlite3, Bun's
 * SQLite) cannot run an async callback inside db.transaction, so their transaction and
 * savepoints are opened with SQL statements on the one connection. Async drivers run
 * Drizzle's own db.transaction and tx.transaction (savepoints), held open until decided.
 */
export async function openLevel(db: DrizzleSession): Promise<Level> {
  if (is(db, SQLiteTransaction)) throw insideTransaction();
  return db.resultKind === "sync" ? syncLevel(db, 0) : heldLevel(db);
}

function syncLevel(db: DrizzleSession, depth: number): Level {
  const savepoint = `stowage_sp${depth}`;
  const run = (statement: string) => void db.run(sql.raw(statement));
  run(depth === 0 ? "begin" : `savepoint ${savepoint}`);

  return {
    tx: db,
    nested: async () => syncLevel(db, depth + 1),
    commit: async () => run(depth === 0 ? "commit" : `release savepoint ${savepoint}`),
    rollback: async () => {
      if (depth === 0) return run("rollback");
      run(`rollback to savepoint ${savepoint}`);
      run(`release savepoint ${savepoint}`);
    },
  };
}

/** Thrown inside a held transaction's callback to make Drizzle roll it back. */
const ROLLBACK = Symbol("rollback");

async function heldLevel(parent: DrizzleSession): Promise<Level> {
  let opened!: (tx: DrizzleSession) => void;
  let decide!: (commit: boolean) => void;
  const ready = new Promise<DrizzleSession>((resolve) => (opened = resolve));
  const decision = new Promise<boolean>((resolve) => (decide = resolve));

  const done = Promise.resolve(
    parent.transaction(async (tx) => {
      opened(tx);
      if (!(await decision)) throw ROLLBACK;
    }),
  );
  const tx = await Promise.race([
    ready,
    done.then(() => Promise.reject(new Error("transaction ended early"))),
  ]);

  return {
    tx,
    nested: () => heldLevel(tx),
    commit: async () => {
      decide(true);
      await done;
    },
    rollback: async () => {
      decide(false);
      await done.catch((error) => {
        if (error !== ROLLBACK) throw error;
      });
    },
  };
}

/**
 * A file transaction opened inside a Drizzle transaction would delete the files its rows let
 * go when it ends, before the outer transaction it cannot see commits or rolls back.
 */
function insideTransaction(): FileFieldError {
  return new FileFieldError(
    FileFieldErrorCode.OUTER_TRANSACTION_UNSEEN,
    "a file transaction needs the database, not a Drizzle transaction: it could not know " +
      "when the outer transaction commits. Open it with fileTransaction(db, ...), use " +
      "t.transaction(...) for savepoints and t.tx for other queries",
  );
}
