/**
 * Stowage's closed set of error kinds. Every driver maps its provider's failures onto these
 * classes, so callers can branch on `instanceof` or on the stable `code`, whatever the backend.
 */

/** Stable, machine-readable error codes. They never change between releases. */
export const ErrorCode = {
  CONTAINER_ALREADY_EXISTS: "CONTAINER_ALREADY_EXISTS",
  CONTAINER_DOES_NOT_EXIST: "CONTAINER_DOES_NOT_EXIST",
  CONTAINER_IS_NOT_EMPTY: "CONTAINER_IS_NOT_EMPTY",
  INVALID_CONTAINER_NAME: "INVALID_CONTAINER_NAME",
  OBJECT_DOES_NOT_EXIST: "OBJECT_DOES_NOT_EXIST",
  OBJECT_HASH_MISMATCH: "OBJECT_HASH_MISMATCH",
  INVALID_OBJECT_NAME: "INVALID_OBJECT_NAME",
  OBJECT_NAME_CONFLICT: "OBJECT_NAME_CONFLICT",
  NOT_SUPPORTED: "NOT_SUPPORTED",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  AUTHENTICATION_FAILED: "AUTHENTICATION_FAILED",
  PERMISSION_DENIED: "PERMISSION_DENIED",
  TRANSIENT: "TRANSIENT",
  INVALID_RANGE: "INVALID_RANGE",
  INVALID_ARGUMENT: "INVALID_ARGUMENT",
  DESTINATION_EXISTS: "DESTINATION_EXISTS",
  ABORTED: "ABORTED",
  UPLOAD_SOURCE_FAILED: "UPLOAD_SOURCE_FAILED",
  DRIVER_NOT_INSTALLED: "DRIVER_NOT_INSTALLED",
  UNKNOWN_STORAGE: "UNKNOWN_STORAGE",
  STORAGE_ALREADY_REGISTERED: "STORAGE_ALREADY_REGISTERED",
  PROVIDER_ERROR: "PROVIDER_ERROR",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Where an error happened: which driver, operation, container and object. */
export interface ErrorContext {
  /** The driver's display name, such as "Local" or "Amazon S3". */
  driver?: string;
  /** The operation that failed, such as "uploadObject". */
  operation?: string;
  container?: string;
  objectName?: string;
  /** The provider's original error. */
  cause?: unknown;
}

/** Base class of every error Stowage throws. */
export class StorageError extends Error {
  readonly code: ErrorCode;
  driver?: string;
  operation?: string;
  container?: string;
  objectName?: string;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.code = code;
    this.driver = context.driver;
    this.operation = context.operation;
    this.container = context.container;
    this.objectName = context.objectName;
  }

  /** Fills in context fields that are still unknown; never overwrites what is set. */
  withContext(context: ErrorContext): this {
    this.driver ??= context.driver;
    this.operation ??= context.operation;
    this.container ??= context.container;
    this.objectName ??= context.objectName;
    return this;
  }

  /** True when repeating the same call may succeed. */
  get retryable(): boolean {
    return false;
  }
}

/** createContainer was asked for a name that already exists. */
export class ContainerAlreadyExistsError extends StorageError {
  constructor(container: string, context: ErrorContext = {}) {
    super(ErrorCode.CONTAINER_ALREADY_EXISTS, `Container "${container}" already exists`, {
      ...context,
      container,
    });
  }
}

/** The container does not exist (or the credentials may not see it). */
export class ContainerDoesNotExistError extends StorageError {
  constructor(container: string, context: ErrorContext = {}) {
    super(ErrorCode.CONTAINER_DOES_NOT_EXIST, `Container "${container}" does not exist`, {
      ...context,
      container,
    });
  }
}

/** deleteContainer was called on a container that still holds objects. */
export class ContainerIsNotEmptyError extends StorageError {
  constructor(container: string, context: ErrorContext = {}) {
    super(ErrorCode.CONTAINER_IS_NOT_EMPTY, `Container "${container}" is not empty`, {
      ...context,
      container,
    });
  }
}

/** The container name breaks a rule of the provider; `reason` says which. */
export class InvalidContainerNameError extends StorageError {
  readonly reason: string;

  constructor(container: string, reason: string, context: ErrorContext = {}) {
    super(ErrorCode.INVALID_CONTAINER_NAME, `Invalid container name "${container}": ${reason}`, {
      ...context,
      container,
    });
    this.reason = reason;
  }
}

/** The object does not exist in its container. */
export class ObjectDoesNotExistError extends StorageError {
  constructor(objectName: string, context: ErrorContext = {}) {
    super(ErrorCode.OBJECT_DOES_NOT_EXIST, `Object "${objectName}" does not exist`, {
      ...context,
      objectName,
    });
  }
}

/** The bytes read or written do not match the checksum the other side reported. */
export class ObjectHashMismatchError extends StorageError {
  readonly expected: string;
  readonly actual: string;

  constructor(objectName: string, expected: string, actual: string, context: ErrorContext = {}) {
    super(
      ErrorCode.OBJECT_HASH_MISMATCH,
      `Checksum mismatch for object "${objectName}": expected ${expected}, got ${actual}`,
      { ...context, objectName },
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** The object name is refused before any request; `reason` says why. */
export class InvalidObjectNameError extends StorageError {
  readonly reason: string;

  constructor(objectName: string, reason: string, context: ErrorContext = {}) {
    super(
      ErrorCode.INVALID_OBJECT_NAME,
      `Invalid object name ${JSON.stringify(objectName)}: ${reason}`,
      { ...context, objectName },
    );
    this.reason = reason;
  }
}

/**
 * The name is valid, but the backend cannot hold it next to an existing object: on a
 * filesystem, `a` and `a/b` cannot both exist because `a` would be a file and a directory.
 */
export class ObjectNameConflictError extends StorageError {
  readonly conflictsWith: string;

  constructor(objectName: string, conflictsWith: string, context: ErrorContext = {}) {
    super(
      ErrorCode.OBJECT_NAME_CONFLICT,
      `Object name ${JSON.stringify(objectName)} conflicts with ${JSON.stringify(conflictsWith)}`,
      { ...context, objectName },
    );
    this.conflictsWith = conflictsWith;
  }
}

/** The driver cannot do this; its `capabilities` say so too. */
export class NotSupportedError extends StorageError {
  readonly feature: string;

  constructor(feature: string, context: ErrorContext = {}) {
    const by = context.driver ? ` by the ${context.driver} driver` : "";
    super(ErrorCode.NOT_SUPPORTED, `${feature} is not supported${by}`, context);
    this.feature = feature;
  }
}

/** A conditional operation's condition (if-match, if-none-match) did not hold. */
export class PreconditionFailedError extends StorageError {
  constructor(message: string, context: ErrorContext = {}) {
    super(ErrorCode.PRECONDITION_FAILED, message, context);
  }
}

/** The provider rejected the credentials or the request's signature. */
export class AuthenticationError extends StorageError {
  constructor(message: string, context: ErrorContext = {}) {
    super(ErrorCode.AUTHENTICATION_FAILED, message, context);
  }
}

/** The credentials are valid but may not do this. */
export class PermissionDeniedError extends StorageError {
  constructor(message: string, context: ErrorContext = {}) {
    super(ErrorCode.PERMISSION_DENIED, message, context);
  }
}

/** A fault that may pass: throttling, a 5xx answer, a reset connection, a timeout. */
export class TransientError extends StorageError {
  constructor(message: string, context: ErrorContext = {}) {
    super(ErrorCode.TRANSIENT, message, context);
  }

  override get retryable(): boolean {
    return true;
  }
}

/** A range read starts at or past the end of the object. */
export class InvalidRangeError extends StorageError {
  constructor(message: string, context: ErrorContext = {}) {
    super(ErrorCode.INVALID_RANGE, message, context);
  }
}

/** An argument is malformed; raised before any request. */
export class InvalidArgumentError extends StorageError {
  constructor(message: string, context: ErrorContext = {}) {
    super(ErrorCode.INVALID_ARGUMENT, message, context);
  }
}

/** downloadObject was told not to overwrite, and the destination file exists. */
export class DestinationExistsError extends StorageError {
  readonly path: string;

  constructor(path: string, context: ErrorContext = {}) {
    super(ErrorCode.DESTINATION_EXISTS, `Destination "${path}" already exists`, context);
    this.path = path;
  }
}

/** The caller's AbortSignal fired (or its timeout ran out). */
export class OperationAbortedError extends StorageError {
  constructor(context: ErrorContext = {}) {
    super(ErrorCode.ABORTED, "The operation was aborted", context);
  }
}

/**
 * The stream, iterable or file an upload read from failed (or ended early). The provider
 * got no object from it; `cause` holds the source's own error.
 */
export class UploadSourceError extends StorageError {
  constructor(context: ErrorContext = {}) {
    super(ErrorCode.UPLOAD_SOURCE_FAILED, "The upload's source failed before it ended", context);
  }
}

/** getDriver was asked for a provider whose package is not installed. */
export class DriverNotInstalledError extends StorageError {
  readonly packageName: string;

  constructor(provider: string, packageName: string, context: ErrorContext = {}) {
    super(
      ErrorCode.DRIVER_NOT_INSTALLED,
      `The driver for provider "${provider}" is in ${packageName}: npm install ${packageName}`,
      context,
    );
    this.packageName = packageName;
  }
}

/** StorageManager has no storage by that name. */
export class UnknownStorageError extends StorageError {
  readonly storageName: string;

  constructor(storageName: string) {
    super(ErrorCode.UNKNOWN_STORAGE, `No storage named "${storageName}" was added`);
    this.storageName = storageName;
  }
}

/** StorageManager already holds a different container under that name. */
export class StorageAlreadyRegisteredError extends StorageError {
  readonly storageName: string;

  constructor(storageName: string) {
    super(
      ErrorCode.STORAGE_ALREADY_REGISTERED,
      `Storage "${storageName}" is already bound to another container; ` +
        "rebinding it would orphan every file saved there",
    );
    this.storageName = storageName;
  }
}

/** A provider failure that fits no other kind; `cause` holds the original. */
export class ProviderError extends StorageError {
  constructor(message: string, context: ErrorContext = {}) {
    super(ErrorCode.PROVIDER_ERROR, message, context);
  }
}

/** True for errors that name a missing container or object. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ObjectDoesNotExistError || error instanceof ContainerDoesNotExistError;
}
