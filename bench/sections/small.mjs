// Section 3: many small objects. Put, list, get and delete N objects of 1 KiB with bounded
// concurrency, through Stowage, the raw SDK and the peer libraries that support the
// provider. Bulk deletes use each library's batch path (S3 DeleteObjects, Azure Blob Batch).
import { drain, eachLimited, KiB, randomBuffer } from "../lib/data.mjs";
import { timed } from "../lib/stats.mjs";
import { peerClients, rawClient, stowageClient } from "../lib/targets.mjs";

/** Requests in flight at once. */
export const CONCURRENCY = 16;
const OBJECT_SIZE = KiB;

/**
 * Objects per client: 10,000 on local disk and on versitygw, for every library. The
 * in-memory emulators (fake-gcs-server, Azurite) get 1,000 so that a whole run fits in 10
 * minutes on a 2-core machine where each server shares the CPU with the bench;
 * `--small-count N` sets one count everywhere.
 */
export function smallCount(plan, spec) {
  if (plan.smallCount) return plan.smallCount;
  if (plan.quick) return 500;
  return spec.id === "local" || spec.id === "s3-sig" ? 10_000 : 1_000;
}

/**
 * Measures one target. Resolves { rows, gaps }: a row per client with the milliseconds of
 * each phase and the number the listing returned; gaps name the peers left out, and why.
 */
export async function measureSmall(spec, plan, log) {
  const { peers, gaps } = peerClients(spec);
  const clients = [await stowageClient(spec), rawClient(spec), ...peers];
  const data = randomBuffer(OBJECT_SIZE);
  const rows = [];

  for (const client of clients) {
    const count = smallCount(plan, spec);
    try {
      const row = await measureClient(client, count, data);
      rows.push({ target: spec.id, client: client.name, count, ...row });
      log(`  ${spec.id} ${client.name}: ${phaseText(row)}`);
    } catch (error) {
      // A peer that fails here is reported in the table with its error, not dropped.
      rows.push({ target: spec.id, client: client.name, count, error: String(error.message) });
      log(`  ${spec.id} ${client.name}: failed: ${error.message}`);
    } finally {
      client.close();
    }
  }
  return { rows, gaps };
}

async function measureClient(client, count, data) {
  const prefix = `small-${client.name}/`;
  const keys = Array.from(
    { length: count },
    (_, i) => `${prefix}${String(i).padStart(6, "0")}.bin`,
  );

  const put = await timed(() =>
    eachLimited(keys, CONCURRENCY, (key) => client.put(key, data, data.length)),
  );
  client.forget?.();
  const list = await timed(() => client.list(prefix));
  const get = await timed(() =>
    eachLimited(keys, CONCURRENCY, async (key) => {
      const bytes = await drain(await client.get(key));
      if (bytes !== data.length) throw new Error(`read ${bytes} bytes of ${key}`);
    }),
  );
  const del = await timed(() => client.deleteAll(prefix));
  const left = await client.list(prefix);
  if (left !== 0) throw new Error(`${left} objects left after the delete`);

  return { put: put.ms, list: list.ms, listed: list.result, get: get.ms, delete: del.ms };
}

function phaseText(row) {
  const f = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const list = `list ${f(row.list)} (${row.listed})`;
  return `put ${f(row.put)}, ${list}, get ${f(row.get)}, delete ${f(row.delete)}`;
}
