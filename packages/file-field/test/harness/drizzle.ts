import Database from "better-sqlite3";
import { asc, eq } from "drizzle-orm";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

import { FileDeleter, maxSize, thumbnail } from "@stowage/file-field";
import { type FileTransaction, beginFileTransaction, fileColumn, fileTransaction } from "@stowage/file-field/drizzle";

import type { Harness, StoredRow, Tx } from "./types.js";

/** The seed's Attachment table, schema-first. */
export const attachment = sqliteTable("attachment", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name", { length: 50 }).unique().notNull(),
  contentFirst: fileColumn("content_first", { uploadStorage: "first" }),
  contentSecond: fileColumn("content_second", { uploadStorage: "second", validators: [maxSize("1 KiB")] }),
  documents: fileColumn("documents", { multiple: true }),
  picture: fileColumn("picture", { uploadStorage: "first", processors: [thumbnail({ width: 16 })] }),
});

const SCHEMA = `create table if not exists attachment (
  id integer primary key autoincrement,
  name text(50) not null unique,
  content_first text, content_second text, documents text, picture text
)`;

export class DrizzleHarness implements Harness {
  readonly label = "Drizzle";
  readonly deleter = new FileDeleter();
  private sqlite?: Database.Database;
  private db?: BetterSQLite3Database;

  /** The open Drizzle database. */
  get database(): BetterSQLite3Database {
    return this.db!;
  }

  async open(dbPath: string): Promise<void> {
    this.sqlite = new Database(dbPath);
    this.sqlite.exec(SCHEMA);
    this.db = drizzle(this.sqlite);
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

function txOn(t: FileTransaction): Tx {
  return {
    insert: async (rows) => void (await t.insert(attachment, Array.isArray(rows) ? rows : [rows])),
    update: async (name, changes) => void (await t.update(attachment, eq(attachment.name, name), changes)),
    remove: async (name) => void (await t.delete(attachment, eq(attachment.name, name))),
    savepoint: (fn) => t.transaction((inner) => fn(txOn(inner))),
    rows: async () => (await t.tx.select().from(attachment).orderBy(asc(attachment.id))) as StoredRow[],
  };
}
