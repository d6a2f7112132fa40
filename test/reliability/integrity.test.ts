// Integrity on every driver: one byte changed on the way (by the fault proxy) or on disk
// (behind the local driver's back) is caught by the MD5 check, as ObjectHashMismatchError,
// and a download to a file then leaves no file behind.
import { execFile } from "node:child_process";
import { open, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";
import { ObjectHashMismatchError, type Container } from "@stowage/core";

import type { ProxiedRequest } from "../support/fault-proxy.js";
import { DRIVERS, useTarget, type DriverTarget } from "./drivers.js";
import {
  KiB,
  expectRejection,
  md5,
  payload,
  readAll,
  through,
  uniqueName,
  useProxy,
} from "./support.js";

const SIZE = 512 * KiB;
const FLIPPED_AT = 200 * KiB + 7;

const run = promisify(execFile);
const isGet = (request: ProxiedRequest) => request.method === "GET";

for (const fixture of DRIVERS) {
  describe(`reliability: integrity on ${fixture.name}`, function () {
    this.timeout(30_000);
    const target = useTarget(fixture);

    if (fixture.network) describeDamagedTransfer(target);
    else describeDamagedFile(target);
  });
}

function describeDamagedTransfer(target: () => DriverTarget): void {
  const proxied = useProxy(target);
  const body = payload(SIZE);

  before(async () => {
    await proxied().container.uploadObjectViaStream(body, "whole.bin");
  });

  it("reports a byte flipped in a download as ObjectHashMismatchError", async () => {
    const { proxy, driver, container } = proxied();
    const viaProxy = driver();
    const obj = await through(viaProxy, container).getObject("whole.bin");
    expect(obj.hashAlgorithm, "the driver knows the object's MD5").to.equal("md5");
    proxy.inject({ match: isGet, fault: { kind: "flip", atByte: FLIPPED_AT } });

    const stream = await viaProxy.downloadObjectAsStream(obj);

    const error = await expectRejection(readAll(stream), ObjectHashMismatchError);
    expect(error.expected).to.equal(md5(body));
    expect(proxy.requests.filter((request) => request.fault)).to.have.length(1);
  });

  it("leaves no file when a download to a file is damaged", async () => {
    const { proxy, driver, container } = proxied();
    const viaProxy = driver();
    const obj = await through(viaProxy, container).getObject("whole.bin");
    proxy.inject({ match: isGet, fault: { kind: "flip", atByte: 0 } });
    const destination = join(tmpdir(), uniqueName("damaged"));

    await expectRejection(viaProxy.downloadObject(obj, destination), ObjectHashMismatchError);
    await expectRejection(stat(destination), Error);
  });

  it("passes the same download when nothing is damaged", async () => {
    const { driver, container } = proxied();
    const viaProxy = driver();
    const obj = await through(viaProxy, container).getObject("whole.bin");

    const received = await readAll(await viaProxy.downloadObjectAsStream(obj));
    expect(received.equals(body)).to.equal(true);
  });
}

function describeDamagedFile(target: () => DriverTarget): void {
  let container: Container;
  const body = payload(SIZE);

  before(async () => {
    container = await target().driver().createContainer(uniqueName());
    await container.uploadObjectViaStream(body, "whole.bin");
  });

  it("reports a byte flipped on disk as ObjectHashMismatchError with verifyHash", async () => {
    const path = join(target().spec.endpoint, container.name, "whole.bin");
    await flipOnDisk(path, FLIPPED_AT);
    const obj = await container.getObject("whole.bin");

    const stream = await container.driver.downloadObjectAsStream(obj, { verifyHash: true });

    const error = await expectRejection(readAll(stream), ObjectHashMismatchError);
    expect(error.expected).to.equal(md5(body));
  });
}

/**
 * Inverts one byte of a file in place and puts its modification time back to the
 * nanosecond (`touch`, since a JavaScript Date holds milliseconds), as bit rot would.
 */
async function flipOnDisk(path: string, at: number): Promise<void> {
  const before = await stat(path, { bigint: true });
  const handle = await open(path, "r+");
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0xff;
    await handle.write(byte, 0, 1, at);
  } finally {
    await handle.close();
  }
  const seconds = before.mtimeNs / 1_000_000_000n;
  const nanos = String(before.mtimeNs % 1_000_000_000n).padStart(9, "0");
  await run("touch", ["-m", "-d", `@${seconds}.${nanos}`, path]);
  expect((await stat(path, { bigint: true })).mtimeNs).to.equal(before.mtimeNs);
}
