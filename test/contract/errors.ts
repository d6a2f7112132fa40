// Each error kind with the condition that raises it, and the context it must carry: a caller
// branches on the class or the code, and logs the driver, container and object name.
import { join } from "node:path";

import {
  ContainerDoesNotExistError,
  InvalidObjectNameError,
  NotSupportedError,
  ObjectDoesNotExistError,
  StorageError,
  type Container,
  type StorageDriver,
} from "@stowage/core";
import { expect } from "chai";

import {
  bytesOf,
  expectContext,
  goneContainer,
  goneObject,
  namesIn,
  put,
  rejects,
  scratchDir,
  type Fixture,
} from "./support.js";

export function errorTests(fixture: Fixture): void {
  describe("errors", () => {
    missingContainerTests(fixture);
    missingObjectTests(fixture);
    refusalTests(fixture);
  });
}

/** Every operation on a container that does not exist, and what it must raise. */
const ON_MISSING_CONTAINER: Record<string, (c: Container, d: StorageDriver) => Promise<unknown>> = {
  getContainer: (c, d) => d.getContainer(c.name),
  deleteContainer: (c, d) => d.deleteContainer(c),
  listContainerObjects: (c) => c.listObjects({ prefix: "a" }),
  "iterateContainerObjects with a delimiter": async (c) => {
    for await (const entry of c.iterateObjects({ delimiter: "/" })) void entry;
  },
  getObject: (c, d) => d.getObject(c.name, "x.txt"),
  objectExists: (c) => c.objectExists("x.txt"),
  uploadObjectViaStream: (c) => put(c, "x.txt", "x"),
  deleteDirectory: (c) => c.deleteDirectory("dir"),
};

function missingContainerTests(fixture: Fixture): void {
  for (const [operation, call] of Object.entries(ON_MISSING_CONTAINER)) {
    it(`raises ContainerDoesNotExistError from ${operation} on a missing container`, async () => {
      const { driver } = fixture();
      const gone = await goneContainer(fixture);

      const error = await rejects(call(gone, driver), ContainerDoesNotExistError);
      expect(error.code).to.equal("CONTAINER_DOES_NOT_EXIST");
      expectContext(error, driver, { container: gone.name });
    });
  }

  it("raises ContainerDoesNotExistError when copying into a missing container", async () => {
    const { driver } = fixture();
    const source = await put(await fixture().newContainer(), "src.txt", "x");
    const gone = await goneContainer(fixture);

    const error = await rejects(source.copyTo(gone, "dst.txt"), ContainerDoesNotExistError);
    expectContext(error, driver, { container: gone.name });
    expect(await source.container.objectExists("src.txt")).to.equal(true);
  });

  it("keeps the source when a move into a missing container fails", async () => {
    const source = await put(await fixture().newContainer(), "src.txt", "stays");
    const gone = await goneContainer(fixture);

    await rejects(source.moveTo(gone, "dst.txt"), ContainerDoesNotExistError);
    expect(await namesIn(source.container)).to.deep.equal(["src.txt"]);
  });
}

/** Every read of an object that does not exist, and what it must raise. */
const ON_MISSING_OBJECT: Record<string, (o: Awaited<ReturnType<typeof goneObject>>) => unknown> = {
  asStream: async (o) => bytesOf(await o.asStream()),
  "asStream with a chunk size": async (o) => bytesOf(await o.asStream({ chunkSize: 1024 })),
  rangeAsStream: async (o) => bytesOf(await o.rangeAsStream(1, 4)),
  download: async (o) => o.download(join(await scratchDir(), "out")),
  downloadRange: async (o) => o.downloadRange(join(await scratchDir(), "out"), 0, 2),
  copyTo: (o) => o.copyTo(o.container, "copy.txt"),
  moveTo: (o) => o.moveTo(o.container, "moved.txt"),
};

function missingObjectTests(fixture: Fixture): void {
  it("raises ObjectDoesNotExistError from getObject with its context", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();

    const error = await rejects(
      driver.getObject(container.name, "nope.txt"),
      ObjectDoesNotExistError,
    );
    expect(error.code).to.equal("OBJECT_DOES_NOT_EXIST");
    expectContext(error, driver, { container: container.name, objectName: "nope.txt" });
    expect(await container.objectExists("nope.txt")).to.equal(false);
  });

  for (const [operation, call] of Object.entries(ON_MISSING_OBJECT)) {
    it(`raises ObjectDoesNotExistError from ${operation} of a deleted object`, async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      const gone = await goneObject(container);

      const error = await rejects(async () => call(gone), ObjectDoesNotExistError);
      expectContext(error, driver, { container: container.name, objectName: gone.name });
      expect(await namesIn(container)).to.deep.equal([]);
    });
  }
}

function refusalTests(fixture: Fixture): void {
  it("names the reason, the driver and a stable code for a refused name", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const error = await rejects(put(container, "a/../b", "x"), InvalidObjectNameError);

    expect(error).to.be.instanceOf(StorageError);
    expect(error.code).to.equal("INVALID_OBJECT_NAME");
    expect(error.reason).to.include("..");
    expectContext(error, driver, { objectName: "a/../b" });
  });

  it("refuses a header it cannot store with NotSupportedError naming it", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const headers = { "X-Custom": "1" } as Record<string, string>;

    const error = await rejects(
      container.uploadObjectViaStream("x", "h.txt", { headers }),
      NotSupportedError,
    );
    expect(error.code).to.equal("NOT_SUPPORTED");
    expect(error.message).to.include("X-Custom");
    expect(error.driver).to.equal(driver.name);
    expect(await namesIn(container)).to.deep.equal([]);
  });
}
