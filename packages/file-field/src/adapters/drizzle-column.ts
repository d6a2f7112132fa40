import { type Table, getTableColumns } from "drizzle-orm";
import { customType } from "drizzle-orm/sqlite-core";

import { decodeColumn, encodeColumn, hasInput } from "../codec.js";
import { InvalidFileValueError } from "../errors.js";
import { FileField, type FileFieldOptions } from "../field.js";
import type { FileValue } from "../file-value.js";
import type { FileInput } from "../new-file.js";

/** What a Drizzle file column takes on insert or update, and gives back on select. */
export type FileColumnData =
  FileValue | FileValue[] | FileInput | Array<FileInput | FileValue> | null;

/**
 * A SQLite file column for Drizzle: text holding the stored-file JSON. Write rows through a
 * FileTransaction (`fileTransaction(db, ...)`), which stores assigned files first; a file
 * reaching the database unstored is refused.
 * @example
 *   contentFirst: fileColumn("content_first", { uploadStorage: "first" }),
 */
export function fileColumn(name: string, options: FileFieldOptions = {}) {
  const field = new FileField(options);
  const type = customType<{ data: FileColumnData; driverData: string | null; config: FileField }>({
    dataType: () => "text",
    toDriver: (value) => {
      if (hasInput(value))
        throw new InvalidFileValueError("write rows with files through a FileTransaction");
      return encodeColumn(value);
    },
    fromDriver: (value) => decodeColumn(value, field),
  });
  return type(name, field);
}

/** The file columns of a Drizzle table, by property name. */
export function fileFieldsOf(table: Table): Map<string, FileField> {
  const fields = new Map<string, FileField>();
  for (const [property, column] of Object.entries(getTableColumns(table))) {
    const config = (column as unknown as { config?: { fieldConfig?: unknown } }).config;
    if (config?.fieldConfig instanceof FileField) fields.set(property, config.fieldConfig);
  }
  return fields;
}
