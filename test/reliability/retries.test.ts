// Retries under faults, on every driver that talks to a server: each idempotent operation
// gets through throttling answers and reset connections with the default policy, and
// surfaces a TransientError with `retry: { attempts: 1 }`; steps that are not safe to
// repeat are sent once, counted at the proxy.
import { expect } from "chai";
import {
  TransientError,
  type Container,
  type StorageDriver,
  type StorageObject,
} from "@stowage/core";

import type { Fault, ProxiedRequest } from "../support/fault-proxy.js";
import { NETWORK_DRIVERS, useTarget, type DriverFixture } from "./drivers.js";
import {
  KiB,
  MiB,
  expectRejection,
  payload,
  readAll,
  through,
  uniqueName,
  useProxy,
  type Proxied,
} from "./support.js";

/** An idempotent operation, run through the proxied driver; it checks its own result. */
interface Operation {
  name: string;
  /** An upload: only drivers that repeat uploads get through faults. */
  upload?: boolean;
  run(driver: StorageDriver, container: Container, seeded: SeededObject): Promise<void>;
}

interface SeededObject {
  name: string;
  body: Buffer;
  /** The container as reached without the proxy, for set-up the faults must not hit. */
  direct: Container;
}

const OPERATIONS: Operation[] = [
  {
    name: "getContainer",
    run: async (driver, container) => {
      expect((await driver.getContainer(container.name)).name).to.equal(container.name);
    },
  },
  {
    name: "listContainers",
    run: async (driver, container) => {
      const names = (await driver.listContainers()).map((each) => each.name);
      expect(names).to.include(container.name);
    },
  },
  {
    name: "listContainerObjects",
    run: async (driver, container, seeded) => {
      const names = (await driver.listContainerObjects(container)).map((obj) => obj.name);
      expect(names).to.include(seeded.name);
    },
  },
  {
    name: "getObject",
    run: async (driver, container, seeded) => {
      const obj = await driver.getObject(container.name, seeded.name);
      expect(obj.size).to.equal(seeded.body.length);
    },
  },
  {
    name: "downloadObjectAsStream",
    run: async (driver, container, seeded) => {
      const obj = await driver.getObject(container.name, seeded.name);
      expect(await readAll(await driver.downloadObjectAsStream(obj))).to.deep.equal(seeded.body);
    },
  },
  {
    name: "uploadObjectViaStream (unconditional)",
    upload: true,
    run: async (driver, container) => {
      const body = payload(40 * KiB);
      const obj = await driver.uploadObjectViaStream(body, container, uniqueName("up"));
      expect(obj.size).to.equal(body.length);
    },
  },
  {
    name: "deleteObject",
    run: async (driver, container, seeded) => {
      const victim = await seeded.direct.uploadObjectViaStream(seeded.body, uniqueName("del"));
      await driver.deleteObject({ container, name: victim.name });
      expect(await seeded.direct.objectExists(victim.name)).to.equal(false);
    },
  },
];

const isGet = (request: ProxiedRequest) => request.method === "GET";
const isWrite = (request: ProxiedRequest) => request.method === "PUT" || request.method === "POST";

for (const fixture of NETWORK_DRIVERS) {
  describe(`reliability: retries on ${fixture.name}`, function () {
    this.timeout(30_000);
    const target = useTarget(fixture);
    const proxied = useProxy(target);
    const seeded = { name: "seeded.bin", body: payload(64 * KiB) } as SeededObject;

    before(async () => {
      seeded.direct = proxied().container;
      await seeded.direct.uploadObjectViaStream(seeded.body, seeded.name);
    });

    describeIdempotentOperations(fixture, proxied, seeded);
    describeResumedDownloads(proxied);
    describeSteps(fixture, proxied);
  });
}

function describeIdempotentOperations(
  fixture: DriverFixture,
  proxied: () => Proxied,
  seeded: SeededObject,
): void {
  for (const operation of OPERATIONS) {
    if (operation.upload && !fixture.retriesUploads) {
      it(`${operation.name}: is sent once, and a fault is reported as TransientError`, async () => {
        const { proxy, driver, container } = proxied();
        const viaProxy = driver();
        proxy.inject({ fault: fixture.throttle() });

        const run = operation.run(viaProxy, through(viaProxy, container), seeded);
        await expectRejection(run, TransientError);
        expect(proxy.requests).to.have.length(1);
      });
      continue;
    }

    it(`${operation.name}: gets through a throttling answer and a reset connection`, async () => {
      const { proxy, driver, container } = proxied();
      const viaProxy = driver();
      proxy.inject({ fault: fixture.throttle() });
      proxy.inject({ fault: { kind: "drop" } });

      await operation.run(viaProxy, through(viaProxy, container), seeded);

      const faulted = proxy.requests.filter((request) => request.fault);
      expect(faulted, "both faults were served").to.have.length(2);
    });

    it(`${operation.name}: surfaces TransientError with retry: { attempts: 1 }`, async () => {
      const { proxy, driver, container } = proxied();
      const once = driver({ retry: { attempts: 1 } });
      proxy.inject({ fault: fixture.throttle(), times: 10 });

      await expectRejection(operation.run(once, through(once, container), seeded), TransientError);
      expect(proxy.requests, "one attempt, no retry").to.have.length(1);
    });
  }
}

function describeResumedDownloads(proxied: () => Proxied): void {
  const body = payload(1024 * KiB);
  let obj: StorageObject;
  let driver: StorageDriver;

  before(async () => {
    driver = proxied().driver();
    await proxied().container.uploadObjectViaStream(body, "cut.bin");
    obj = await driver.getObject(proxied().container.name, "cut.bin");
  });

  const cuts: [string, Fault][] = [
    ["reset", { kind: "reset", afterBytes: 300 * KiB }],
    ["truncated", { kind: "truncate", afterBytes: 300 * KiB }],
    ["stalled", { kind: "stall", afterBytes: 300 * KiB }],
  ];
  for (const [how, fault] of cuts) {
    it(`resumes a download whose body was ${how}, from the byte reached`, async () => {
      const { proxy } = proxied();
      proxy.inject({ match: isGet, fault });

      const stream = await driver.downloadObjectAsStream(obj, { verifyHash: false });
      const received = await readAll(stream);

      expect(received.equals(body), "the bytes are whole and in order").to.equal(true);
      const reads = proxy.requests.filter(isGet);
      expect(reads, "the cut read and its continuation").to.have.length(2);
      const range = reads[1]!.headers.range ?? reads[1]!.headers["x-ms-range"] ?? "";
      const start = Number(/^bytes=(\d+)-/.exec(range)?.[1]);
      expect(start, "it starts where the cut read stopped").to.be.within(1, 300 * KiB);
    });
  }

  it("starts over when a download is reset before its first body byte", async () => {
    const { proxy } = proxied();
    proxy.inject({ match: isGet, fault: { kind: "reset", afterBytes: 0 } });

    const received = await readAll(await driver.downloadObjectAsStream(obj));

    expect(received.equals(body)).to.equal(true);
    expect(proxy.requests.filter(isGet)).to.have.length(2);
  });

  it("resumes a range read within its range", async () => {
    const { proxy } = proxied();
    proxy.inject({ match: isGet, fault: { kind: "reset", afterBytes: 100 * KiB } });

    const stream = await driver.downloadObjectRangeAsStream(obj, 50 * KiB, 700 * KiB);

    expect((await readAll(stream)).equals(body.subarray(50 * KiB, 700 * KiB))).to.equal(true);
  });

  it("fails with TransientError, never a short success, when attempts run out", async () => {
    const { proxy } = proxied();
    proxy.inject({ match: isGet, fault: { kind: "truncate", afterBytes: 200 * KiB }, times: 10 });

    const stream = await driver.downloadObjectAsStream(obj, { verifyHash: false });

    await expectRejection(readAll(stream), TransientError);
    expect(proxy.requests.filter(isGet), "the default policy's 3 attempts").to.have.length(3);
  });

  it("with retry: { attempts: 1 } a cut download fails with TransientError", async () => {
    const { proxy } = proxied();
    proxy.inject({ match: isGet, fault: { kind: "reset", afterBytes: 200 * KiB } });
    const once = proxied().driver({ retry: { attempts: 1 } });

    const stream = await once.downloadObjectAsStream(obj, { verifyHash: false });

    await expectRejection(readAll(stream), TransientError);
    expect(proxy.requests.filter(isGet)).to.have.length(1);
  });

  it("never joins two versions: a download cut after a replacement fails", async () => {
    const { proxy, container } = proxied();
    // A stall must not count as a cut before the replacement is in place.
    const patient = proxied().driver({ retry: { idleTimeoutMs: 20_000 } });
    const original = payload(1024 * KiB);
    await container.uploadObjectViaStream(original, "replaced.bin");
    const before = await patient.getObject(container.name, "replaced.bin");
    proxy.inject({ match: isGet, fault: { kind: "stall", afterBytes: 300 * KiB } });

    const chunks: Buffer[] = [];
    const stream = await patient.downloadObjectAsStream(before, { verifyHash: false });
    const reading = (async () => {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    })();
    await proxy.waitUntil("the download stalls", () => proxy.stalledConnections() === 1);
    await container.uploadObjectViaStream(payload(1024 * KiB), "replaced.bin");
    proxy.releaseStalled();

    await expectRejection(reading, TransientError);
    const received = Buffer.concat(chunks);
    expect(original.subarray(0, received.length).equals(received), "only old bytes").to.equal(true);
  });
}

function describeSteps(fixture: DriverFixture, proxied: () => Proxied): void {
  it("sends a conditional upload once, even when it fails transiently", async () => {
    const { proxy, driver, container } = proxied();
    const viaProxy = driver();
    proxy.inject({ match: isWrite, fault: fixture.throttle(), times: 10 });

    const upload = viaProxy.uploadObjectViaStream(
      payload(10 * KiB),
      through(viaProxy, container),
      "cond.bin",
      { ifNoneMatch: "*" },
    );

    await expectRejection(upload, TransientError);
    expect(proxy.requests.filter(isWrite), "never repeated").to.have.length(1);
  });

  if (fixture.kind !== "s3" && fixture.kind !== "minio") return;

  it("sends CompleteMultipartUpload once when its answer is lost", async () => {
    const { proxy, driver, container } = proxied();
    const viaProxy = driver({ partSize: 5 * MiB, multipartThreshold: 5 * MiB });
    const isComplete = (request: ProxiedRequest) =>
      request.method === "POST" && /[?&]uploadId=/.test(request.target);
    proxy.inject({ match: isComplete, fault: { kind: "reset" } });
    const body = payload(6 * MiB);

    const upload = viaProxy.uploadObjectViaStream(body, through(viaProxy, container), "multi.bin");

    await expectRejection(upload, TransientError);
    expect(proxy.requests.filter(isComplete), "not blindly repeated").to.have.length(1);
    const stored = await container.getObject("multi.bin");
    // The server did complete it: the client was told of a fault, and no data was lost.
    expect(stored.size).to.equal(body.length);
  });
}
