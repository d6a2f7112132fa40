// The targets every section runs on: one driver against one server. A target's spec is
// plain JSON, so a child process (the memory section) builds exactly the same clients.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { rawAzureClient } from "./clients/azure.mjs";
import { flydriveClient, flydriveGap } from "./clients/flydrive.mjs";
import { rawGcsClient } from "./clients/gcs.mjs";
import { rawLocalClient } from "./clients/local.mjs";
import { rawS3Client } from "./clients/s3.mjs";
import { sabClient, sabGap } from "./clients/storage-abstraction.mjs";
import { stowageClient, stowageDriver } from "./clients/stowage.mjs";
import { startServer } from "./servers.mjs";

/** The container (bucket) the bench works in; peers that clear whole buckets get their own. */
export const CONTAINER = "stowage-bench";

/**
 * Every target, in table order. `server` is the kind test/support/servers.ts starts. An
 * `extra` target runs only when named in --targets: moto is a second S3 server, and the
 * default run has to fit in 10 minutes on two cores.
 */
export const TARGETS = [
  { id: "local", label: "local (fs)", kind: "local", server: undefined },
  { id: "s3-sig", label: "S3 on versitygw (SigV4, disk)", kind: "s3", server: "s3sig" },
  { id: "s3-moto", label: "S3 on moto", kind: "s3", server: "moto", extra: true },
  { id: "gcs", label: "GCS on fake-gcs-server", kind: "gcs", server: "gcs" },
  { id: "azure", label: "Azure on Azurite", kind: "azure", server: "azurite" },
];

/** The raw SDK client of a spec. */
export function rawClient(spec) {
  switch (spec.kind) {
    case "local":
      return rawLocalClient(spec);
    case "s3":
      return rawS3Client(spec);
    case "gcs":
      return rawGcsClient(spec);
    case "azure":
      return rawAzureClient(spec);
    default:
      throw new Error(`unknown target kind ${spec.kind}`);
  }
}

/** The peer libraries' clients of a spec, or the reason each one is left out. */
export function peerClients(spec) {
  const peers = [];
  const gaps = [];
  const flyGap = flydriveGap(spec);
  if (flyGap) gaps.push({ name: "flydrive", reason: flyGap });
  else peers.push(flydriveClient(spec));

  const abstractionGap = sabGap(spec);
  if (abstractionGap) gaps.push({ name: "storage-abstraction", reason: abstractionGap });
  else peers.push(sabClient({ ...spec, container: `${spec.container}-sab` }));
  return { peers, gaps };
}

/**
 * Starts the target's server (a scratch directory for local) and creates the containers.
 * Resolves { spec, stop } or { missing } when the server is not installed.
 */
export async function openTarget(target) {
  if (target.kind === "local") {
    const root = await mkdtemp(join(tmpdir(), "stowage-bench-"));
    const spec = { id: target.id, kind: "local", root, container: CONTAINER };
    await createContainers(spec);
    return { spec, stop: () => rm(root, { recursive: true, force: true }) };
  }

  const server = await startServer(target.server);
  if (!server)
    return { missing: `${target.server} is not installed (scripts/emulators.sh install)` };
  const spec = {
    id: target.id,
    kind: target.kind,
    endpoint: server.endpoint,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    region: server.region,
    accountName: server.accountName,
    accountKey: server.accountKey,
    container: CONTAINER,
  };
  try {
    await createContainers(spec);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { spec, stop: () => server.stop() };
}

async function createContainers(spec) {
  const driver = stowageDriver(spec);
  await driver.createContainer(spec.container);
  if (sabGap(spec)) return;
  const sabContainer = `${spec.container}-sab`;
  // On disk the library keeps its buckets under a directory of its own.
  if (spec.kind === "local") await sabClient({ ...spec, container: sabContainer }).create();
  else await driver.createContainer(sabContainer);
}

export { stowageClient };
