// Starts the protocol servers through the test harness (test/support/servers.ts), so the
// benchmarks run against exactly the binaries, versions and settings the tests use. The
// TypeScript module is loaded through tsx; the packages under test still come from dist.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { tsImport } from "tsx/esm/api";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

let harness;

async function loadHarness() {
  harness ??= await tsImport(join(ROOT, "test/support/servers.ts"), import.meta.url);
  return harness;
}

/**
 * Starts a server of `kind` ("moto", "s3sig", "gcs", "azurite") on 127.0.0.1, or resolves
 * undefined when it is not installed (the caller reports the gap in the table).
 */
export async function startServer(kind) {
  const { startServer: start } = await loadHarness();
  return start(kind);
}

/** The versions of the servers, as pinned by scripts/emulators.sh and package.json. */
export function serverVersions() {
  const stamp = (name) => {
    try {
      return readFileSync(join(ROOT, ".emulators/versions", name), "utf8").trim();
    } catch {
      return "not installed";
    }
  };
  const require = createRequire(join(ROOT, "package.json"));
  let azurite = "not installed";
  try {
    azurite = require("azurite/package.json").version;
  } catch {
    // Reported as not installed.
  }
  return {
    moto: stamp("moto"),
    versitygw: stamp("versitygw"),
    "fake-gcs-server": stamp("fake-gcs-server"),
    azurite,
  };
}
