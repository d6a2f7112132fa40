// Load on every driver: 200 uploads and downloads of mixed sizes (1 KiB to 2 MiB) at once,
// sized for a 2-core machine. Each completes with the exact bytes, and afterwards no file
// stays open and no connection is left in the middle of an exchange.
import { readdir, readlink } from "node:fs/promises";

import { expect } from "chai";
import type { Container, StorageDriver } from "@stowage/core";

import { DRIVERS, useTarget } from "./drivers.js";
import { KiB, md5, payload, readAll, through, uniqueName, useProxy } from "./support.js";

const TASKS = 200;
const SMALLEST = 1 * KiB;
const LARGEST = 2048 * KiB;

/** Sizes spread evenly on a log scale from SMALLEST to LARGEST, so most are small. */
const SIZES = Array.from({ length: TASKS }, (_, i) =>
  Math.round(SMALLEST * (LARGEST / SMALLEST) ** (i / (TASKS - 1))),
);

for (const fixture of DRIVERS) {
  describe(`reliability: load on ${fixture.name}`, function () {
    this.timeout(120_000);
    const target = useTarget(fixture);

    if (!fixture.network) {
      const title = `${TASKS} concurrent uploads and downloads complete, and every file is closed`;
      it(title, async () => {
        const driver = target().driver();
        const container = await driver.createContainer(uniqueName());
        const filesBefore = await openFiles();

        await runLoad(driver, container);

        expect(await openFiles(), "no file left open").to.deep.equal(filesBefore);
      });
      return;
    }

    const proxied = useProxy(target);
    const title = `${TASKS} concurrent uploads and downloads complete, no exchange left open`;
    it(title, async () => {
      const { proxy, driver, container } = proxied();
      const viaProxy = driver();
      const filesBefore = await openFiles();

      await runLoad(viaProxy, through(viaProxy, container));

      expect(proxy.busyConnections(), "every response was read to its end").to.equal(0);
      expect(await openFiles(), "no file left open").to.deep.equal(filesBefore);
      expect(proxy.requests.length).to.be.at.least(2 * TASKS);
    });
  });
}

/** Every task uploads its body and reads it back; all run at once. */
async function runLoad(driver: StorageDriver, container: Container): Promise<void> {
  const outcomes = await Promise.allSettled(
    SIZES.map(async (size, index) => {
      const body = payload(size);
      const name = `load/${index}.bin`;
      await driver.uploadObjectViaStream(body, container, name);

      const obj = await driver.getObject(container.name, name);
      const received = await readAll(await driver.downloadObjectAsStream(obj));
      if (md5(received) !== md5(body)) throw new Error(`${name}: the bytes differ`);
    }),
  );

  const failures = outcomes.filter((outcome) => outcome.status === "rejected");
  const reasons = failures.map((failure) => String((failure as PromiseRejectedResult).reason));
  expect(reasons, "every task succeeded").to.deep.equal([]);
}

/** The files (not sockets or pipes) this process holds open, by path (Linux). */
async function openFiles(): Promise<string[]> {
  const paths: string[] = [];
  for (const fd of await readdir("/proc/self/fd")) {
    const link = await readlink(`/proc/self/fd/${fd}`).catch(() => "");
    if (link.startsWith("/") && !link.startsWith("/proc/")) paths.push(link);
  }
  return paths.sort();
}
