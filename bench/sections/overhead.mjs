// Section 1: what Stowage adds to one upload or download, against the raw SDK call doing
// the same transfer on the same server with the same bytes. Runs alternate between the two
// (and flip order every round) so that drift in the server or the machine cancels out.
import { bufferStream, drain, KiB, MiB, randomBuffer } from "../lib/data.mjs";
import { median, timed } from "../lib/stats.mjs";
import { rawClient, stowageClient } from "../lib/targets.mjs";

/** Sizes, with warm-up and measured runs for a full and a quick run. */
const SIZES = [
  { label: "1 KiB", bytes: KiB, warmup: 10, runs: 41, quickRuns: 15 },
  { label: "1 MiB", bytes: MiB, warmup: 4, runs: 15, quickRuns: 7 },
  { label: "64 MiB", bytes: 64 * MiB, warmup: 1, runs: 5, quickRuns: 3 },
];

/** Bodies up to this size are passed as Buffers, larger ones as 64 KiB-chunk streams. */
const BUFFER_LIMIT = 8 * MiB;

/**
 * Measures one target. Resolves rows of { target, size, op, stowage, raw, ratio, runs }
 * (median milliseconds), plus `variant` and `ratioVariant`: the same transfer through a
 * Stowage driver with its integrity step off (downloads on cloud drivers: a driver built
 * with `verifyDownloads: false`; uploads on local disk: one built with `durable: false`).
 */
export async function measureOverhead(spec, plan, log) {
  const stowage = await stowageClient(spec);
  const raw = rawClient(spec);
  const variants = await variantClients(spec, stowage);
  const rows = [];

  try {
    for (const size of SIZES) {
      const runs = plan.quick ? size.quickRuns : size.runs;
      const data = randomBuffer(size.bytes);
      const body = () => (size.bytes > BUFFER_LIMIT ? bufferStream(data) : data);
      const key = (client) => `overhead/${client.name}-${size.label.replace(" ", "")}.bin`;

      const uploaders = [stowage, raw, variants.upload].filter(Boolean);
      const up = await alternate(uploaders, size.warmup, runs, (client) =>
        client.put(key(client), body(), size.bytes),
      );
      rows.push(row(spec, size, "upload", up, runs));

      const downloaders = [stowage, raw, variants.download].filter(Boolean);
      const down = await alternate(downloaders, size.warmup, runs, async (client) => {
        const bytes = await drain(await client.get(key(client)));
        if (bytes !== size.bytes) throw new Error(`${client.name} read ${bytes} of ${size.bytes}`);
      });
      rows.push(row(spec, size, "download", down, runs));
      log(`  ${spec.id} ${size.label}: up ${ratioText(up)}, down ${ratioText(down)}`);
    }
    await stowage.deleteAll("overhead/");
    await raw.deleteAll("overhead/");
  } finally {
    for (const client of [stowage, raw, variants.upload, variants.download]) client?.close();
  }
  return rows;
}

/**
 * The Stowage clients with one integrity step off, to show what that step costs. Cloud
 * downloads: a second driver built with `verifyDownloads: false` reads the objects the
 * default driver uploaded. Local uploads: a driver built with `durable: false` (no fsync).
 */
async function variantClients(spec, stowage) {
  if (spec.kind === "local") {
    const fast = await stowageClient(spec, { driver: { durable: false } });
    return { upload: { ...fast, name: "stowage-nosync" } };
  }
  const plain = await stowageClient(spec, { driver: { verifyDownloads: false } });
  const download = {
    name: "stowage",
    get: async (key) => plain.driver.downloadObjectAsStream(await stowage.lookup(key)),
    close: () => plain.close(),
  };
  return { download };
}

/**
 * Runs `fn` for each client in turn, `warmup + runs` rounds, reversing the order every
 * round; resolves each client's times (warm-up dropped), in client order.
 */
async function alternate(clients, warmup, runs, fn) {
  const times = clients.map(() => []);
  for (let round = 0; round < warmup + runs; round++) {
    const order = clients.map((_, index) => index);
    if (round % 2) order.reverse();
    for (const index of order) {
      const { ms } = await timed(() => fn(clients[index]));
      if (round >= warmup) times[index].push(ms);
    }
  }
  return times;
}

function row(spec, size, op, times, runs) {
  const [stowage, raw, variant] = times.map(median);
  return {
    target: spec.id,
    size: size.label,
    bytes: size.bytes,
    op,
    runs,
    stowage,
    raw,
    ratio: stowage / raw,
    variant,
    ratioVariant: variant === undefined ? undefined : variant / raw,
  };
}

function ratioText(times) {
  const [stowage, raw] = times.map(median);
  return `${stowage.toFixed(1)}/${raw.toFixed(1)} ms = ${(stowage / raw).toFixed(2)}`;
}
