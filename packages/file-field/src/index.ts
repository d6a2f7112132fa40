export * from "./errors.js";
export { parseSize, formatSize, type Size } from "./size.js";
export { FileValue, type FileValueJson, type FileInfo, type CopySource } from "./file-value.js";
export {
  NewFile,
  UNNAMED,
  isFileInput,
  toNewFile,
  type FileInput,
  type FileContent,
  type NewFileOptions,
} from "./new-file.js";
export { FileField, type FileFieldOptions } from "./field.js";
export type { UploadSink } from "./sink.js";
export { storeFile, objectNameFor } from "./store.js";
export { writeRow, rowFiles, toValues, type RowWrite, type ColumnValue } from "./row.js";
export { encodeColumn, decodeColumn, hasInput, NOT_STORED_YET } from "./codec.js";
export { FileDeleter, type DeleteFailure, type DeleteFailureListener } from "./deleter.js";
export { UnitOfWork } from "./unit-of-work.js";
export { judgeType, HEAD_BYTES, type JudgedType } from "./judge.js";
export * from "./validators/index.js";
export { thumbnail, type ThumbnailOptions } from "./processors/thumbnail.js";
export { sweepOrphans, type SweepOptions, type SweepReport } from "./sweeper.js";
