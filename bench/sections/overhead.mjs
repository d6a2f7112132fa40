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
 * (median milliseconds), plus `stowageUnverified` for downloads on drivers that check MD5.
 */
export async function measureOverhead(spec, plan, log) {
  const stowage = await stowageClient(spec);
  const raw = rawClient(spec);
  const verifies = spec.kind !== "local";
  // Stowage reading the same object with its MD5 check off: what the check itself costs.
  const unverified = { name: "stowage", get: (key) => stowage.get(key, false) };
  const rows = [];

  try {
    for (const size of SIZES) {
      const runs = plan.quick ? size.quickRuns : size.runs;
      const data = randomBuffer(size.bytes);
      const body = () => (size.bytes > BUFFER_LIMIT ? bufferStream(data) : data);
      const key = (client) => `overhead/${client.name}-${size.label.replace(" ", "")}.bin`;

      const up = await alternate([stowage, raw], size.warmup, runs, (client) =>
        client.put(key(client), body(), size.bytes),
      );
      rows.push(row(spec, size, "upload", up, runs));

      const downloaders = verifies ? [stowage, raw, unverified] : [stowage, raw];
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
    stowage.close();
    raw.close();
  }
  return rows;
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
  const [stowage, raw, unverified] = times.map(median);
  return {
    target: spec.id,
    size: size.label,
    bytes: size.bytes,
    op,
    runs,
    stowage,
    raw,
    ratio: stowage / raw,
    stowageUnverified: unverified,
    ratioUnverified: unverified === undefined ? undefined : unverified / raw,
  };
}

function ratioText(times) {
  const [stowage, raw] = times.map(median);
  return `${stowage.toFixed(1)}/${raw.toFixed(1)} ms = ${(stowage / raw).toFixed(2)}`;
}
