import Database from "better-sqlite3";
import { asc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { drizzle as drizzleProxy } from "drizzle-orm/sqlite-proxy";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

import { FileDeleter, maxSize, thumbnail } from "@stowage/file-field";
import {
  type FileTransaction,
  beginFileTransaction,
  fileColumn,
  fileTransaction,
} from "@stowage/file-field/drizzle";

import { type Harness, NOTE_TABLE, type StoredRow, type Tx } from "./types.js";

/** The seed's Attachment table, schema-first. */
export const attachment = sqliteTable("attachment", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name", { length: 50 }).unique().notNull(),
  contentFirst: fileColumn("content_first", { uploadStorage: "first" }),
  contentSecond: fileColumn("content_second", {
    uploadStorage: "second",
    validators: [maxSize("1 KiB")],
  }),
  documents: fileColumn("documents", { multiple: true }),
  picture: fileColumn("picture", {
    uploadStorage: "first",
    processors: [thumbnail({ width: 16 })],
  }),
});

const SCHEMA = `create table if not exists attachment (
  id integer primary key autoincrement,
  name text(50) not null unique,
  content_first text, content_second text, documents text, picture text
)`;

/* The two Drizzle database kinds differ in result mode; the harness drives either. */
type AnyDrizzle = any;

/**
 * Drizzle on better-sqlite3, either through its synchronous driver or, as "async",
 * through the sqlite-proxy driver (async calls, Drizzle's own transactions and savepoints).
 */
export class DrizzleHarness implements Harness {
  readonly label: string;
  readonly deleter = new FileDeleter();
  private sqlite?: Database.Database;
  private db?: AnyDrizzle;

  constructor(private readonly mode: "sync" | "async" = "sync") {
    this.label = mode === "sync" ? "Drizzle (better-sqlite3)" : "Drizzle (async sqlite-proxy)";
  }

  /** The open Drizzle database. */
  get database(): AnyDrizzle {
    return this.db;
  }

  async open(dbPath: string): Promise<void> {
    const sqlite = new Database(dbPath);
    sqlite.exec(SCHEMA);
    sqlite.exec(NOTE_TABLE);
    this.sqlite = sqlite;
    this.db =
      this.mode === "sync"
        ? drizzle(sqlite)
        : drizzleProxy(async (query, params, method) => proxy(sqlite, query, params, method));
  }

  async close(): Promise<void> {
    this.sqlite?.close();
    this.sqlite = undefined;
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fileTransaction(this.db, (t) => fn(txOn(t)), { deleter: this.deleter });
  }

  async closeWithoutCommit(fn: (tx: Tx) => Promise<void>): Promise<void> {
    const t = await beginFileTransaction(this.db, { deleter: this.deleter });
    await fn(txOn(t));
    await t.close();
  }

  async rows(): Promise<StoredRow[]> {
    return (await this.db!.select().from(attachment).orderBy(asc(attachment.id))) as StoredRow[];
  }
}

type Changes = Partial<typeof attachment.$inferInsert>;

function txOn(t: FileTransaction): Tx {
  return {
    insert: async (rows) => {
      const list = (Array.isArray(rows) ? rows : [rows]) as Array<typeof attachment.$inferInsert>;
      await t.insert(attachment, list);
    },
    update: async (name, changes) =>
      void (await t.update(attachment, eq(attachment.name, name), changes as Changes)),
    remove: async (name) => void (await t.delete(attachment, eq(attachment.name, name))),
    savepoint: (fn) => t.transaction((inner) => fn(txOn(inner))),
    rows: async () =>
      (await t.tx.select().from(attachment).orderBy(asc(attachment.id))) as StoredRow[],
    sql: async (statement) => void (await t.tx.run(sql.raw(statement))),
  };
}

/** Runs one statement for the sqlite-proxy driver, which wants rows as arrays. */
function proxy(sqlite: Database.Database, query: string, params: unknown[], method: string) {
  const statement = sqlite.prepare(query);
  if (method === "run") {
    statement.run(...params);
    return { rows: [] };
  }
  const raw = statement.raw();
  return {
    rows: method === "get" ? (raw.get(...params) as unknown[]) : (raw.all(...params) as unknown[]),
  };
}
