#!/usr/bin/env node
// Stowage's benchmarks: overhead against the raw SDKs, memory while streaming, many small
// objects against the raw SDKs and peer libraries, and the local driver against the disk.
// `npm run bench` builds the packages first; this file imports them from dist. Results go
// to bench/results/<time>.json and .md, and bench/results/latest.md (and .json).
//
//   node bench/run.mjs [--quick] [--only overhead,memory,small,local] [--targets s3-sig,gcs]
//   node bench/run.mjs --render     (latest.md again from latest.json, with the current notes)

// Every client is given a loopback endpoint; these keep the SDKs from looking for cloud
// credentials or metadata services on their own. Child processes inherit them.
process.env.AWS_EC2_METADATA_DISABLED = "true";
process.env.METADATA_SERVER_DETECTION = "none";
// The bench runs on the project's Node 20; the SDK's notice about Node 22 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const { mkdir, readFile, writeFile } = await import("node:fs/promises");
const { join, dirname } = await import("node:path");
const { fileURLToPath } = await import("node:url");

const { parseArgs, USAGE } = await import("./lib/args.mjs");
const { machineInfo } = await import("./lib/machine.mjs");
const { renderReport } = await import("./lib/report.mjs");
const { TARGETS, openTarget } = await import("./lib/targets.mjs");
const { measureOverhead } = await import("./sections/overhead.mjs");
const { measureMemory } = await import("./sections/memory.mjs");
const { measureSmall } = await import("./sections/small.mjs");
const { measureLocalLimit } = await import("./sections/local-limit.mjs");

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, "results");

const log = (line) => process.stdout.write(`${line}\n`);

async function main() {
  const plan = parseArgs(process.argv.slice(2));
  if (plan.help) return log(USAGE);
  if (plan.render) return renderLatest();

  const startedAt = new Date().toISOString();
  const started = Date.now();
  const results = {
    startedAt,
    plan,
    machine: machineInfo(),
    overhead: [],
    memory: [],
    small: { rows: [], gaps: [] },
    local: [],
    missing: [],
  };

  const chosen = (t) => (plan.targets ? plan.targets.includes(t.id) : !t.extra);
  const targets = TARGETS.filter(chosen);
  for (const target of targets) await runTarget(target, plan, results);

  results.durationMs = Date.now() - started;
  const notes = await readFile(join(HERE, "NOTES.md"), "utf8");
  const markdown = renderReport(results, notes);
  log(`\n${markdown}`);
  if (plan.write) await writeResults(results, markdown, startedAt);
}

/** Runs every selected section on one target, with its server started once for all. */
async function runTarget(target, plan, results) {
  const wants = (section) => plan.sections.includes(section);
  const sections = ["overhead", "memory", "small"].filter(wants);
  const local = target.id === "local" && wants("local");
  if (sections.length === 0 && !local) return;

  log(`${target.label}`);
  const opened = await openTarget(target);
  if (opened.missing) {
    results.missing.push({ target: target.id, reason: opened.missing });
    log(`  not measured: ${opened.missing}`);
    return;
  }

  try {
    const { spec } = opened;
    if (wants("overhead")) results.overhead.push(...(await measureOverhead(spec, plan, log)));
    if (wants("memory")) results.memory.push(...(await measureMemory(spec, plan, log)));
    if (wants("small")) {
      const { rows, gaps } = await measureSmall(spec, plan, log);
      results.small.rows.push(...rows);
      results.small.gaps.push(...gaps.map((gap) => ({ target: target.id, ...gap })));
    }
    if (local) results.local.push(...(await measureLocalLimit(spec, plan, log)));
  } finally {
    await opened.stop();
  }
}

/**
 * Writes bench/results/latest.md again from latest.json with the current NOTES.md: the
 * figures stay those of the run that measured them; only the notes under them change.
 */
async function renderLatest() {
  const results = JSON.parse(await readFile(join(RESULTS, "latest.json"), "utf8"));
  const notes = await readFile(join(HERE, "NOTES.md"), "utf8");
  await writeFile(join(RESULTS, "latest.md"), renderReport(results, notes));
  log(`bench/results/latest.md rendered again from the run of ${results.startedAt}`);
}

async function writeResults(results, markdown, startedAt) {
  await mkdir(RESULTS, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, "-");
  const json = `${JSON.stringify(results, null, 2)}\n`;
  await writeFile(join(RESULTS, `${stamp}.json`), json);
  await writeFile(join(RESULTS, `${stamp}.md`), markdown);
  await writeFile(join(RESULTS, "latest.json"), json);
  await writeFile(join(RESULTS, "latest.md"), markdown);
  log(`results: bench/results/${stamp}.md and bench/results/latest.md`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
