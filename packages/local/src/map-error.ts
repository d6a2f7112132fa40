import {
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  ContainerIsNotEmptyError,
  InvalidContainerNameError,
  InvalidObjectNameError,
  ObjectDoesNotExistError,
  ObjectNameConflictError,
  PermissionDeniedError,
  PreconditionFailedError,
  ProviderError,
  StorageError,
  TransientError,
  type ErrorContext,
} from "@stowage/core";

import { LINK_REASON } from "./layout.js";
import { errnoOf } from "./locate.js";

/** Errno codes of faults that pass: descriptors exhausted, a busy or interrupted call. */
const TRANSIENT_CODES = new Set(["EMFILE", "ENFILE", "EAGAIN", "EBUSY", "EINTR", "ETIMEDOUT"]);

/** Errno codes of a refusal by the filesystem's permissions. */
const PERMISSION_CODES = new Set(["EACCES", "EPERM", "EROFS"]);

/**
 * Maps a filesystem failure onto Stowage's error kinds, so that no raw errno (ENOENT,
 * EISDIR, ENOTDIR...) reaches a caller. Whether a missing path is a missing object or a
 * missing container depends on whether the call was about an object.
 */
export function mapFsError(error: unknown, context: ErrorContext): StorageError {
  if (error instanceof StorageError) return error;
  const code = errnoOf(error) ?? "";
  const { objectName, container = "" } = context;

  if (code === "ENOENT" || code === "ENOTDIR") {
    if (objectName !== undefined) return new ObjectDoesNotExistError(objectName, context);
    return new ContainerDoesNotExistError(container, context);
  }
  if (code === "EISDIR" && objectName !== undefined) {
    return new ObjectNameConflictError(objectName, `${objectName}/`, context);
  }
  if (code === "EEXIST") {
    if (objectName !== undefined) {
      return new PreconditionFailedError(`Object "${objectName}" already exists`, context);
    }
    return new ContainerAlreadyExistsError(container, context);
  }
  if (code === "ENOTEMPTY") return new ContainerIsNotEmptyError(container, context);
  return mapOtherCode(code, context);
}

function mapOtherCode(code: string, context: ErrorContext): StorageError {
  const { objectName, container = "" } = context;

  if (code === "ENAMETOOLONG" || code === "ELOOP") {
    const reason = code === "ELOOP" ? LINK_REASON : "the path is too long for the filesystem";
    if (objectName !== undefined) return new InvalidObjectNameError(objectName, reason, context);
    return new InvalidContainerNameError(container, reason, context);
  }
  if (PERMISSION_CODES.has(code)) {
    return new PermissionDeniedError(`The filesystem refused access (${code})`, context);
  }
  if (TRANSIENT_CODES.has(code)) {
    return new TransientError(`The filesystem is busy or out of descriptors (${code})`, context);
  }
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new ProviderError(`The filesystem is out of space (${code})`, context);
  }
  return new ProviderError(`The filesystem call failed${code ? ` (${code})` : ""}`, context);
}
