import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type Container, StorageManager } from "@stowage/core";
import { LocalStorageDriver } from "@stowage/local";
import sharp from "sharp";

/** Storages "first" and "second" on a local driver in a fresh temporary directory. */
export interface Storages {
  dir: string;
  first: Container;
  second: Container;
  /** The object names a storage holds, sorted. */
  names(storage: "first" | "second"): Promise<string[]>;
  cleanup(): Promise<void>;
}

/**
 * Registers "first" (the default) and "second" on the process-wide StorageManager, as the
 * seed's users do; file columns declared at import time use that manager.
 */
export async function storages(): Promise<Storages> {
  const dir = await mkdtemp(join(tmpdir(), "stowage-file-field-"));
  const driver = new LocalStorageDriver(join(dir, "files"));
  const first = await driver.createContainer("first");
  const second = await driver.createContainer("second");
  StorageManager.clear();
  StorageManager.addStorage("first", first);
  StorageManager.addStorage("second", second);

  const names = async (storage: "first" | "second") => {
    const objects = await StorageManager.get(storage).listObjects();
    return objects.map((obj) => obj.name).sort();
  };
  const cleanup = async () => {
    StorageManager.clear();
    await rm(dir, { recursive: true, force: true });
  };
  return { dir, first, second, names, cleanup };
}

/** A small PNG of the given size. */
export function png(width: number, height: number): Promise<Buffer> {
  const background = { r: 40, g: 90, b: 200 };
  return sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();
}

/** Resolves the error `promise` rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}
