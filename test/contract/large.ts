// Objects larger than every buffer and part size, streamed and compared by hash; and C05:
// a replacing upload whose source fails leaves the old object whole and nothing else.
import { Readable } from "node:stream";

import { UploadSourceError } from "@stowage/core";
import { expect } from "chai";

import {
  MiB,
  expectContext,
  failingSource,
  generated,
  md5Of,
  namesIn,
  put,
  random,
  read,
  rejects,
  type Fixture,
} from "./support.js";

export function largeTests(fixture: Fixture): void {
  describe("large objects and failed sources", () => {
    sizeTests(fixture);
    failedSourceTests(fixture);
  });
}

function sizeTests(fixture: Fixture): void {
  it("round-trips 9 MiB of known length, larger than every buffer", async () => {
    const container = await fixture().newContainer();
    const source = generated(9 * MiB);
    const obj = await container.uploadObjectViaStream(source.stream, "big.bin", {
      size: 9 * MiB,
      verifyHash: true,
    });

    expect(obj.size).to.equal(9 * MiB);
    const head = await container.getObject("big.bin");
    expect(head.size).to.equal(9 * MiB);
    expect(await md5Of(await head.asStream())).to.equal(source.digest());
  });

  it("round-trips a 7 MiB stream of unknown length (C20)", async () => {
    const container = await fixture().newContainer();
    const source = generated(7 * MiB);
    const obj = await container.uploadObjectViaStream(source.stream, "unknown.bin");

    expect(obj.size).to.equal(7 * MiB);
    if (obj.hashAlgorithm === "md5") expect(obj.hash).to.equal(source.digest());
    expect(await md5Of(await obj.asStream())).to.equal(source.digest());
  });
}

function failedSourceTests(fixture: Fixture): void {
  it("keeps the old object when a replacing source fails after 3 MiB (C05)", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const old = random(MiB);
    await put(container, "victim.bin", old);

    const boom = new Error("source broke");
    const error = await rejects(
      container.uploadObjectViaStream(failingSource(3 * MiB, boom), "victim.bin"),
      UploadSourceError,
    );
    expect(error.cause).to.equal(boom);
    expect(error.code).to.equal("UPLOAD_SOURCE_FAILED");
    expectContext(error, driver, { container: container.name, objectName: "victim.bin" });
    expect((await read(container, "victim.bin")).equals(old)).to.equal(true);
    expect(await namesIn(container)).to.deep.equal(["victim.bin"]);
  });

  it("keeps the old object when a replacing source is destroyed quietly (C05)", async () => {
    const container = await fixture().newContainer();
    const old = random(MiB);
    await put(container, "victim.bin", old);

    let pushed = 0;
    const source = new Readable({
      read() {
        if (pushed++ < 3) this.push(random(MiB));
        else this.destroy();
      },
    });
    await rejects(container.uploadObjectViaStream(source, "victim.bin"), UploadSourceError);
    expect((await read(container, "victim.bin")).equals(old)).to.equal(true);
    expect(await namesIn(container)).to.deep.equal(["victim.bin"]);
  });

  it("stores nothing when a new object's source fails (C05)", async () => {
    const container = await fixture().newContainer();
    const boom = new Error("generator broke");
    async function* chunks() {
      yield random(MiB);
      throw boom;
    }

    const error = await rejects(
      container.uploadObjectViaStream(chunks(), "fresh.bin"),
      UploadSourceError,
    );
    expect(error.cause).to.equal(boom);
    expect(await namesIn(container)).to.deep.equal([]);
  });
}
