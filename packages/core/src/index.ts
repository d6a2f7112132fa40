export * from "./errors.js";
export * from "./types.js";
export { Container } from "./container.js";
export { StorageObject, StoragePrefix, type ObjectRef, type StorageObjectInit } from "./object.js";
export { StorageDriver, type ReadRequest, type UploadRequest } from "./driver.js";
export { NETWORK_ERROR_CODES, forEachLimited, untilAborted } from "./call.js";
export { ChunkReader } from "./chunk-reader.js";
export {
  Provider,
  getDriver,
  loadDriverClass,
  registerDriver,
  type DriverClass,
} from "./providers.js";
export { StorageManager, type SaveFileOptions } from "./manager.js";
export { StoredFile, filePath, parseFilePath, assertValidStorageName } from "./stored-file.js";
export {
  objectNameProblem,
  assertValidObjectName,
  containerNameProblem,
  assertValidContainerName,
  directoryPrefix,
} from "./names.js";
export { resolveRange, assertRangeArguments, type ByteRange } from "./range.js";
export {
  toReadable,
  readAll,
  knownLength,
  md5Hex,
  HashingStream,
  type UploadSource,
} from "./streams.js";
export { contentTypeFor, DEFAULT_CONTENT_TYPE } from "./content-type.js";
export { silentLogger, type Logger } from "./logger.js";
export {
  withRetry,
  retryPolicy,
  backoffDelay,
  sleep,
  defaultRetryPolicy,
  type RetryOptions,
  type RetryPolicy,
} from "./retry.js";
export { guardStream, saveStreamToFile } from "./transfer.js";
