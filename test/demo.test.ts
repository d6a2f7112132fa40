import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";

const run = promisify(execFile);
const root = new URL("..", import.meta.url).pathname;

/** Runs scripts/demo.mjs as `npm run demo` does, after building what it imports. */
async function demo(dir: string): Promise<{ code: number; output: string }> {
  await run("npx", ["tsc", "-b", "packages/file-field", "packages/local"], { cwd: root });
  const env = { ...process.env, STOWAGE_DEMO_DIR: dir };
  try {
    const { stdout, stderr } = await run("node", ["scripts/demo.mjs"], { cwd: root, env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe("npm run demo", function () {
  this.timeout(240_000);
  let dir: string;

  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), "stowage-demo-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("runs the seed scenario end to end and exits 0 with every check passed", async () => {
    const { code, output } = await demo(join(dir, "demo"));

    expect(output).to.match(/Demo finished: all \d+ checks passed/);
    expect(output).to.not.include("FAILED");
    expect(code).to.equal(0);
    for (const line of [
      "ok: both files are on disk",
      "ok: the text file reads back whole",
      "ok: after the commit, the old file",
      "ok: after the rollback, its upload is gone",
      "ok: a column without uploadStorage now stores in second",
      "ok: its text file, image and thumbnail are gone",
    ]) {
      expect(output).to.include(line);
    }

    const left = await readdir(join(dir, "demo", "storage", "second"));
    expect(left.filter((name) => name.endsWith(".txt"))).to.have.length(1);
  });

  it("exits non-zero and says so when a step cannot be done", async () => {
    const blocker = join(dir, "a-file");
    await writeFile(blocker, "not a folder");

    const { code, output } = await demo(join(blocker, "demo"));

    expect(code).to.equal(1);
    expect(output).to.include("Demo FAILED");
  });
});
