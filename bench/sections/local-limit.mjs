// Section 4: the local driver against the machine's own limit. A large file is uploaded
// into a container and downloaded back to a file, through Stowage and through
// fs.copyFile (the kernel's in-place copy), alternately. The driver's uploads are durable
// by default (fsync before the rename), so copyFile followed by fsync is shown as well.
import { copyFile, mkdir, open, rm } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

import { GiB, MiB, randomStream } from "../lib/data.mjs";
import { median, timed } from "../lib/stats.mjs";
import { stowageDriver } from "../lib/clients/stowage.mjs";

/** Size and runs of a full and a quick run. */
export function localLimitPlan(plan) {
  return plan.quick ? { bytes: 256 * MiB, runs: 3 } : { bytes: GiB, runs: 3 };
}

/** Measures on the local target's scratch root. Resolves one row per direction. */
export async function measureLocalLimit(spec, plan, log) {
  const { bytes, runs } = localLimitPlan(plan);
  const work = join(spec.root, "limit");
  await mkdir(work, { recursive: true });
  const source = join(work, "source.bin");
  await pipeline(randomStream(bytes, 3), createWriteStream(source));

  const driver = stowageDriver(spec);
  const container = await driver.getContainer(spec.container);
  const times = { upload: [[], [], []], download: [[], [], []] };
  let stored;

  try {
    // One untimed round first, so every path starts with the same warm page cache.
    stored = await container.uploadObject(source, "limit/object.bin");
    for (let round = 0; round < runs; round++) {
      const upload = [
        () => container.uploadObject(source, "limit/object.bin").then((obj) => (stored = obj)),
        () => copyFile(source, join(work, "copy.bin")),
        () => copyDurably(source, join(work, "copy-synced.bin")),
      ];
      await measureRound(upload, times.upload, round);

      const target = join(work, "download.bin");
      const download = [
        () => driver.downloadObject(stored, target, { overwriteExisting: true }),
        () => copyFile(storedPath(spec, "limit/object.bin"), target),
      ];
      await measureRound(download, times.download, round);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
    await container.deleteDirectory("limit");
  }

  const rows = ["upload", "download"].map((direction) => {
    const [stowage, copy, synced] = times[direction].map(median);
    return { direction, bytes, runs, stowage, copyFile: copy, copyFileSync: synced };
  });
  for (const row of rows) {
    const extra = row.copyFileSync ? `, copyFile+fsync ${row.copyFileSync.toFixed(0)} ms` : "";
    log(
      `  local ${row.direction}: stowage ${row.stowage.toFixed(0)} ms, ` +
        `copyFile ${row.copyFile.toFixed(0)} ms${extra}`,
    );
  }
  return rows;
}

/** Runs each step once, in an order that rotates every round; records the times. */
async function measureRound(steps, into, round) {
  for (let i = 0; i < steps.length; i++) {
    const index = (i + round) % steps.length;
    const { ms } = await timed(steps[index]);
    into[index].push(ms);
  }
}

async function copyDurably(from, to) {
  await copyFile(from, to);
  const handle = await open(to, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Where the local driver keeps an object's bytes: the container directory plus the name. */
function storedPath(spec, name) {
  return join(spec.root, spec.container, name);
}
