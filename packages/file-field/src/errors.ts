/**
 * Errors of the file field. Storage failures (a container that is gone, a refused name) pass
 * through as core's StorageError; these name what the field itself refused, and which field.
 */

/** Stable, machine-readable codes of FileFieldError. They never change between releases. */
export const FileFieldErrorCode = {
  FILE_TOO_LARGE: "FILE_TOO_LARGE",
  FILE_TOO_SMALL: "FILE_TOO_SMALL",
  CONTENT_TYPE_NOT_ALLOWED: "CONTENT_TYPE_NOT_ALLOWED",
  NOT_AN_IMAGE: "NOT_AN_IMAGE",
  IMAGE_DIMENSIONS: "IMAGE_DIMENSIONS",
  IMAGE_ASPECT_RATIO: "IMAGE_ASPECT_RATIO",
  PROCESSOR_FAILED: "PROCESSOR_FAILED",
  FILE_ALREADY_OWNED: "FILE_ALREADY_OWNED",
  TRANSACTION_REQUIRED: "TRANSACTION_REQUIRED",
  OUTER_TRANSACTION_UNSEEN: "OUTER_TRANSACTION_UNSEEN",
  INVALID_FILE_VALUE: "INVALID_FILE_VALUE",
  INVALID_FIELD_OPTIONS: "INVALID_FIELD_OPTIONS",
} as const;

export type FileFieldErrorCode = (typeof FileFieldErrorCode)[keyof typeof FileFieldErrorCode];

/** Base class of every error the file field throws. `field` names the column, when known. */
export class FileFieldError extends Error {
  readonly code: FileFieldErrorCode;
  field?: string;

  constructor(
    code: FileFieldErrorCode,
    message: string,
    options: { field?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
  }

  /** Names the field when the error was raised before it was known; never overwrites it. */
  inField(field: string): this {
    if (this.field === undefined) {
      this.field = field;
      this.message = `${field}: ${this.message}`;
    }
    return this;
  }
}

/** A validator refused a file before it was stored; `message` says why. */
export class FileValidationError extends FileFieldError {}

/** A processor (such as the thumbnail maker) failed; the original upload was removed. */
export class FileProcessorError extends FileFieldError {
  constructor(processor: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(FileFieldErrorCode.PROCESSOR_FAILED, `processor "${processor}" failed: ${reason}`, {
      cause,
    });
  }
}

/**
 * A stored-file value was given to a row (or column) that did not upload it. Two rows
 * sharing one object would lose it when either is deleted; `value.copy()` makes a new file.
 */
export class FileAlreadyOwnedError extends FileFieldError {
  constructor(objectPath: string) {
    super(
      FileFieldErrorCode.FILE_ALREADY_OWNED,
      `file ${JSON.stringify(objectPath)} belongs to another row or column; ` +
        "assign value.copy() to store a copy of it",
    );
  }
}

/** A row with file columns was written outside a transaction. */
export class TransactionRequiredError extends FileFieldError {
  constructor(what: string) {
    super(
      FileFieldErrorCode.TRANSACTION_REQUIRED,
      `${what} must run inside a transaction, so its files follow the commit or rollback`,
    );
  }
}

/** A column holds something that is not a stored-file value (or a list of them). */
export class InvalidFileValueError extends FileFieldError {
  constructor(reason: string) {
    super(FileFieldErrorCode.INVALID_FILE_VALUE, `not a stored-file value: ${reason}`);
  }
}
