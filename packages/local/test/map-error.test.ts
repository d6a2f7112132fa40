import { mkdir, readdir, symlink } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";

import {
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  ContainerIsNotEmptyError,
  InvalidContainerNameError,
  InvalidObjectNameError,
  ObjectDoesNotExistError,
  ObjectNameConflictError,
  PermissionDeniedError,
  PreconditionFailedError,
  ProviderError,
  TransientError,
  type ErrorContext,
  type StorageError,
} from "@stowage/core";

import { LocalStorageDriver } from "@stowage/local";

import { failsWith, sandbox, type Sandbox } from "./support.js";

/** The driver with its error mapper in reach of the test. */
class MapperProbe extends LocalStorageDriver {
  map(code: string, context: ErrorContext): StorageError {
    const error = Object.assign(new Error(`fs said ${code}`), { code });
    return this.mapError(error, { ...context, cause: error });
  }
}

describe("LocalStorageDriver error mapping", () => {
  const driver = new MapperProbe("/nonexistent-root");
  const onObject = { container: "box", objectName: "a/b" };
  const onContainer = { container: "box" };

  const cases: Array<[string, ErrorContext, new (...args: never[]) => StorageError]> = [
    ["ENOENT", onObject, ObjectDoesNotExistError],
    ["ENOTDIR", onObject, ObjectDoesNotExistError],
    ["ENOENT", onContainer, ContainerDoesNotExistError],
    ["EISDIR", onObject, ObjectNameConflictError],
    ["EEXIST", onObject, PreconditionFailedError],
    ["EEXIST", onContainer, ContainerAlreadyExistsError],
    ["ENOTEMPTY", onContainer, ContainerIsNotEmptyError],
    ["ENAMETOOLONG", onObject, InvalidObjectNameError],
    ["ELOOP", onObject, InvalidObjectNameError],
    ["ENAMETOOLONG", onContainer, InvalidContainerNameError],
    ["EACCES", onObject, PermissionDeniedError],
    ["EPERM", onObject, PermissionDeniedError],
    ["EROFS", onObject, PermissionDeniedError],
    ["EMFILE", onObject, TransientError],
    ["EBUSY", onObject, TransientError],
    ["ENOSPC", onObject, ProviderError],
    ["EIO", onObject, ProviderError],
  ];

  for (const [code, context, kind] of cases) {
    const about = context.objectName ? "an object" : "a container";
    it(`maps ${code} on ${about} to ${kind.name}`, () => {
      const error = driver.map(code, context);
      expect(error).to.be.instanceOf(kind);
      expect((error.cause as { code: string }).code).to.equal(code);
      expect(error.container).to.equal("box");
    });
  }

  it("marks only the transient kind as retryable", () => {
    expect(driver.map("EMFILE", onObject).retryable).to.equal(true);
    expect(driver.map("EACCES", onObject).retryable).to.equal(false);
  });

  it("maps an error that is not from the filesystem to ProviderError", () => {
    const error = (driver as unknown as { mapError: (e: unknown, c: ErrorContext) => StorageError })
      .mapError(new Error("odd"), onObject);
    expect(error).to.be.instanceOf(ProviderError);
  });
});

describe("LocalStorageDriver errors from a real filesystem", () => {
  let box: Sandbox;

  beforeEach(async () => {
    box = await sandbox();
  });

  afterEach(() => box.cleanup());

  it("reports a container that already exists, or is not empty, by kind", async () => {
    await failsWith(box.driver.createContainer("box"), ContainerAlreadyExistsError);
    await box.container.uploadObjectViaStream("x", "x");
    await failsWith(box.container.delete(), ContainerIsNotEmptyError);

    await (await box.container.getObject("x")).delete();
    await box.container.delete();
    expect(await box.driver.listContainers()).to.deep.equal([]);
  });

  it("refuses a container holding things that are not objects, and keeps them", async () => {
    await mkdir(join(box.root, "box", "stray"));
    await symlink(join(box.dir, "elsewhere"), join(box.root, "box", "link"));

    await failsWith(box.container.delete(), ContainerIsNotEmptyError);
    expect((await readdir(join(box.root, "box"))).sort()).to.deep.equal(["link", "stray"]);
    expect((await box.driver.getContainer("box")).name).to.equal("box");
  });

  it("reads a name whose parent is an object as missing, not ENOTDIR", async () => {
    await box.container.uploadObjectViaStream("file", "a");
    await failsWith(box.container.getObject("a/b"), ObjectDoesNotExistError);
    await box.driver.deleteObject({ name: "a/b", container: box.container });
  });
});
