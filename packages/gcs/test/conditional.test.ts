// Conditional writes: ifNoneMatch "*" is GCS's ifGenerationMatch=0, ifMatch names the
// generation (extra.version). fake-gcs-server evaluates both, for one-request and resumable
// uploads alike.
import { expect } from "chai";

import { InvalidArgumentError, PreconditionFailedError, type Container } from "@stowage/core";

import { generated, readStream, useGcs } from "./support.js";

const MiB = 1024 * 1024;

async function text(container: Container, name: string): Promise<string> {
  return (await readStream(await (await container.getObject(name)).asStream())).toString();
}

describe("GoogleStorageDriver conditional writes (fake-gcs-server)", function () {
  const gcs = useGcs();
  let container: Container;

  before(async function () {
    container = await gcs.container(gcs.driver({ chunkSize: MiB, resumableThreshold: MiB }));
  });

  it("creates only when absent with ifNoneMatch: '*'", async function () {
    await container.uploadObjectViaStream("first", "create-only.txt", { ifNoneMatch: "*" });
    const error = await container
      .uploadObjectViaStream("second", "create-only.txt", { ifNoneMatch: "*" })
      .catch((e: unknown) => e);

    expect(error).to.be.instanceOf(PreconditionFailedError);
    expect(await text(container, "create-only.txt")).to.equal("first");
  });

  it("creates only when absent on the resumable path too", async function () {
    const name = "create-only.bin";
    await container.uploadObjectViaStream(generated(2 * MiB), name, { ifNoneMatch: "*" });
    const before = await container.getObject(name);
    const error = await container
      .uploadObjectViaStream(generated(2 * MiB, 64 * 1024, 1), name, { ifNoneMatch: "*" })
      .catch((e: unknown) => e);

    expect(error).to.be.instanceOf(PreconditionFailedError);
    expect((await container.getObject(name)).extra.version).to.equal(before.extra.version);
  });

  it("replaces only the generation given with ifMatch", async function () {
    const first = await container.uploadObjectViaStream("v1", "versioned.txt");
    const second = await container.uploadObjectViaStream("v2", "versioned.txt", {
      ifMatch: first.extra.version,
    });
    expect(second.extra.version).to.not.equal(first.extra.version);

    const stale = await container
      .uploadObjectViaStream("v3", "versioned.txt", { ifMatch: first.extra.version })
      .catch((e: unknown) => e);
    expect(stale).to.be.instanceOf(PreconditionFailedError);
    expect(await text(container, "versioned.txt")).to.equal("v2");
  });

  it("refuses an ifMatch that is not a generation, before any request", async function () {
    const etag = '"d41d8cd98f00b204e9800998ecf8427e"';
    const error = await container
      .uploadObjectViaStream("x", "versioned.txt", { ifMatch: etag })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(InvalidArgumentError);
  });
});
