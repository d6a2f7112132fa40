// Cancelled GCS calls end their HTTP requests: a lookup, delete or download given up by its
// signal, or a download stream its reader destroys, leaves no connection waiting on the server.
import { expect } from "chai";

import { OperationAbortedError, type Container, type StorageDriver } from "@stowage/core";

import { startFaultProxy, type FaultProxy } from "../../../test/support/fault-proxy.js";
import { useGcs } from "./support.js";

const KiB = 1024;
const BODY = Buffer.alloc(2048 * KiB, 7);

/** What `promise` rejects with, or undefined when it resolves. */
function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

type Call = (driver: StorageDriver, container: Container, signal: AbortSignal) => Promise<unknown>;

/** Calls of one request each, which must end that request when aborted. */
const CALLS: [string, Call][] = [
  ["an object lookup", (driver, { name }, signal) => driver.getObject(name, "big.bin", { signal })],
  ["a bucket lookup", (driver, { name }, signal) => driver.getContainer(name, { signal })],
  [
    "an object delete",
    (driver, container, signal) => driver.deleteObject({ container, name: "x" }, { signal }),
  ],
];

describe("GoogleStorageDriver cancellation frees connections (fake-gcs-server)", function () {
  this.timeout(20_000);
  const gcs = useGcs();
  let proxy: FaultProxy;
  let container: Container;

  before(async function () {
    container = await gcs.container();
    await container.uploadObjectViaStream(BODY, "big.bin");
    proxy = await startFaultProxy(gcs.server().port);
  });

  beforeEach(() => proxy.reset());

  // A test that fails leaves its stalled connection behind; the next one starts without it.
  afterEach(() => proxy.releaseStalled());

  after(async () => {
    await proxy?.close();
  });

  const viaProxy = () => gcs.driver({ endpoint: proxy.endpoint });
  const idle = () => proxy.waitUntil("no connection is busy", () => proxy.busyConnections() === 0);

  for (const [what, call] of CALLS) {
    it(`${what} aborted while its answer never comes ends its request`, async () => {
      proxy.inject({ fault: { kind: "stall" } });
      const controller = new AbortController();

      const pending = call(viaProxy(), container, controller.signal);
      await proxy.waitUntil("the call is stalled", () => proxy.stalledConnections() === 1);
      controller.abort();

      expect(await rejectionOf(pending)).to.be.instanceOf(OperationAbortedError);
      await idle();
    });
  }

  it("a download its reader destroys mid-body ends its request", async () => {
    const driver = viaProxy();
    const obj = await driver.getObject(container.name, "big.bin");
    proxy.inject({ fault: { kind: "stall", afterBytes: 256 * KiB } });

    const stream = await driver.downloadObjectAsStream(obj);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(proxy.busyConnections(), "the download holds a connection").to.equal(1);
    stream.destroy();

    await idle();
  });

  it("a download aborted while its body stalls ends its request", async () => {
    const driver = viaProxy();
    const obj = await driver.getObject(container.name, "big.bin");
    proxy.inject({ fault: { kind: "stall", afterBytes: 256 * KiB } });
    const controller = new AbortController();

    const stream = await driver.downloadObjectAsStream(obj, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await proxy.waitUntil("the download is stalled", () => proxy.stalledConnections() === 1);
    controller.abort();

    expect(await rejectionOf(iterator.next())).to.be.instanceOf(OperationAbortedError);
    await idle();
  });
});
