import {
  AuthenticationError,
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  ContainerIsNotEmptyError,
  InvalidArgumentError,
  InvalidContainerNameError,
  InvalidObjectNameError,
  InvalidRangeError,
  NotSupportedError,
  ObjectDoesNotExistError,
  ObjectHashMismatchError,
  ObjectNameConflictError,
  PermissionDeniedError,
  PreconditionFailedError,
  ProviderError,
  StorageError,
  TransientError,
  type ErrorContext,
  NETWORK_ERROR_CODES,
} from "@stowage/core";

/** The parts of an SDK (or network) error the mapping looks at. */
interface ErrorShape {
  code: string;
  status?: number;
}

type Mapper = (context: ErrorContext, shape: ErrorShape) => StorageError;

const AUTH_CODES = [
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "AuthorizationHeaderMalformed",
  "RequestTimeTooSkewed",
  // The SDK's name for "no credentials found" in its default chain.
  "CredentialsProviderError",
  // versitygw's answer to an unknown access key.
  "XAdminUserNotFound",
];

const TRANSIENT_CODES = [
  "SlowDown",
  "ServiceUnavailable",
  "InternalError",
  "RequestTimeout",
  "Throttling",
  "ThrottlingException",
  "RequestThrottled",
  "TimeoutError",
  ...NETWORK_ERROR_CODES,
];

const BY_CODE = new Map<string, Mapper>([
  ["NoSuchBucket", (c) => new ContainerDoesNotExistError(c.container ?? "", c)],
  ["NoSuchKey", (c) => new ObjectDoesNotExistError(c.objectName ?? "", c)],
  ["BucketAlreadyOwnedByYou", (c) => new ContainerAlreadyExistsError(c.container ?? "", c)],
  ["BucketAlreadyExists", (c) => new ContainerAlreadyExistsError(c.container ?? "", c)],
  ["BucketNotEmpty", (c) => new ContainerIsNotEmptyError(c.container ?? "", c)],
  ["AccessDenied", (c) => new PermissionDeniedError("Access denied", c)],
  ["AllAccessDisabled", (c) => new PermissionDeniedError("All access to it is disabled", c)],
  ["PreconditionFailed", (c) => new PreconditionFailedError(preconditionMessage(c), c)],
  ["ConditionalRequestConflict", (c) => new PreconditionFailedError(conflictMessage(c), c)],
  ["InvalidRange", (c) => new InvalidRangeError("The range is not satisfiable", c)],
  ["BadDigest", (c) => digestMismatch(c)],
  ["InvalidBucketName", (c) => new InvalidContainerNameError(c.container ?? "", "refused", c)],
  ["KeyTooLongError", (c) => new InvalidObjectNameError(c.objectName ?? "", "too long", c)],
  ["MetadataTooLarge", (c) => new InvalidArgumentError("The metadata exceeds S3's 2 KB limit", c)],
  ["EntityTooLarge", (c) => new InvalidArgumentError("The object exceeds the size S3 accepts", c)],
  ["InvalidArgument", (c) => new InvalidArgumentError("The server refused an argument", c)],
  ["AccessControlListNotSupported", (c) => new NotSupportedError("ACLs on this bucket", c)],
  ["NotImplemented", (c) => new NotSupportedError("This operation on this server", c)],
  ["NoSuchUpload", (c) => new ProviderError(uploadGoneMessage(), c)],
  // Servers that keep keys as file paths (versitygw's posix backend) cannot hold `a` next
  // to `a/b`.
  ["ObjectParentIsFile", (c) => nameConflict(c, parentOf(c.objectName))],
  ["ExistingObjectIsDirectory", (c) => nameConflict(c, `${c.objectName}/`)],
  ...AUTH_CODES.map((code): [string, Mapper] => [code, (c, s) => authError(c, s)]),
  ...TRANSIENT_CODES.map((code): [string, Mapper] => [code, (c, s) => transient(c, s)]),
]);

/**
 * Maps an AWS SDK or network failure onto Stowage's error kinds: first by S3's error code,
 * then by HTTP status for answers that carry no code (a HEAD has no body, so a missing
 * object or bucket is a bare 404 and a refused HEAD a bare 403).
 */
export function mapS3Error(error: unknown, context: ErrorContext): StorageError {
  if (error instanceof StorageError) return error;
  const shape = shapeOf(error);

  const byCode = BY_CODE.get(shape.code);
  if (byCode) return byCode(context, shape);
  return mapStatus(context, shape);
}

function mapStatus(context: ErrorContext, shape: ErrorShape): StorageError {
  const { status } = shape;
  if (status === 404) {
    const { objectName, container = "" } = context;
    if (objectName !== undefined) return new ObjectDoesNotExistError(objectName, context);
    return new ContainerDoesNotExistError(container, context);
  }
  if (status === 403) {
    const message = "Forbidden (wrong credentials or a missing permission)";
    return new PermissionDeniedError(message, context);
  }
  if (status === 412) return new PreconditionFailedError(preconditionMessage(context), context);
  if (status === 416) return new InvalidRangeError("The range is not satisfiable", context);
  if (status === 408 || status === 429 || (status !== undefined && status >= 500)) {
    return transient(context, shape);
  }
  return new ProviderError(`S3 error ${shape.code}${status ? ` (HTTP ${status})` : ""}`, context);
}

function shapeOf(error: unknown): ErrorShape {
  const e = (error ?? {}) as {
    Code?: string;
    code?: string;
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $response?: { statusCode?: number };
  };
  // SDK service errors carry S3's code as `Code` and `name`; Node's network errors as `code`.
  const code = e.Code ?? (typeof e.code === "string" ? e.code : undefined) ?? e.name ?? "Unknown";
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  return { code, status };
}

function authError(context: ErrorContext, shape: ErrorShape): StorageError {
  return new AuthenticationError(`The server rejected the credentials (${shape.code})`, context);
}

function transient(context: ErrorContext, shape: ErrorShape): StorageError {
  const status = shape.status ? `, HTTP ${shape.status}` : "";
  return new TransientError(`A transient fault (${shape.code}${status})`, context);
}

function digestMismatch(context: ErrorContext): StorageError {
  return new ObjectHashMismatchError(
    context.objectName ?? "",
    "the Content-MD5 sent",
    "a different MD5 of the bytes the server received",
    context,
  );
}

function preconditionMessage(context: ErrorContext): string {
  const name = context.objectName ? `Object "${context.objectName}"` : "The target";
  return `${name} does not meet the request's condition (If-Match or If-None-Match)`;
}

function conflictMessage(context: ErrorContext): string {
  return `${preconditionMessage(context)}: a concurrent conditional write won`;
}

function nameConflict(context: ErrorContext, conflictsWith: string): StorageError {
  return new ObjectNameConflictError(context.objectName ?? "", conflictsWith, context);
}

/** The parent "directory" of a key, which some ancestor object stands in the way of. */
function parentOf(objectName = ""): string {
  const slash = objectName.lastIndexOf("/");
  return slash > 0 ? objectName.slice(0, slash) : objectName;
}

function uploadGoneMessage(): string {
  return "The multipart upload no longer exists (aborted by another client or a lifecycle rule)";
}
