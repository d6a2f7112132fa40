import { StorageManager } from "@stowage/core";
import type {
  DataSource,
  EntityMetadata,
  EntitySubscriberInterface,
  InsertEvent,
  ObjectLiteral,
  QueryRunner,
  RemoveEvent,
  TransactionCommitEvent,
  TransactionRollbackEvent,
  TransactionStartEvent,
  UpdateEvent,
} from "typeorm";

import { hasInput } from "../codec.js";
import { FileDeleter } from "../deleter.js";
import { TransactionRequiredError } from "../errors.js";
import type { FileField } from "../field.js";
import { type RowWrite, rowFiles, writeRow } from "../row.js";
import { UnitOfWork } from "../unit-of-work.js";
import { FileColumnTransformer } from "./typeorm-column.js";

export {
  FileColumn,
  FileColumnTransformer,
  fileColumnSchema,
  type FileColumnOptions,
} from "./typeorm-column.js";

/** The before-events of one save run together; a failure in one undoes the others' uploads. */
interface Batch {
  writes: Promise<unknown>[];
  uploaded: string[];
}

/** Where the subscriber deletes files and reports failed deletes. */
export interface FileFieldSubscriberOptions {
  /** Default: the process-wide StorageManager. */
  manager?: StorageManager;
  /** Shares one retry queue and failure listeners, such as across DataSources. */
  deleter?: FileDeleter;
}

/**
 * Binds file columns to TypeORM's transactions. It stores assigned files in
 * beforeInsert/beforeUpdate (before the statement), stages the files a row lets go in
 * afterUpdate/afterRemove, and follows the query runner's transaction and savepoints
 * (TypeORM's nested `manager.transaction` is a savepoint) through the transaction events.
 * Add it with `attachFileFields(dataSource)`.
 *
 * Writes through save() and remove() are tracked fully. QueryBuilder and
 * repository.update()/delete() store new files but cannot see the old row, so the files
 * they replace or orphan are left for the orphan sweeper.
 */
export class FileFieldSubscriber implements EntitySubscriberInterface {
  readonly deleter: FileDeleter;
  private readonly works = new WeakMap<QueryRunner, UnitOfWork>();
  private readonly letGo = new WeakMap<ObjectLiteral, string[]>();
  private readonly batches = new WeakMap<QueryRunner, Batch>();
  /** Query runners inside a transaction, to roll back when the DataSource is destroyed. */
  readonly open = new Set<QueryRunner>();

  constructor(options: FileFieldSubscriberOptions = {}) {
    this.deleter = options.deleter ?? new FileDeleter(options.manager ?? StorageManager.instance);
  }

  afterTransactionStart(event: TransactionStartEvent): void {
    this.work(event.queryRunner).begin();
    this.open.add(event.queryRunner);
  }

  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const work = this.work(event.queryRunner);
    await work.commit();
    if (work.depth === 0) this.open.delete(event.queryRunner);
  }

  async afterTransactionRollback(event: TransactionRollbackEvent): Promise<void> {
    const work = this.work(event.queryRunner);
    await work.rollback();
    if (work.depth === 0) this.open.delete(event.queryRunner);
  }

  async beforeInsert(event: InsertEvent<ObjectLiteral>): Promise<void> {
    await this.write(event.metadata, event.entity, undefined, event.queryRunner);
  }

  async beforeUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> {
    if (!event.entity) return;
    await this.write(event.metadata, event.entity, event.databaseEntity, event.queryRunner);
  }

  beforeRemove(event: RemoveEvent<ObjectLiteral>): void {
    const row = event.databaseEntity ?? event.entity;
    if (row && event.entity)
      this.letGo.set(event.entity, rowFiles(fileFields(event.metadata), row));
  }

  async afterInsert(event: InsertEvent<ObjectLiteral>): Promise<void> {
    await this.release(event.entity, event.queryRunner);
  }

  async afterUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> {
    if (event.entity) await this.release(event.entity, event.queryRunner);
  }

  async afterRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> {
    if (event.entity) await this.release(event.entity, event.queryRunner);
  }

  /** The unit of work of a query runner (one per connection). */
  work(queryRunner: QueryRunner): UnitOfWork {
    let work = this.works.get(queryRunner);
    if (!work) {
      work = new UnitOfWork(this.deleter);
      this.works.set(queryRunner, work);
    }
    return work;
  }

  private async write(
    metadata: EntityMetadata,
    entity: ObjectLiteral,
    before: ObjectLiteral | undefined,
    queryRunner: QueryRunner,
  ): Promise<void> {
    const fields = fileFields(metadata);
    if (fields.size === 0) return;
    const work = this.work(queryRunner);
    if (work.depth === 0 && [...fields.keys()].some((key) => hasInput(entity[key]))) {
      throw new TransactionRequiredError(`Writing ${metadata.name} with new files`);
    }

    const batch = this.batch(queryRunner);
    const task =
      work.depth === 0
        ? writeRow(fields, entity, before, noSink)
        : this.track(work, batch, fields, entity, before);
    const write = await task;
    Object.assign(entity, write.values);
    this.letGo.set(entity, write.gone);
  }

  private track(
    work: UnitOfWork,
    batch: Batch,
    fields: ReadonlyMap<string, FileField>,
    entity: ObjectLiteral,
    before: ObjectLiteral | undefined,
  ): Promise<RowWrite> {
    const sink = work.sink();
    const write = writeRow(fields, entity, before, {
      uploaded: (path) => {
        batch.uploaded.push(path);
        sink.uploaded(path);
      },
      discard: (paths) => sink.discard(paths),
    });
    batch.writes.push(write);

    // No statement of the save has run while its before-events run: a failed write undoes
    // the uploads of the whole save, once every write of it has settled.
    const undone = write.catch(async (error) => {
      await Promise.allSettled(batch.writes);
      await sink.discard(batch.uploaded);
      throw error;
    });
    return work.track(undone);
  }

  /** The batch of before-events TypeORM starts in one go for one save. */
  private batch(queryRunner: QueryRunner): Batch {
    let batch = this.batches.get(queryRunner);
    if (!batch) {
      const created: Batch = { writes: [], uploaded: [] };
      this.batches.set(queryRunner, created);
      queueMicrotask(() => this.batches.delete(queryRunner));
      batch = created;
    }
    return batch;
  }

  /** After a statement ran: stages the files its row let go (outside a transaction, deletes). */
  private async release(entity: ObjectLiteral, queryRunner: QueryRunner): Promise<void> {
    const gone = this.letGo.get(entity);
    if (!gone || gone.length === 0) return;
    this.letGo.delete(entity);

    const work = this.work(queryRunner);
    if (work.depth > 0) work.letGo(gone);
    else await this.deleter.deleteAll(gone);
  }
}

/**
 * Adds a FileFieldSubscriber to an initialized DataSource and returns it; its `deleter`
 * reports failed deletes (`onDeleteFailed`) and retries them (`retryFailed`).
 *
 * Closing without commit undoes a transaction, files included: destroying the DataSource
 * first rolls back every transaction still open (SQLite would discard them on close,
 * unseen). TypeORM's release() of a query runner does not end its transaction; on SQLite
 * drivers the one shared connection stays inside it, so release() is left as it is.
 */
export function attachFileFields(
  dataSource: DataSource,
  options: FileFieldSubscriberOptions = {},
): FileFieldSubscriber {
  const subscriber = new FileFieldSubscriber(options);
  dataSource.subscribers.push(subscriber);
  const destroy = dataSource.destroy.bind(dataSource);

  dataSource.destroy = async () => {
    for (const queryRunner of subscriber.open) {
      while (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
    }
    return destroy();
  };
  return subscriber;
}

/** The file columns of an entity, by property name. */
export function fileFields(metadata: EntityMetadata): Map<string, FileField> {
  const fields = new Map<string, FileField>();
  for (const column of metadata.columns) {
    const transformer = column.transformer;
    if (transformer instanceof FileColumnTransformer)
      fields.set(column.propertyName, transformer.field);
  }
  return fields;
}

/** Writes with no new file need no sink: nothing is uploaded. */
const noSink = {
  uploaded() {
    throw new TransactionRequiredError("Writing a row with new files");
  },
  async discard() {},
};

/**
 * Every file path the rows of `entities` reference through their file columns, for
 * sweepOrphans. Reads the file columns of every row.
 */
export async function* referencedFiles(
  dataSource: DataSource,
  entities: Array<new () => ObjectLiteral>,
): AsyncIterable<string> {
  for (const entity of entities) {
    const repository = dataSource.getRepository(entity);
    const fields = fileFields(repository.metadata);
    if (fields.size === 0) continue;

    const select = Object.fromEntries([...fields.keys()].map((key) => [key, true]));
    for (const row of await repository.find({ select })) yield* rowFiles(fields, row);
  }
}
