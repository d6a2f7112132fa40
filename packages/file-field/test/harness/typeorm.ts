import "reflect-metadata";

import { FileDeleter, maxSize, thumbnail } from "@stowage/file-field";
import { FileColumn, attachFileFields } from "@stowage/file-field/typeorm";
import { Column, DataSource, Entity, type EntityManager, PrimaryGeneratedColumn } from "typeorm";

import { type Harness, NOTE_TABLE, type RowData, type StoredRow, type Tx } from "./types.js";

/**
 * The seed's Attachment entity. The decorators are applied by hand because the test runner
 * (esbuild) compiles decorator syntax as standard decorators; a TypeScript project with
 * `experimentalDecorators` writes `@FileColumn({ uploadStorage: "first" })` above the field.
 */
export class Attachment {
  id!: number;
  name!: string;
  contentFirst!: unknown;
  contentSecond!: unknown;
  documents!: unknown;
  picture!: unknown;
}

const decorate = (decorator: PropertyDecorator, key: keyof Attachment) =>
  decorator(Attachment.prototype, key);
decorate(PrimaryGeneratedColumn({ type: "integer" }), "id");
decorate(Column({ type: "varchar", length: 50, unique: true }), "name");
decorate(FileColumn({ uploadStorage: "first", name: "content_first" }), "contentFirst");
decorate(
  FileColumn({ uploadStorage: "second", name: "content_second", validators: [maxSize("1 KiB")] }),
  "contentSecond",
);
decorate(FileColumn({ multiple: true }), "documents");
decorate(FileColumn({ uploadStorage: "first", processors: [thumbnail({ width: 16 })] }), "picture");
Entity("attachment")(Attachment);

export class TypeOrmHarness implements Harness {
  readonly label = "TypeORM";
  private dataSource?: DataSource;
  private dbPath = "";
  /** One retry queue across reopenings of the database. */
  readonly deleter = new FileDeleter();

  /** The open DataSource. */
  get source(): DataSource {
    return this.dataSource!;
  }

  async open(dbPath: string): Promise<void> {
    this.dbPath = dbPath;
    const dataSource = new DataSource({
      type: "better-sqlite3",
      database: dbPath,
      entities: [Attachment],
      synchronize: true,
    });
    await dataSource.initialize();
    await dataSource.query(NOTE_TABLE);
    attachFileFields(dataSource, { deleter: this.deleter });
    this.dataSource = dataSource;
  }

  async close(): Promise<void> {
    await this.dataSource?.destroy();
    this.dataSource = undefined;
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource!.transaction((manager) => fn(txOn(manager)));
  }

  /** Opens a transaction on a query runner, then destroys the DataSource without commit. */
  async closeWithoutCommit(fn: (tx: Tx) => Promise<void>): Promise<void> {
    const queryRunner = this.dataSource!.createQueryRunner();
    await queryRunner.startTransaction();
    await fn(txOn(queryRunner.manager));
    await this.close();
    await this.open(this.dbPath);
  }

  rows(): Promise<StoredRow[]> {
    return readRows(this.dataSource!.manager);
  }
}

function txOn(manager: EntityManager): Tx {
  return {
    insert: async (rows: RowData | RowData[]) => {
      const list = (Array.isArray(rows) ? rows : [rows]).map((row) =>
        Object.assign(new Attachment(), row),
      );
      await manager.save(list);
    },
    update: async (name, changes) => {
      const row = await manager.findOneByOrFail(Attachment, { name });
      await manager.save(Object.assign(row, changes));
    },
    remove: async (name) => {
      await manager.remove(await manager.findOneByOrFail(Attachment, { name }));
    },
    savepoint: (fn) => manager.transaction((inner) => fn(txOn(inner))),
    rows: () => readRows(manager),
    sql: async (statement) => void (await manager.query(statement)),
  };
}

async function readRows(manager: EntityManager): Promise<StoredRow[]> {
  return (await manager.find(Attachment, { order: { id: "ASC" } })) as StoredRow[];
}
