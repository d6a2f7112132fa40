// Section 2: peak memory while one object streams up and then down through Stowage, for
// two sizes an order of magnitude apart. Each transfer runs in a fresh child process
// (memory-child.mjs); this process samples the child's RSS from /proc every 20 ms, and
// the child reports its own peak (VmHWM, reset just before the transfer).
import { fork } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { GiB, MiB } from "../lib/data.mjs";

const CHILD = fileURLToPath(new URL("./memory-child.mjs", import.meta.url));
const SAMPLE_MS = 20;

/**
 * The sizes of a full and a quick run. fake-gcs-server keeps objects in memory and
 * rebuilds a resumable upload's buffer with each chunk, so its upload time grows with the
 * square of the size (128 MiB 5.5 s, 256 MiB 12 s, 512 MiB 38 s here): 2 GiB would take
 * ten minutes, so GCS is measured at 64 and 256 MiB.
 */
export function memorySizes(plan, spec) {
  if (plan.quick) return [64 * MiB, 256 * MiB];
  return spec.kind === "gcs" ? [64 * MiB, 256 * MiB] : [256 * MiB, 2 * GiB];
}

/** Why a full run measures a target below 2 GiB, printed with the table; undefined if not. */
export function reducedSizeReason(plan, spec) {
  if (plan.quick) return "a quick run measures 64 and 256 MiB";
  if (spec.kind !== "gcs") return undefined;
  return (
    "64 and 256 MiB, not 2 GiB: fake-gcs-server keeps objects in memory and its resumable " +
    "upload slows faster than the size grows (256 MiB takes about 11 s, 512 MiB about 40 s " +
    "here), so 2 GiB would take most of the 10-minute budget on its own"
  );
}

/**
 * Measures one target at each size, upload then download, through Stowage; and through the
 * raw SDK at the smaller size, for reference. Resolves rows of
 * { target, client, bytes, direction, idle, peak, above, ms }.
 */
export async function measureMemory(spec, plan, log) {
  const rows = [];
  const sizes = memorySizes(plan, spec);
  const jobs = [
    ...sizes.map((bytes) => ({ client: "stowage", bytes })),
    { client: "raw", bytes: sizes[0] },
  ];
  for (const { client, bytes } of jobs) {
    const key = `memory/${client}-${bytes}.bin`;
    for (const direction of ["upload", "download"]) {
      const result = await runChild({ spec, client, direction, bytes, key });
      const reduced = reducedSizeReason(plan, spec);
      rows.push({ target: spec.id, client, bytes, direction, reduced, ...result });
      const mib = (n) => (n / MiB).toFixed(1);
      const what = `${spec.id} ${client} ${mib(bytes)} MiB ${direction}`;
      log(`  ${what}: +${mib(result.above)} MiB RSS, ${result.ms.toFixed(0)} ms`);
    }
  }
  return rows;
}

async function runChild(job) {
  const child = fork(CHILD, [JSON.stringify(job)], {
    execArgv: ["--expose-gc", "--no-warnings"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = once(child, "exit");
  try {
    const [ready] = await firstMessage(child, exited);
    let sampled = 0;
    const timer = setInterval(() => {
      sampled = Math.max(sampled, rssOf(child.pid) ?? 0);
    }, SAMPLE_MS);
    child.send("go");
    const [done] = await firstMessage(child, exited);
    clearInterval(timer);

    const peak = Math.max(sampled, ready.hwmReset ? done.hwm : 0);
    return { idle: ready.idle, peak, above: peak - ready.idle, ms: done.ms, sha256: done.sha256 };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
  }
}

/** The child's next message, or an error when it exits first. */
async function firstMessage(child, exited) {
  const message = once(child, "message");
  const ended = exited.then(([code, signal]) => {
    throw new Error(`memory child exited (${code ?? signal}) before reporting`);
  });
  return Promise.race([message, ended]);
}

/** Current RSS of a process in bytes, from /proc; undefined once it is gone. */
function rssOf(pid) {
  try {
    const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
