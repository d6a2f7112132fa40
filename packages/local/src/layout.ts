import { join, sep } from "node:path";

/**
 * The directory inside each container where the driver keeps what is not an object: the
 * metadata files beside objects and the temporary files of writes in progress. No object
 * name can reach it (see `localObjectNameProblem`), and listings skip it.
 */
export const RESERVED_DIR = ".stowage";

/** Why a name whose file is a symbolic link is refused. */
export const LINK_REASON = "the path is a symbolic link, which the driver does not follow";

/** Longest file or directory name most filesystems accept (ext4, XFS, APFS, NTFS). */
export const MAX_SEGMENT_BYTES = 255;

/** Longest path the kernel takes in one call on Linux (PATH_MAX less the terminating NUL). */
export const MAX_PATH_BYTES = 4_095;

/** Where a container's own files live on disk. */
export interface ContainerPaths {
  /** The container's name. */
  name: string;
  /** The container's directory, with every symbolic link resolved. */
  dir: string;
  /** The reserved directory inside it. */
  reserved: string;
  /** Metadata files, one per object version. */
  meta: string;
  /** Temporary files of writes in progress. */
  tmp: string;
}

/** The paths of the container `name` whose directory (already resolved) is `dir`. */
export function containerPaths(name: string, dir: string): ContainerPaths {
  const reserved = join(dir, RESERVED_DIR);
  return { name, dir, reserved, meta: join(reserved, "meta"), tmp: join(reserved, "tmp") };
}

/**
 * A name as a case- and normalization-insensitive filesystem would compare it. Upper then
 * lower case catches letters such as the long s, whose lower case is itself but which such
 * filesystems fold onto "s".
 */
export function fold(name: string): string {
  return name.normalize("NFC").toUpperCase().toLowerCase();
}

/** Whether `path` is `base` or lies below it. */
export function isInside(base: string, path: string): boolean {
  return path === base || path.startsWith(base.endsWith(sep) ? base : base + sep);
}

/**
 * The local driver's own object-name rule, on top of the portable one: names must not reach
 * the reserved directory, and each segment must fit the filesystem's limit. A backslash is an
 * ordinary character on POSIX systems and is kept as it is; on Windows it would split a
 * segment, so it is refused there with the other characters Windows cannot store.
 */
export function localObjectNameProblem(name: string): string | undefined {
  const segments = name.split("/");
  const first = segments[0]!;
  if (fold(first) === RESERVED_DIR) {
    return `the first segment "${first}" is reserved for the local driver's metadata`;
  }

  for (const segment of segments) {
    const bytes = Buffer.byteLength(segment);
    if (bytes > MAX_SEGMENT_BYTES) {
      return (
        `a segment is ${bytes} bytes long in UTF-8; ` +
        `the filesystem allows at most ${MAX_SEGMENT_BYTES} bytes per segment`
      );
    }
  }

  if (process.platform === "win32" && /[\\:*?"<>|]/.test(name)) {
    return 'the name contains one of \\ : * ? " < > |, which Windows filesystems cannot store';
  }
  return undefined;
}

/** The local driver's container-name rule, on top of the portable one. */
export function localContainerNameProblem(name: string): string | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_SEGMENT_BYTES) {
    return `the name is ${bytes} bytes long; the filesystem allows at most ${MAX_SEGMENT_BYTES}`;
  }
  if (process.platform === "win32" && /[:*?"<>|]/.test(name)) {
    return 'the name contains one of : * ? " < > |, which Windows filesystems cannot store';
  }
  return undefined;
}
