/**
 * Where uploads are registered the moment they succeed. The unit of work implements it: a
 * registered file is deleted if its transaction rolls back.
 */
export interface UploadSink {
  /** Registers a file just stored. */
  uploaded(path: string): void;
  /** Deletes files now and forgets them: their row was never written. Never throws. */
  discard(paths: string[]): Promise<void>;
}
