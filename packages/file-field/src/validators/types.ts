import type { FileInfo } from "../file-value.js";

/** A file about to be stored, as validators and processors see it. */
export interface Candidate {
  /** The column, for error messages. */
  field: string;
  filename: string;
  /** The client's claim (a File's type, or NewFile's contentType option). */
  claimedType?: string;
  /** What the bytes are, where their format is recognisable (magic numbers). */
  detectedType?: string;
  /** The type that will be recorded: detected, else claimed, else from the extension. */
  contentType: string;
  /** The first bytes of the file. */
  head: Buffer;
  /** The whole file on disk, when a validator or processor asked for it. */
  path?: string;
  /** The size in bytes, when the whole file was read first. */
  size?: number;
}

/** A candidate whose whole file is on disk. */
export type WholeCandidate = Candidate & { path: string; size: number };

/**
 * Checks a file before it is stored. A validator throws FileValidationError to refuse it, and
 * may return facts to record in the value's `info` (an image's width, say).
 */
export interface FileValidator {
  readonly name: string;
  /** The most bytes allowed; enforced while the file streams, before it is whole. */
  readonly maxBytes?: number;
  /** True when the check needs the whole file (on disk) rather than its first bytes. */
  readonly needsWholeFile?: boolean;
  validate(file: Candidate): FileInfo | void | Promise<FileInfo | void>;
}

/** A derived file a processor made, such as a thumbnail. */
export interface DerivedContent {
  content: Buffer;
  contentType: string;
  filename: string;
  info?: FileInfo;
}

/**
 * Makes derived files from a stored original, under `key` in the value's `derived`. A
 * derived file shares the original's lifecycle: stored, kept and deleted with it.
 */
export interface FileProcessor {
  readonly key: string;
  process(file: WholeCandidate): Promise<DerivedContent>;
}
