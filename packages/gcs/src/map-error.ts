import {
  AuthenticationError,
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  ContainerIsNotEmptyError,
  InvalidRangeError,
  ObjectDoesNotExistError,
  ObjectHashMismatchError,
  PermissionDeniedError,
  PreconditionFailedError,
  ProviderError,
  TransientError,
  type ErrorContext,
  type StorageError,
  NETWORK_ERROR_CODES,
} from "@stowage/core";

/** Socket-level failures worth another attempt. */
const TRANSIENT_CODES = new Set(NETWORK_ERROR_CODES);

/** What the Google library's errors carry (ApiError, GaxiosError, upload errors). */
interface GoogleFailure {
  code?: unknown;
  status?: unknown;
  response?: { status?: unknown };
  message?: unknown;
  name?: unknown;
}

/**
 * The one mapping of Cloud Storage failures onto Stowage's error kinds. `context` says which
 * operation failed, which decides what a 404 or 409 means.
 */
export function mapGcsError(error: unknown, context: ErrorContext): StorageError {
  const failure = (error ?? {}) as GoogleFailure;
  const status = statusOf(failure);
  const detail = typeof failure.message === "string" ? failure.message : String(error);

  if (status !== undefined) return fromStatus(status, detail, context);
  if (typeof failure.code === "string" && TRANSIENT_CODES.has(failure.code)) {
    return new TransientError(`Connection to Cloud Storage failed (${failure.code})`, context);
  }
  if (failure.name === "SigningError") {
    return new AuthenticationError("The configured key cannot sign the URL", context);
  }
  if (detail.includes("Could not load the default credentials")) {
    return new AuthenticationError("No Google credentials were found", context);
  }
  return new ProviderError(`Cloud Storage failed: ${detail}`, context);
}

/** The HTTP status of a failure, wherever the Google library put it. */
export function statusOf(failure: GoogleFailure): number | undefined {
  for (const value of [failure.code, failure.status, failure.response?.status]) {
    if (typeof value === "number" && value >= 100 && value < 600) return value;
  }
  return undefined;
}

function fromStatus(status: number, detail: string, context: ErrorContext): StorageError {
  switch (status) {
    case 400:
      return badRequest(detail, context);
    case 401:
      return new AuthenticationError("Cloud Storage refused the credentials", context);
    case 403:
      return new PermissionDeniedError("The credentials may not do this", context);
    case 404:
      return notFound(detail, context);
    case 409:
      return conflict(detail, context);
    case 412:
      return preconditionFailed(context);
    case 416:
      return new InvalidRangeError("The range starts past the end of the object", context);
  }
  if (status === 408 || status === 429 || status >= 500) {
    return new TransientError(`Cloud Storage answered ${status}`, context);
  }
  return new ProviderError(`Cloud Storage answered ${status}: ${detail}`, context);
}

/**
 * GCS answers 404 for a missing bucket and for a missing object alike; only its message
 * ("The specified bucket does not exist.") tells them apart. Where the message says nothing
 * (emulators), the driver asks whether the bucket exists before it reports the object missing.
 */
function notFound(detail: string, context: ErrorContext): StorageError {
  const container = context.container ?? "";
  if (context.objectName === undefined || /specified bucket does not exist/i.test(detail)) {
    return new ContainerDoesNotExistError(container, context);
  }
  return new ObjectDoesNotExistError(context.objectName, context);
}

/**
 * GCS refuses an upload whose declared MD5 or CRC32C differs from the bytes it received with
 * 400 and a message quoting both (base64, reported here as hex). Any other 400 is the
 * provider's to explain.
 */
function badRequest(detail: string, context: ErrorContext): StorageError {
  const mismatch = /"([^"]*)" doesn't match calculated [^"]*"([^"]*)"/.exec(detail);
  if (!mismatch) return new ProviderError(`Cloud Storage answered 400: ${detail}`, context);

  const [, declared, calculated] = mismatch;
  const hex = (value: string) => Buffer.from(value, "base64").toString("hex");
  const objectName = context.objectName ?? "";
  return new ObjectHashMismatchError(objectName, hex(declared!), hex(calculated!), context);
}

function conflict(detail: string, context: ErrorContext): StorageError {
  const container = context.container ?? "";
  if (context.operation === "createContainer") {
    return new ContainerAlreadyExistsError(container, context);
  }
  if (context.operation === "deleteContainer") {
    return new ContainerIsNotEmptyError(container, context);
  }
  return new ProviderError(`Cloud Storage answered 409: ${detail}`, context);
}

/**
 * deleteContainer sends no precondition, so a 412 there can only mean the bucket still holds
 * objects: fake-gcs-server answers so, where GCS answers 409.
 */
function preconditionFailed(context: ErrorContext): StorageError {
  if (context.operation === "deleteContainer") {
    return new ContainerIsNotEmptyError(context.container ?? "", context);
  }
  const message = "The object's generation did not match the condition";
  return new PreconditionFailedError(message, context);
}
