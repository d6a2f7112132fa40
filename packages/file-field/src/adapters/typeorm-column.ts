import {
  Column,
  type ColumnOptions,
  type EntitySchemaColumnOptions,
  type ValueTransformer,
} from "typeorm";

import { decodeColumn, encodeColumn } from "../codec.js";
import { FileField, type FileFieldOptions } from "../field.js";

/** A TypeORM file column: the field's options, plus the column's own. */
export interface FileColumnOptions extends FileFieldOptions {
  /** The column's name in the database; default the property's name. */
  name?: string;
  /** Default true: a row may hold no file. */
  nullable?: boolean;
}

/** Turns a file column's value into its JSON text and back. */
export class FileColumnTransformer implements ValueTransformer {
  constructor(readonly field: FileField) {}

  to(value: unknown): unknown {
    // TypeORM also passes find operators (IsNull() and the like) through transformers.
    if (isFindOperator(value)) return value;
    return encodeColumn(value);
  }

  from(value: unknown): unknown {
    return decodeColumn(value, this.field);
  }
}

/**
 * Declares a file column on a TypeORM entity: a text column holding the stored-file JSON.
 * Assign a Buffer, string, stream, Blob/File or NewFile; FileFieldSubscriber stores it when
 * the row is saved, in the save's transaction.
 * @example
 *   @FileColumn({ uploadStorage: "first" }) contentFirst!: FileValue | FileInput | null;
 */
export function FileColumn(options: FileColumnOptions = {}): PropertyDecorator {
  return Column(fileColumnSchema(options) as ColumnOptions);
}

/**
 * The same column for an EntitySchema (entities declared without decorators, as in
 * plain JavaScript): `columns: { contentFirst: fileColumnSchema({ uploadStorage: "first" }) }`.
 */
export function fileColumnSchema(options: FileColumnOptions = {}): EntitySchemaColumnOptions {
  const { name, nullable, ...fieldOptions } = options;
  const transformer = new FileColumnTransformer(new FileField(fieldOptions));
  return { type: "text", name, nullable: nullable ?? true, transformer };
}

function isFindOperator(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { "@instanceof"?: symbol })["@instanceof"] === Symbol.for("FindOperator")
  );
}
