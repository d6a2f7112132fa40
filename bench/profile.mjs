#!/usr/bin/env node
// Profiles one transfer, repeated, through Stowage or the raw SDK, to find where the time
// over a target goes. Runs itself again under `node --cpu-prof` and prints the functions
// with the most self time (and the share of idle time, which is waiting on I/O):
//
//   node bench/profile.mjs SCENARIO [--raw] [--runs N] [--option name=value]
//
// SCENARIO is TARGET-OP-SIZE: local-put-1k, azure-put-64m, s3-sig-get-1m, gcs-put-1m...
// (targets as in run.mjs; op put or get; size 1k, 1m, 64m or 1g). `--option durable=false`
// or `--option verifyDownloads=false` builds the Stowage driver with that option.
// The .cpuprofile files stay in bench/results/tmp/profiles/ (git-ignored) for DevTools.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

process.env.AWS_EC2_METADATA_DISABLED = "true";
process.env.METADATA_SERVER_DETECTION = "none";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const HERE = dirname(fileURLToPath(import.meta.url));
const PROFILES = join(HERE, "results", "tmp", "profiles");
const SIZES = { "1k": 1024, "1m": 1024 ** 2, "64m": 64 * 1024 ** 2, "1g": 1024 ** 3 };
const USAGE = "Usage: node bench/profile.mjs TARGET-OP-SIZE [--raw] [--runs N] [--option k=v]";

const args = parseArgs(process.argv.slice(2));
if (process.env.STOWAGE_BENCH_PROFILING) await profiled(args);
else supervise(args);

function parseArgs(argv) {
  const [scenario, ...rest] = argv;
  const match = /^(.+)-(put|get)-(1k|1m|64m|1g)$/.exec(scenario ?? "");
  if (!match) throw new Error(USAGE);
  const parsed = { scenario, target: match[1], op: match[2], bytes: SIZES[match[3]] };
  parsed.raw = false;
  parsed.runs = undefined;
  parsed.options = {};
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--raw") parsed.raw = true;
    else if (rest[i] === "--runs") parsed.runs = Number(rest[++i]);
    else if (rest[i] === "--option") {
      const [name, value] = rest[++i].split("=");
      parsed.options[name] = value === "true" ? true : value === "false" ? false : Number(value);
    } else throw new Error(USAGE);
  }
  parsed.runs ??= Math.max(3, Math.min(2000, Math.round((256 * 1024 ** 2) / parsed.bytes)));
  return parsed;
}

/** Runs this script again under the profiler, then summarizes the profile it wrote. */
function supervise(plan) {
  rmSync(PROFILES, { recursive: true, force: true });
  mkdirSync(PROFILES, { recursive: true });
  const child = spawnSync(
    process.execPath,
    [
      "--cpu-prof",
      `--cpu-prof-dir=${PROFILES}`,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: "inherit", env: { ...process.env, STOWAGE_BENCH_PROFILING: "1" } },
  );
  if (child.status !== 0) process.exit(child.status ?? 1);
  for (const file of readdirSync(PROFILES).filter((name) => name.endsWith(".cpuprofile"))) {
    summarize(JSON.parse(readFileSync(join(PROFILES, file), "utf8")));
  }
}

/** Self time by function (name, file and line), the 20 largest, and the share idle. */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = url ? ` ${basename(url)}:${lineNumber + 1}` : "";
    const key = `${functionName || "(anonymous)"}${where}`;
    self.set(key, (self.get(key) ?? 0) + delta);
    total += delta;
  });
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, 20);
  process.stdout.write(`\nself time, ${(total / 1000).toFixed(0)} ms sampled:\n`);
  for (const [key, micros] of rows) {
    const share = ((100 * micros) / total).toFixed(1).padStart(5);
    process.stdout.write(`${share}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${key}\n`);
  }
}

/** The profiled process: starts the server, repeats the transfer, reports the median. */
async function profiled(plan) {
  const { TARGETS, openTarget, rawClient, stowageClient } = await import("./lib/targets.mjs");
  const { bufferStream, drain, randomBuffer } = await import("./lib/data.mjs");
  const { median, timed } = await import("./lib/stats.mjs");

  const target = TARGETS.find((t) => t.id === plan.target);
  if (!target) throw new Error(`unknown target ${plan.target}`);
  const opened = await openTarget(target);
  if (opened.missing) throw new Error(opened.missing);
  const { spec } = opened;
  const client = plan.raw ? rawClient(spec) : await stowageClient(spec, { driver: plan.options });
  const data = randomBuffer(Math.min(plan.bytes, 64 * 1024 ** 2));
  const body = () => (plan.bytes > 8 * 1024 ** 2 ? repeated(data, plan.bytes, bufferStream) : data);
  const key = (index) => `profile/${plan.op === "put" ? index : 0}.bin`;
  const times = [];

  try {
    if (plan.op === "get") await client.put(key(0), body(), plan.bytes);
    for (let index = 0; index < plan.runs; index++) {
      const { ms } = await timed(async () => {
        if (plan.op === "put") await client.put(key(index % 8), body(), plan.bytes);
        else await drain(await client.get(key(0)));
      });
      times.push(ms);
    }
  } finally {
    client.close();
    await opened.stop();
  }
  const who = plan.raw ? "raw" : "stowage";
  process.stdout.write(
    `${plan.scenario} ${who}: ${plan.runs} runs, median ${median(times).toFixed(2)} ms\n`,
  );
}

/** A stream of `bytes` made of `data` repeated, for sizes over what is held in memory. */
function repeated(data, bytes, toStream) {
  if (bytes === data.length) return toStream(data);
  async function* chunks() {
    for (let sent = 0; sent < bytes; sent += data.length) {
      yield* toStream(data.subarray(0, Math.min(data.length, bytes - sent)));
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
