import { createHash } from "node:crypto";
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { readAll, type Container, type StorageObject } from "@stowage/core";

import { LocalStorageDriver, type LocalStorageDriverOptions } from "@stowage/local";

/** A temporary directory for one test, removed by `cleanup`. */
export interface Sandbox {
  dir: string;
  /** The driver's root directory, inside `dir`. */
  root: string;
  driver: LocalStorageDriver;
  container: Container;
  cleanup(): Promise<void>;
}

/** A driver rooted in a fresh temporary directory, with one container named "box". */
export async function sandbox(
  options: LocalStorageDriverOptions = {},
  stem = "stowage-local-",
): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), stem));
  const root = join(dir, "root");
  await mkdir(root);
  const driver = new LocalStorageDriver(root, options);
  const container = await driver.createContainer("box");
  return { dir, root, driver, container, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Every path under `dir` with its kind, modification time, size, link target and content hash:
 * a file created and deleted again still changes its directory's modification time.
 */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();

  async function visit(path: string, relative: string): Promise<void> {
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) {
      result.set(relative, `link -> ${await readlink(path)}`);
    } else if (stats.isDirectory()) {
      result.set(relative, `dir ${stats.mtimeMs}`);
      for (const name of (await readdir(path)).sort()) {
        await visit(join(path, name), `${relative}/${name}`);
      }
    } else {
      const hash = createHash("md5").update(await readFile(path)).digest("hex");
      result.set(relative, `file ${stats.size} ${stats.mtimeMs} ${hash}`);
    }
  }

  await visit(dir, ".");
  return result;
}

/** The bytes of an object. */
export async function bodyOf(obj: StorageObject): Promise<Buffer> {
  return readAll(await obj.asStream());
}

/** The hex MD5 of some bytes. */
export function md5(data: Buffer | string): string {
  return createHash("md5").update(data).digest("hex");
}

/** The names a container lists, in listing order. */
export async function listedNames(container: Container, prefix?: string): Promise<string[]> {
  return (await container.listObjects({ prefix })).map((obj) => obj.name);
}

/** Asserts that a call fails with an error of `kind`, and returns that error. */
export async function failsWith<T>(
  promise: Promise<unknown>,
  kind: abstract new (...args: never[]) => T,
  message?: string,
): Promise<T> {
  const error = await rejectionOf(promise);
  if (!(error instanceof kind)) {
    throw new Error(`${message ?? "the call"} failed with ${String(error)}, not ${kind.name}`);
  }
  return error;
}

/** The rejection of a promise that must fail. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
