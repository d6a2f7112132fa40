import { InvalidFileValueError } from "./errors.js";
import type { FileField } from "./field.js";
import { FileValue } from "./file-value.js";
import { isFileInput } from "./new-file.js";
import type { ColumnValue } from "./row.js";

/**
 * What an ORM may compare a not-yet-stored assignment with before the adapter stores it.
 * It differs from every stored value, so the column counts as changed; it is never written
 * while the adapter is installed, and reading it fails with a clear error.
 */
export const NOT_STORED_YET = '{"stowage":"file not stored yet: install the file field adapter"}';

/** True when a column value still holds something to upload. */
export function hasInput(value: unknown): boolean {
  return Array.isArray(value) ? value.some(isFileInput) : isFileInput(value);
}

/** The JSON text a file column stores, or null. */
export function encodeColumn(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (hasInput(value)) return NOT_STORED_YET;
  if (value instanceof FileValue) return JSON.stringify(value);
  if (Array.isArray(value) && value.every((item) => item instanceof FileValue))
    return JSON.stringify(value);
  throw new InvalidFileValueError(`cannot store ${typeof value} in a file column`);
}

/**
 * The value a file column's JSON text stands for.
 * @throws InvalidFileValueError for text that is not a stored-file value
 */
export function decodeColumn(raw: unknown, field: FileField): ColumnValue {
  if (raw === null || raw === undefined) return null;
  const json = typeof raw === "string" ? parse(raw) : raw;
  if (Array.isArray(json)) return json.map((item) => FileValue.fromJSON(item, field.manager));
  return FileValue.fromJSON(json, field.manager);
}

function parse(text: string): unknown {
  if (text === NOT_STORED_YET)
    throw new InvalidFileValueError("the row was written without the file field adapter");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidFileValueError(
      `the column holds text that is not JSON (${(error as Error).message})`,
    );
  }
}
