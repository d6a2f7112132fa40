// One memory measurement in a process of its own, so that no other transfer's peak mixes
// in. The parent passes a JSON job on argv and reads RSS from /proc while this runs:
//   { spec, client: "stowage" | "raw", direction: "upload" | "download", bytes, key }
// Protocol over IPC: { idle: rssBytes } once warmed up, then { done, ms, hwm, sha256 }.
import { readFileSync, writeFileSync } from "node:fs";

import { drainHashed, randomStream } from "../lib/data.mjs";
import { rawClient, stowageClient } from "../lib/targets.mjs";

const job = JSON.parse(process.argv[2]);
const client = job.client === "raw" ? rawClient(job.spec) : await stowageClient(job.spec);

// Warm up: load every lazily imported module of the SDK and the driver, so that the idle
// figure already holds the code an upload or download needs.
await client.put("memory/warmup.bin", Buffer.alloc(1024, 1), 1024);
await drainHashed(await client.get("memory/warmup.bin"));
client.forget?.();
global.gc?.();
await new Promise((resolve) => setTimeout(resolve, 200));

// Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS.
let hwmReset = true;
try {
  writeFileSync("/proc/self/clear_refs", "5");
} catch {
  hwmReset = false;
}
process.send({ idle: process.memoryUsage().rss, hwmReset });
await new Promise((resolve) => process.once("message", resolve));

const start = process.hrtime.bigint();
let sha256;
if (job.direction === "upload") {
  await client.put(job.key, randomStream(job.bytes, 7), job.bytes);
} else {
  const read = await drainHashed(await client.get(job.key));
  if (read.bytes !== job.bytes) throw new Error(`read ${read.bytes} of ${job.bytes} bytes`);
  sha256 = read.sha256;
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;

process.send({ done: true, ms, hwm: statusBytes("VmHWM"), sha256 });
client.close();
process.disconnect();

/** A "kB" line of /proc/self/status, in bytes. */
function statusBytes(field) {
  const line = readFileSync("/proc/self/status", "utf8").match(new RegExp(`${field}:\\s+(\\d+)`));
  return line ? Number(line[1]) * 1024 : undefined;
}
