// Cancellation on every driver: an AbortSignal or a `timeout` stops uploads and downloads,
// an aborted upload leaves no object (and no unfinished multipart upload) and keeps the
// object it would have replaced, and an aborted download releases its connection or file.
import { readdir, readlink } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { OperationAbortedError, type Container, type StorageDriver } from "@stowage/core";

import { DRIVERS, useTarget, type DriverFixture, type DriverTarget } from "./drivers.js";
import {
  KiB,
  MiB,
  expectRejection,
  payload,
  readAll,
  through,
  uniqueName,
  useProxy,
} from "./support.js";

/** Bytes past one S3 part, so that the S3 drivers are mid-way through a multipart upload. */
const STREAMED = 6 * MiB;
const PARTS = { partSize: 5 * MiB, multipartThreshold: 5 * MiB };

/**
 * A source that yields `size` bytes and then waits for ever, as a stalled client would;
 * `sent` resolves once every byte has been handed over.
 */
function hangingSource(size: number) {
  let handedOver!: () => void;
  const sent = new Promise<void>((resolve) => (handedOver = resolve));

  async function* bytes() {
    for (let offset = 0; offset < size; offset += 256 * KiB) yield payload(256 * KiB);
    handedOver();
    await new Promise(() => undefined);
  }
  return { source: bytes(), sent };
}

for (const fixture of DRIVERS) {
  describe(`reliability: cancellation on ${fixture.name}`, function () {
    this.timeout(30_000);
    const target = useTarget(fixture);
    let driver: StorageDriver;
    let container: Container;

    before(async () => {
      driver = target().driver(PARTS);
      container = await driver.createContainer(uniqueName());
    });

    describeUploads(target, () => ({ driver, container }));
    if (fixture.network) describeNetworkReads(fixture, target);
    else describeFileReads(target, () => ({ driver, container }));
  });
}

function describeUploads(
  target: () => DriverTarget,
  setup: () => { driver: StorageDriver; container: Container },
): void {
  const aborts: [string, (controller: AbortController) => object][] = [
    ["an AbortSignal", (controller) => ({ signal: controller.signal })],
    ["a timeout", () => ({ timeout: 1_000 })],
  ];

  for (const [how, options] of aborts) {
    const title = `${how} stops a replacing upload, which leaves the old object and no parts`;
    it(title, async function () {
      this.timeout(10_000);
      const { container } = setup();
      const name = uniqueName("replace");
      const old = payload(100 * KiB);
      await container.uploadObjectViaStream(old, name);
      const controller = new AbortController();
      const { source, sent } = hangingSource(STREAMED);

      const upload = container.uploadObjectViaStream(source, name, options(controller));
      // The timeout may fire before every byte was handed over; the signal waits for them.
      await Promise.race([sent, upload.catch(() => undefined)]);
      controller.abort();

      await expectRejection(upload, OperationAbortedError);
      const current = await container.getObject(name);
      const stored = await readAll(await container.downloadObjectAsStream(current));
      expect(stored.equals(old), "the old object is intact").to.equal(true);
      expect(await target().unfinishedUploads(container.name)).to.deep.equal([]);
    });
  }

  it("an aborted upload of a new name leaves no object", async function () {
    this.timeout(10_000);
    const { container } = setup();
    const name = uniqueName("new");
    const controller = new AbortController();
    const { source, sent } = hangingSource(STREAMED);

    const upload = container.uploadObjectViaStream(source, name, { signal: controller.signal });
    await sent;
    controller.abort();

    await expectRejection(upload, OperationAbortedError);
    expect(await container.objectExists(name)).to.equal(false);
    expect(await target().unfinishedUploads(container.name)).to.deep.equal([]);
  });

  it("a signal aborted before the call fails it before any work", async () => {
    const { driver, container } = setup();
    const controller = new AbortController();
    controller.abort();

    const name = uniqueName("never");
    const { signal } = controller;
    const upload = driver.uploadObjectViaStream("bytes", container, name, { signal });

    await expectRejection(upload, OperationAbortedError);
    await expectRejection(driver.getContainer(container.name, { signal }), OperationAbortedError);
    expect(await container.objectExists(name)).to.equal(false);
  });
}

function describeNetworkReads(fixture: DriverFixture, target: () => DriverTarget): void {
  const proxied = useProxy(target);
  const body = payload(4 * MiB);

  before(async () => {
    await proxied().container.uploadObjectViaStream(body, "big.bin");
  });

  it("aborting a download mid-stream releases its connection", async () => {
    const { proxy, driver, container } = proxied();
    const viaProxy = driver();
    const obj = await through(viaProxy, container).getObject("big.bin");
    const controller = new AbortController();

    const stream = await viaProxy.downloadObjectAsStream(obj, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(proxy.busyConnections(), "the download holds a connection").to.equal(1);
    controller.abort();

    await expectRejection(iterator.next(), OperationAbortedError);
    await proxy.waitUntil("no connection is busy", () => proxy.busyConnections() === 0);
  });

  it("a timeout ends a call whose answer never comes, and frees its connection", async () => {
    const { proxy, driver, container } = proxied();
    proxy.inject({ fault: { kind: "stall" } });

    const call = driver().getObject(container.name, "big.bin", { timeout: 500 });

    await expectRejection(call, OperationAbortedError);
    await proxy.waitUntil("no connection is busy", () => proxy.busyConnections() === 0);
    expect(proxy.requests, `one stalled request on ${fixture.name}`).to.have.length(1);
  });

  it("a timeout ends a download whose body stalls", async () => {
    const { proxy, driver, container } = proxied();
    const viaProxy = driver({ retry: { idleTimeoutMs: 60_000 } });
    const obj = await through(viaProxy, container).getObject("big.bin");
    proxy.inject({ fault: { kind: "stall", afterBytes: 512 * KiB } });

    const stream = await viaProxy.downloadObjectAsStream(obj, { timeout: 1_000 });

    await expectRejection(readAll(stream), OperationAbortedError);
    await proxy.waitUntil("no connection is busy", () => proxy.busyConnections() === 0);
  });
}

function describeFileReads(
  target: () => DriverTarget,
  setup: () => { driver: StorageDriver; container: Container },
): void {
  it("aborting a download mid-stream closes its file", async () => {
    const { container } = setup();
    await container.uploadObjectViaStream(payload(4 * MiB), "big.bin");
    const path = join(target().spec.endpoint, container.name, "big.bin");
    const controller = new AbortController();

    const obj = await container.getObject("big.bin");
    const { signal } = controller;
    const stream = await container.driver.downloadObjectAsStream(obj, { signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(await openFiles(path), "the download holds the file open").to.equal(1);
    controller.abort();

    await expectRejection(iterator.next(), OperationAbortedError);
    expect(await openFiles(path), "the file is closed").to.equal(0);
  });
}

/** How many descriptors of this process refer to `path` (Linux). */
async function openFiles(path: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir("/proc/self/fd")) {
    const link = await readlink(`/proc/self/fd/${fd}`).catch(() => "");
    if (link === path) count++;
  }
  return count;
}
