import {
  AuthenticationError,
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  InvalidArgumentError,
  InvalidContainerNameError,
  InvalidObjectNameError,
  InvalidRangeError,
  NotSupportedError,
  ObjectDoesNotExistError,
  ObjectHashMismatchError,
  PermissionDeniedError,
  PreconditionFailedError,
  ProviderError,
  StorageError,
  TransientError,
  type ErrorContext,
  NETWORK_ERROR_CODES,
} from "@stowage/core";

/** The parts of an SDK (or network) error the mapping looks at. */
export interface ErrorShape {
  code: string;
  status?: number;
}

type Mapper = (context: ErrorContext, shape: ErrorShape) => StorageError;

const AUTH_CODES = [
  "AuthenticationFailed",
  "InvalidAuthenticationInfo",
  "NoAuthenticationInformation",
];

const PERMISSION_CODES = [
  "AuthorizationFailure",
  "AuthorizationPermissionMismatch",
  "AuthorizationResourceTypeMismatch",
  "AuthorizationServiceMismatch",
  "AuthorizationSourceIPMismatch",
  "AuthorizationProtocolMismatch",
  "InsufficientAccountPermissions",
  "AccountIsDisabled",
];

const TRANSIENT_CODES = [
  "ServerBusy",
  "InternalError",
  "OperationTimedOut",
  ...NETWORK_ERROR_CODES,
  // The Azure pipeline's name for a request that never got an answer.
  "REQUEST_SEND_ERROR",
];

const BY_CODE = new Map<string, Mapper>([
  ["ContainerNotFound", (c) => new ContainerDoesNotExistError(c.container ?? "", c)],
  ["BlobNotFound", (c) => new ObjectDoesNotExistError(c.objectName ?? "", c)],
  ["ContainerAlreadyExists", (c) => new ContainerAlreadyExistsError(c.container ?? "", c)],
  ["ContainerBeingDeleted", (c) => new TransientError(beingDeletedMessage(c), c)],
  ["ConditionNotMet", (c) => new PreconditionFailedError(preconditionMessage(c), c)],
  // The service's answer to `If-None-Match: *` on a blob that exists.
  ["BlobAlreadyExists", (c) => new PreconditionFailedError(preconditionMessage(c), c)],
  ["InvalidRange", (c) => new InvalidRangeError("The range is not satisfiable", c)],
  ["Md5Mismatch", (c) => digestMismatch(c)],
  ["InvalidResourceName", (c) => invalidName(c)],
  ["InvalidMetadata", (c) => new InvalidArgumentError("Azure refused the metadata", c)],
  ["MetadataTooLarge", (c) => new InvalidArgumentError("The metadata exceeds Azure's 8 KiB", c)],
  ["RequestBodyTooLarge", (c) => new InvalidArgumentError("The request body is too large", c)],
  ["BlockCountExceedsLimit", (c) => new InvalidArgumentError("The blob has 50,000 blocks", c)],
  ["FeatureNotSupported", (c) => new NotSupportedError("This operation on this account", c)],
  ...AUTH_CODES.map((code): [string, Mapper] => [code, (c, s) => authError(c, s)]),
  ...PERMISSION_CODES.map((code): [string, Mapper] => [code, (c, s) => permissionError(c, s)]),
  ...TRANSIENT_CODES.map((code): [string, Mapper] => [code, (c, s) => transient(c, s)]),
]);

/**
 * Maps an Azure SDK (or network) failure onto Stowage's error kinds: first by Azure's error
 * code (the `x-ms-error-code` header, which even answers to HEAD requests carry), then by
 * HTTP status.
 */
export function mapAzureError(error: unknown, context: ErrorContext): StorageError {
  if (error instanceof StorageError) return error;
  const shape = shapeOf(error);

  const byCode = BY_CODE.get(shape.code);
  if (byCode) return byCode(context, shape);
  return mapStatus(context, shape);
}

/** Azure's error code and HTTP status of an SDK error. */
export function shapeOf(error: unknown): ErrorShape {
  const e = (error ?? {}) as {
    code?: unknown;
    statusCode?: number;
    details?: { errorCode?: string };
    name?: string;
  };
  const code = e.details?.errorCode ?? (typeof e.code === "string" ? e.code : undefined);
  return { code: code ?? e.name ?? "Unknown", status: e.statusCode };
}

function mapStatus(context: ErrorContext, shape: ErrorShape): StorageError {
  const { status } = shape;
  if (status === 404) {
    if (context.objectName !== undefined) {
      return new ObjectDoesNotExistError(context.objectName, context);
    }
    return new ContainerDoesNotExistError(context.container ?? "", context);
  }
  if (status === 403) return authError(context, shape);
  if (status === 412) return new PreconditionFailedError(preconditionMessage(context), context);
  if (status === 416) return new InvalidRangeError("The range is not satisfiable", context);
  if (status === 408 || status === 429 || (status !== undefined && status >= 500)) {
    return transient(context, shape);
  }
  const http = status ? ` (HTTP ${status})` : "";
  return new ProviderError(`Azure error ${shape.code}${http}`, context);
}

function authError(context: ErrorContext, shape: ErrorShape): StorageError {
  const message = `Azure rejected the credentials or the signature (${shape.code})`;
  return new AuthenticationError(message, context);
}

function permissionError(context: ErrorContext, shape: ErrorShape): StorageError {
  return new PermissionDeniedError(`The credentials may not do this (${shape.code})`, context);
}

function transient(context: ErrorContext, shape: ErrorShape): StorageError {
  const status = shape.status ? `, HTTP ${shape.status}` : "";
  return new TransientError(`A transient fault (${shape.code}${status})`, context);
}

function invalidName(context: ErrorContext): StorageError {
  if (context.objectName !== undefined) {
    return new InvalidObjectNameError(context.objectName, "Azure refused the name", context);
  }
  return new InvalidContainerNameError(context.container ?? "", "Azure refused the name", context);
}

function digestMismatch(context: ErrorContext): StorageError {
  return new ObjectHashMismatchError(
    context.objectName ?? "",
    "the Content-MD5 sent",
    "a different MD5 of the bytes Azure received",
    context,
  );
}

function beingDeletedMessage(context: ErrorContext): string {
  return `Container "${context.container}" is being deleted; it can be created again shortly`;
}

function preconditionMessage(context: ErrorContext): string {
  const name = context.objectName ? `Object "${context.objectName}"` : "The target";
  return `${name} does not meet the request's condition (If-Match or If-None-Match)`;
}
