// Turns a run's results into the markdown tables of bench/results/*.md.
import { TARGETS } from "./targets.mjs";
import { formatMs, formatRatio, formatSize } from "./stats.mjs";

/** Targets of the issue: Stowage ÷ raw at 1 KiB, and from 1 MiB up; memory above idle. */
export const TARGET_SMALL = 1.15;
export const TARGET_LARGE = 1.05;
export const TARGET_MEMORY = 100 * 1024 * 1024;

const labelOf = (id) => TARGETS.find((target) => target.id === id)?.label ?? id;

/** The whole markdown report of a run. */
export function renderReport(results, notes) {
  const parts = [
    `# Stowage benchmarks`,
    "",
    header(results),
    "",
    ...section("1. Overhead: Stowage ÷ raw SDK", results.overhead, overheadTable),
    ...section("2. Memory: peak RSS above the idle process", results.memory, memoryTable),
    ...section("3. Many small objects", results.small, smallTable),
    ...section("4. Local driver against the physical limit", results.local, localTable),
  ];
  if (results.missing.length > 0) {
    parts.push("### Not measured", "");
    for (const { target, reason } of results.missing) parts.push(`- ${labelOf(target)}: ${reason}`);
    parts.push("");
  }
  parts.push(notes.trim(), "");
  return parts.join("\n");
}

function header(results) {
  const m = results.machine;
  const servers = Object.entries(m.servers)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  return [
    `Run ${results.startedAt}${results.plan.quick ? " (quick)" : ""}, ` +
      `${(results.durationMs / 1000).toFixed(0)} s. ` +
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, ${m.disk}; ` +
      `Node ${m.node}. Servers (all on 127.0.0.1, same machine): ${servers}.`,
    "Every figure is the median of the runs shown; Stowage and the raw SDK run alternately " +
      "against the same server with the same bytes. ✗ marks a figure over its target.",
  ].join("\n");
}

function section(title, data, render) {
  const rows = Array.isArray(data) ? data : data?.rows;
  if (!rows || rows.length === 0) return [];
  return [`## ${title}`, "", ...render(data), ""];
}

function overheadTable(rows) {
  const lines = [
    "Target: ≤ 1.15 at 1 KiB, ≤ 1.05 from 1 MiB up. The columns after each ratio take " +
      "one integrity step away: local uploads through a driver built with `durable: " +
      "false` (no fsync before the rename), and cloud downloads through a driver built " +
      "with `verifyDownloads: false` (by default cloud drivers check each download " +
      "against the provider's MD5).",
    "",
    "| driver / server | size | runs | upload Stowage | upload raw | ÷ | ÷ durable: false | " +
      "download Stowage | download raw | ÷ | ÷ verifyDownloads: false |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  const byKey = new Map(rows.map((row) => [`${row.target}|${row.size}|${row.op}`, row]));
  const seen = new Set();
  for (const row of rows) {
    const key = `${row.target}|${row.size}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const up = byKey.get(`${key}|upload`);
    const down = byKey.get(`${key}|download`);
    const limit = row.bytes < 1024 * 1024 ? TARGET_SMALL : TARGET_LARGE;
    lines.push(
      `| ${labelOf(row.target)} | ${row.size} | ${row.runs} | ${formatMs(up.stowage)} | ` +
        `${formatMs(up.raw)} | ${mark(up.ratio, limit)} | ${variantCell(up, limit)} | ` +
        `${formatMs(down.stowage)} | ${formatMs(down.raw)} | ${mark(down.ratio, limit)} | ` +
        `${variantCell(down, limit)} |`,
    );
  }
  return lines;
}

function variantCell(row, limit) {
  return row.ratioVariant === undefined ? "–" : mark(row.ratioVariant, limit);
}

function mark(ratio, limit) {
  return `${formatRatio(ratio)}${ratio > limit ? " ✗" : ""}`;
}

function memoryTable(rows) {
  const lines = [
    "Target: under 100 MiB, and the same at both sizes. Objects are generated on the fly " +
      "(never held whole) and downloads are hashed as they stream, never collected; each " +
      "transfer runs in a fresh process whose RSS is sampled every 20 ms (and its kernel " +
      "peak, VmHWM, reset before the transfer).",
    "",
    "| driver / server | library | object | upload: peak above idle | upload time | " +
      "download: peak above idle | download time |",
    "|---|---|---|---|---|---|---|",
  ];
  const seen = new Set();
  const keyOf = (row) => `${row.target}|${row.client ?? "stowage"}|${row.bytes}`;
  for (const row of rows) {
    const key = keyOf(row);
    if (seen.has(key)) continue;
    seen.add(key);
    const up = rows.find((r) => keyOf(r) === key && r.direction === "upload");
    const down = rows.find((r) => keyOf(r) === key && r.direction === "download");
    const client = row.client === "raw" ? "raw SDK" : "Stowage";
    lines.push(
      `| ${labelOf(row.target)} | ${client} | ${formatSize(row.bytes)} | ${memoryCell(up)} | ` +
        `${formatMs(up?.ms)} | ${memoryCell(down)} | ${formatMs(down?.ms)} |`,
    );
  }
  const reduced = new Map(rows.filter((r) => r.reduced).map((r) => [r.target, r.reduced]));
  if (reduced.size > 0) {
    lines.push("", "Sizes below 2 GiB:");
    for (const [target, reason] of reduced) lines.push(`- ${labelOf(target)}: ${reason}.`);
  }
  return lines;
}

function memoryCell(row) {
  if (!row) return "–";
  if (row.error) return `failed: ${row.error}`;
  const over = row.client !== "raw" && row.above > TARGET_MEMORY;
  return `${formatSize(row.above)}${over ? " ✗" : ""}`;
}

function smallTable({ rows, gaps }) {
  const lines = [
    "1 KiB objects, 16 requests in flight. put and get: one request per object; list: " +
      "every page; delete: each library's bulk delete (Stowage's deleteDirectory; S3 " +
      "DeleteObjects, Azure Blob Batch, 8 (Stowage) or 10 (library) single deletes at " +
      "once on GCS, which has no batch call in its Node library). Stowage gets each object " +
      "with the StorageObject its listing returned. Throughput in objects per second. " +
      "A full run uses 10,000 objects on local disk and versitygw, and 1,000 on " +
      "fake-gcs-server and Azurite (a quick run 500 everywhere): the latter are " +
      "in-memory emulators that share the two cores with the bench and would not put, get " +
      "and delete 10,000 objects for each library within the run's 10 minutes.",
    "",
    "| driver / server | library | objects | put | list | get | delete | listed |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    if (row.error) {
      lines.push(
        `| ${labelOf(row.target)} | ${row.client} | ${row.count} | failed: ${row.error} | | | | |`,
      );
      continue;
    }
    const rate = (ms) => `${Math.round(row.count / (ms / 1000)).toLocaleString("en")}/s`;
    const listed = row.listed === row.count ? "all" : `${row.listed} of ${row.count} ✗`;
    lines.push(
      `| ${labelOf(row.target)} | ${row.client} | ${row.count.toLocaleString("en")} | ` +
        `${rate(row.put)} | ${formatMs(row.list)} | ${rate(row.get)} | ` +
        `${formatMs(row.delete)} | ${listed} |`,
    );
  }
  if (gaps.length > 0) {
    lines.push("", "Left out:");
    for (const gap of gaps) lines.push(`- ${labelOf(gap.target)}, ${gap.name}: ${gap.reason}`);
  }
  return lines;
}

function localTable(rows) {
  const lines = [
    "The page cache is warm for every path (one untimed round first). Stowage's upload " +
      "is durable (fsync before the rename) by default, so it compares with copyFile + fsync.",
    "",
    "| direction | size | runs | Stowage | fs.copyFile | fs.copyFile + fsync | " +
      "Stowage ÷ copyFile |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.direction} | ${formatSize(row.bytes)} | ${row.runs} | ${formatMs(row.stowage)} | ` +
        `${formatMs(row.copyFile)} | ${formatMs(row.copyFileSync)} | ` +
        `${formatRatio(row.stowage / row.copyFile)} |`,
    );
  }
  return lines;
}
