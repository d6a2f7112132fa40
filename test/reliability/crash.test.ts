// Crash safety on every driver: a writer process replacing an object is killed with SIGKILL
// at random moments of its upload; afterwards the object is the old version or the new one,
// complete (compared by MD5), never a mix, a truncation or nothing.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import type { Container } from "@stowage/core";

import type { WriterJob } from "./crash-writer.js";
import { DRIVERS, useTarget } from "./drivers.js";
import { MiB, md5, payload, readAll, uniqueName } from "./support.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "../..");
const WRITER = join(HERE, "crash-writer.ts");

/** Past one 5 MiB part (S3) and the 5 MiB resumable threshold (GCS). */
const SIZE = 12 * MiB;
const KILLS = 3;

for (const fixture of DRIVERS) {
  describe(`reliability: crash safety on ${fixture.name}`, function () {
    this.timeout(60_000);
    const target = useTarget(fixture);
    const oldBody = payload(SIZE);
    const newBody = payload(SIZE);
    const source = join(tmpdir(), uniqueName("crash-source"));
    let container: Container;
    /** How long an upload that is left alone takes, to kill within it. */
    let fullRunMs = 0;

    before(async () => {
      container = await target().driver().createContainer(uniqueName());
      await writeFile(source, newBody);
    });

    after(() => rm(source, { force: true }));

    const job = (objectName: string): WriterJob => {
      return { spec: target().spec, container: container.name, objectName, source };
    };

    it("a writer left alone replaces the object with the new version", async () => {
      const name = uniqueName("calm");
      await container.uploadObjectViaStream(oldBody, name);

      const writer = startWriter(job(name));
      await untilSaid(writer, "started");
      const started = Date.now();
      const code = await exitOf(writer);
      fullRunMs = Date.now() - started;

      expect(code, "the writer finished").to.equal(0);
      expect(await storedMd5(container, name)).to.equal(md5(newBody));
    });

    it(`after SIGKILL at ${KILLS} random moments the object is old or new, whole`, async () => {
      for (let kill = 0; kill < KILLS; kill++) {
        const name = uniqueName("killed");
        await container.uploadObjectViaStream(oldBody, name);

        const writer = startWriter(job(name));
        await untilSaid(writer, "started");
        await delay(Math.random() * Math.max(fullRunMs, 200));
        writer.kill("SIGKILL");
        await exitOf(writer);

        const stored = await storedMd5(container, name);
        expect([md5(oldBody), md5(newBody)], `after kill ${kill + 1}`).to.include(stored);
        const listed = await container.listObjects({ prefix: name });
        expect(listed, "nothing beside it").to.have.length(1);
      }
    });
  });
}

function startWriter(job: WriterJob): ChildProcess {
  const args = ["--conditions=@stowage/source", "--import", "tsx", WRITER, JSON.stringify(job)];
  return spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
}

/** Resolves once the writer prints `word`; rejects if it exits first. */
async function untilSaid(writer: ChildProcess, word: string): Promise<void> {
  let said = "";
  let errors = "";
  writer.stderr!.on("data", (data: Buffer) => (errors += data.toString()));

  await new Promise<void>((resolve, reject) => {
    writer.stdout!.on("data", (data: Buffer) => {
      said += data.toString();
      if (said.includes(`${word}\n`)) resolve();
    });
    const early = (code: number | null) =>
      new Error(`the writer exited (${code}) first: ${errors}`);
    writer.once("exit", (code) => reject(early(code)));
  });
}

async function exitOf(writer: ChildProcess): Promise<number | null> {
  if (writer.exitCode !== null || writer.signalCode !== null) return writer.exitCode;
  const [code] = (await once(writer, "exit")) as [number | null];
  return code;
}

async function storedMd5(container: Container, name: string): Promise<string> {
  const obj = await container.getObject(name);
  return md5(await readAll(await container.downloadObjectAsStream(obj)));
}
