// Starts and stops the protocol servers that the driver test suites run against (see
// shared TESTING.md): each on 127.0.0.1, on a free port, with explicit dummy credentials,
// logging to .emulators/logs/. The servers themselves are installed by
// `scripts/emulators.sh install` (Azurite comes with the root devDependencies).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import {
  accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";

/** The servers this module can start; "s3sig" is the S3 server that verifies SigV4. */
export type ServerKind = "moto" | "s3sig" | "gcs" | "azurite";

/** A running server and what a client needs to reach it. */
export interface TestServer {
  kind: ServerKind;
  host: "127.0.0.1";
  port: number;
  /** `http://127.0.0.1:PORT`. For Azurite the blob service URL is `${endpoint}/${accountName}`. */
  endpoint: string;
  /** S3 kinds: static dummy credentials (moto accepts any; s3sig checks these). */
  accessKey?: string;
  secretKey?: string;
  /** S3 kinds: the region that SigV4 signatures must name. */
  region?: string;
  /** Azurite: the well-known development account. */
  accountName?: string;
  accountKey?: string;
  /** Where the server's stdout and stderr go. */
  logFile: string;
  /** Kills the server (and its children) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Azurite's well-known development account. Microsoft publishes this key; it opens only
 * the local emulator.
 */
export const AZURITE_ACCOUNT = {
  name: "devstoreaccount1",
  key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
} as const;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const EMULATORS = join(ROOT, ".emulators");
const LOGS = join(EMULATORS, "logs");
const RUNS = join(EMULATORS, "run");
const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const START_ATTEMPTS = 3;
const INSTALL = "scripts/emulators.sh install";

/** How to run one kind of server. */
interface Recipe {
  binary: string;
  /** The command that installs `binary`, for the skip line and the CI error. */
  install: string;
  args(port: number, workDir: string): string[];
  /** Credentials etc. that the started server is configured with. */
  details: Partial<TestServer>;
}

const RECIPES: Record<ServerKind, Recipe> = {
  moto: {
    binary: join(EMULATORS, "venv/bin/moto_server"),
    install: INSTALL,
    args: (port) => ["-H", HOST, "-p", String(port)],
    details: { accessKey: "stowage-moto", secretKey: "stowage-moto-secret", region: "us-east-1" },
  },
  s3sig: {
    binary: join(EMULATORS, "bin/versitygw"),
    install: INSTALL,
    // The posix backend keeps metadata (ETag, x-amz-meta-*) in user xattrs, which the ext4
    // work tree here has; on a filesystem without them, versitygw's --sidecar DIR would do.
    args: (port, workDir) => [
      "--port", `${HOST}:${port}`,
      "--access", "stowage-sig",
      "--secret", "stowage-sig-secret-key",
      "--region", "us-east-1",
      "posix", workDir,
    ],
    details: { accessKey: "stowage-sig", secretKey: "stowage-sig-secret-key", region: "us-east-1" },
  },
  gcs: {
    binary: join(EMULATORS, "bin/fake-gcs-server"),
    install: INSTALL,
    // external-url and public-host point resumable-upload and media links back at us.
    args: (port) => [
      "-scheme", "http",
      "-host", HOST,
      "-port", String(port),
      "-backend", "memory",
      "-external-url", `http://${HOST}:${port}`,
      "-public-host", `${HOST}:${port}`,
    ],
    details: {},
  },
  azurite: {
    binary: join(ROOT, "node_modules/.bin/azurite-blob"),
    install: "npm ci",
    // --disableTelemetry is mandatory: without it Azurite reaches an outside service.
    // No --location: Azurite refuses it with --inMemoryPersistence; its cwd is the work dir.
    args: (port) => [
      "--blobHost", HOST,
      "--blobPort", String(port),
      "--skipApiVersionCheck",
      "--disableTelemetry",
      "--inMemoryPersistence",
      "--loose",
    ],
    details: { accountName: AZURITE_ACCOUNT.name, accountKey: AZURITE_ACCOUNT.key },
  },
};

/** Children still running, with their work dirs, so both go when this process exits. */
const running = new Map<ChildProcess, string>();
const warned = new Set<ServerKind>();
let hooksInstalled = false;

/**
 * Starts a server of `kind` and waits until it answers HTTP.
 *
 * If the server is not installed: throws when `CI=true` (a missing server must fail CI
 * loudly); otherwise prints one `skipping <kind>: ...` line to stderr and returns undefined,
 * so that a developer without Go or Python can still run the other suites.
 */
export async function startServer(kind: ServerKind): Promise<TestServer | undefined> {
  const recipe = RECIPES[kind];
  if (!isExecutable(recipe.binary)) {
    return reportMissing(kind, recipe);
  }

  installExitHooks();

  // A free port can be taken between our probe and the server's bind, so a server that
  // dies before it answers gets another port; a server that hangs does not.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(kind, recipe);
    } catch (error) {
      if (!(error instanceof EarlyExit) || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

/** Stops every server this process started; for a root `after` hook. */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running.keys()].map((child) => stopChild(child)));
}

/** The server exited before it answered. */
class EarlyExit extends Error {}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function reportMissing(kind: ServerKind, recipe: Recipe): undefined {
  if (process.env.CI === "true") {
    throw new Error(`${kind} server is not installed (${recipe.binary}): run ${recipe.install}`);
  }

  // Several suites may ask for the same kind; one line per kind is enough.
  if (!warned.has(kind)) {
    warned.add(kind);
    process.stderr.write(`skipping ${kind}: run ${recipe.install}\n`);
  }
  return undefined;
}

async function startOnce(kind: ServerKind, recipe: Recipe): Promise<TestServer> {
  const port = await freePort();
  const workDir = join(RUNS, `${kind}-${port}`);
  const logFile = join(LOGS, `${kind}-${port}.log`);
  removeDir(workDir);
  mkdirSync(workDir, { recursive: true });
  mkdirSync(LOGS, { recursive: true });

  const child = launch(recipe.binary, recipe.args(port, workDir), workDir, logFile);
  const endpoint = `http://${HOST}:${port}`;
  try {
    await waitUntilAnswering(kind, child, endpoint, logFile);
  } catch (error) {
    await stopChild(child);
    throw error;
  }

  const stop = memoize(() => stopChild(child));
  return { kind, host: HOST, port, endpoint, logFile, ...recipe.details, stop };
}

/** Asks the kernel for a port that is free on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, "listening");

  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  return address.port;
}

function launch(binary: string, args: string[], cwd: string, logFile: string): ChildProcess {
  const fd = openSync(logFile, "w");

  // detached: the server leads its own process group, so stop() can kill its children too.
  const child = spawn(binary, args, {
    cwd,
    detached: true,
    stdio: ["ignore", fd, fd],
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true" },
  });
  closeSync(fd);

  // unref: a suite that forgets stop() must not keep mocha alive; the exit hook kills it.
  child.unref();
  // However the server ends (stop, crash, failed spawn), its scratch data goes with it.
  running.set(child, cwd);
  const forget = () => {
    running.delete(child);
    removeDir(cwd);
  };
  child.once("exit", forget);
  child.once("error", forget);
  return child;
}

/** Polls until the server answers any HTTP response, it exits, or time runs out. */
async function waitUntilAnswering(
  kind: ServerKind,
  child: ChildProcess,
  endpoint: string,
  logFile: string,
): Promise<void> {
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const deadline = Date.now() + READY_TIMEOUT_MS;

  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`${kind} could not be started: ${spawnError.message}`);
    if (hasExited(child)) {
      const how = child.exitCode ?? child.signalCode;
      throw new EarlyExit(`${kind} exited (${how}) before answering${logTail(logFile)}`);
    }
    if (await answers(endpoint)) return;
    await delay(100);
  }

  throw new Error(
    `${kind} did not answer at ${endpoint} within ${READY_TIMEOUT_MS / 1000}s${logTail(logFile)}`,
  );
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function logTail(logFile: string): string {
  let text: string;
  try {
    text = readFileSync(logFile, "utf8");
  } catch {
    return "";
  }
  const lines = text.trimEnd().split("\n").slice(-20).join("\n");
  return `; last lines of ${logFile}:\n${lines}`;
}

/** SIGTERM to the process group, SIGKILL if it lingers, then wait for the exit. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || hasExited(child)) return;

  const exited = once(child, "exit");
  killGroup(child.pid, "SIGTERM");
  const timer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);

  // The leader is gone; anything it left in its group goes too.
  killGroup(child.pid, "SIGKILL");
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Kills every started server when this process ends, however it ends. */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;

  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll();
      // With no other handler, die of the signal as the default action would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Synchronous, because it also runs in the "exit" event, where nothing async gets to run. */
function killAll(): void {
  for (const [child, workDir] of running) {
    if (child.pid !== undefined) killGroup(child.pid, "SIGKILL");
    removeDir(workDir);
  }
}

function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // A server killed mid-write may still add a file; a stale scratch dir is harmless.
  }
}

function memoize(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
