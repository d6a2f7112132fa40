import { FileAlreadyOwnedError, InvalidFileValueError } from "./errors.js";
import type { FileField } from "./field.js";
import { FileValue } from "./file-value.js";
import { isFileInput, toNewFile } from "./new-file.js";
import type { UploadSink } from "./sink.js";
import { storeFile } from "./store.js";

/** A file column's value as the row holds it once written. */
export type ColumnValue = FileValue | FileValue[] | null;

/** What writing a row's file columns did. */
export interface RowWrite {
  /** The new column values, by property, for the statement. */
  values: Record<string, ColumnValue>;
  /** Every object stored for this row. */
  uploaded: string[];
  /** Objects the row held before and no longer does: delete them once the write commits. */
  gone: string[];
}

/**
 * Stores the new files assigned to a row's file columns and works out which old files the
 * row lets go. `before` is the row as the database holds it (undefined for an insert). A
 * property absent from `after` is left as it was. A stored value may stay in its own row
 * and column only: anything else is refused (see FileAlreadyOwnedError). If any file
 * fails, the files already stored for this row are deleted before the error is thrown.
 * @throws FileValidationError, FileProcessorError, FileAlreadyOwnedError, StorageError
 */
export async function writeRow(
  fields: ReadonlyMap<string, FileField>,
  after: Record<string, unknown>,
  before: Record<string, unknown> | undefined,
  sink: UploadSink,
): Promise<RowWrite> {
  const write: RowWrite = { values: {}, uploaded: [], gone: [] };
  const tracking: UploadSink = {
    uploaded: (path) => {
      write.uploaded.push(path);
      sink.uploaded(path);
    },
    discard: (paths) => sink.discard(paths),
  };

  try {
    for (const [property, field] of fields) {
      if (after[property] === undefined) continue;
      const old = toValues(before?.[property]);
      const value = await writeColumn(field, property, after[property], old, tracking);
      write.values[property] = value;
      write.gone.push(...goneFiles(old, toValues(value)));
    }
  } catch (error) {
    await sink.discard(write.uploaded);
    throw error;
  }
  return write;
}

/** Every object a row holds through its file columns. */
export function rowFiles(
  fields: ReadonlyMap<string, FileField>,
  row: Record<string, unknown>,
): string[] {
  return [...fields.keys()].flatMap((property) =>
    toValues(row[property]).flatMap((file) => file.paths),
  );
}

async function writeColumn(
  field: FileField,
  property: string,
  assigned: unknown,
  old: FileValue[],
  sink: UploadSink,
): Promise<ColumnValue> {
  if (assigned === null) return null;
  const items = field.multiple ? asList(assigned, property) : [assigned];
  const owned = new Set(old.map((file) => file.objectName));
  const stored: FileValue[] = [];

  for (const item of items) {
    if (item instanceof FileValue) {
      if (!owned.has(item.objectName) || item.storage !== storageOf(old, item)) {
        throw new FileAlreadyOwnedError(item.path).inField(property);
      }
      stored.push(item);
    } else if (isFileInput(item)) {
      stored.push(await storeFile(field, property, toNewFile(item), sink));
    } else {
      throw new InvalidFileValueError(`got ${typeof item}`).inField(property);
    }
  }
  return field.multiple ? stored : (stored[0] ?? null);
}

function asList(assigned: unknown, property: string): unknown[] {
  if (Array.isArray(assigned)) return assigned;
  throw new InvalidFileValueError("a list column takes an array").inField(property);
}

function storageOf(old: FileValue[], item: FileValue): string | undefined {
  return old.find((file) => file.objectName === item.objectName)?.storage;
}

/** The files of a column value; tolerant of what the database may hold. */
export function toValues(value: unknown): FileValue[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.filter((item): item is FileValue => item instanceof FileValue);
}

function goneFiles(old: FileValue[], kept: FileValue[]): string[] {
  const keep = new Set(kept.flatMap((file) => file.paths));
  return old.flatMap((file) => file.paths).filter((path) => !keep.has(path));
}
