import * as core from "@stowage/core";
import {
  ContainerDoesNotExistError,
  ErrorCode,
  InvalidObjectNameError,
  ObjectDoesNotExistError,
  StorageError,
  TransientError,
  isNotFound,
} from "@stowage/core";
import { expect } from "chai";

const context = { driver: "Local", operation: "getObject", cause: new Error("ENOENT") };

/** One instance of every error kind, built as a driver would. */
const KINDS: [StorageError, string][] = [
  [new core.ContainerAlreadyExistsError("c", context), "CONTAINER_ALREADY_EXISTS"],
  [new core.ContainerDoesNotExistError("c", context), "CONTAINER_DOES_NOT_EXIST"],
  [new core.ContainerIsNotEmptyError("c", context), "CONTAINER_IS_NOT_EMPTY"],
  [new core.InvalidContainerNameError("c/", "has a slash", context), "INVALID_CONTAINER_NAME"],
  [new core.ObjectDoesNotExistError("o", context), "OBJECT_DOES_NOT_EXIST"],
  [new core.ObjectHashMismatchError("o", "aa", "bb", context), "OBJECT_HASH_MISMATCH"],
  [new core.InvalidObjectNameError("/o", "leading slash", context), "INVALID_OBJECT_NAME"],
  [new core.ObjectNameConflictError("a/b", "a", context), "OBJECT_NAME_CONFLICT"],
  [new core.NotSupportedError("Signed URLs", context), "NOT_SUPPORTED"],
  [new core.PreconditionFailedError("etag changed", context), "PRECONDITION_FAILED"],
  [new core.AuthenticationError("bad key", context), "AUTHENTICATION_FAILED"],
  [new core.PermissionDeniedError("no", context), "PERMISSION_DENIED"],
  [new core.TransientError("503", context), "TRANSIENT"],
  [new core.InvalidRangeError("past the end", context), "INVALID_RANGE"],
  [new core.InvalidArgumentError("bad", context), "INVALID_ARGUMENT"],
  [new core.DestinationExistsError("/tmp/x", context), "DESTINATION_EXISTS"],
  [new core.OperationAbortedError(context), "ABORTED"],
  [new core.UploadSourceError(context), "UPLOAD_SOURCE_FAILED"],
  [new core.DriverNotInstalledError("gcs", "@stowage/gcs", context), "DRIVER_NOT_INSTALLED"],
  [new core.UnknownStorageError("files"), "UNKNOWN_STORAGE"],
  [new core.StorageAlreadyRegisteredError("files"), "STORAGE_ALREADY_REGISTERED"],
  [new core.ProviderError("odd answer", context), "PROVIDER_ERROR"],
];

describe("errors", () => {
  it("has one kind for each stable code, and a test for each kind", () => {
    expect(KINDS.map(([, code]) => code).sort()).to.deep.equal(Object.values(ErrorCode).sort());
  });

  for (const [error, code] of KINDS) {
    it(`${error.name} has the code ${code} and is a StorageError`, () => {
      expect(error).to.be.instanceOf(StorageError).and.instanceOf(Error);
      expect(error.code).to.equal(code);
      expect(error.name).to.equal(error.constructor.name);
      expect(error.message).to.be.a("string").and.not.equal("");
      expect(error.retryable).to.equal(code === "TRANSIENT");
    });
  }

  it("carries the driver, operation and provider cause given as context", () => {
    for (const [error] of KINDS.filter(([e]) => e.driver !== undefined)) {
      expect(error.driver, error.name).to.equal("Local");
      expect(error.operation, error.name).to.equal("getObject");
      expect(error.cause, error.name).to.equal(context.cause);
    }
  });

  it("names the container or object in the fields and the message", () => {
    const container = new ContainerDoesNotExistError("photos");
    expect(container.container).to.equal("photos");
    expect(container.message).to.include('"photos"');

    const obj = new ObjectDoesNotExistError("a b.txt", { container: "photos" });
    expect(obj.objectName).to.equal("a b.txt");
    expect(obj.container).to.equal("photos");
    expect(obj.message).to.include('"a b.txt"');
  });

  it("says the reason of a refused name, with the name escaped", () => {
    const error = new InvalidObjectNameError("a\0b", "the name contains a NUL character");
    expect(error.reason).to.equal("the name contains a NUL character");
    expect(error.message).to.include(JSON.stringify("a\0b"));
  });

  it("fills missing context with withContext, never overwriting what is set", () => {
    const error = new ObjectDoesNotExistError("o", { driver: "Amazon S3" });
    const same = error.withContext({ driver: "Local", container: "c", operation: "copyObject" });

    expect(same).to.equal(error);
    expect(error.driver).to.equal("Amazon S3");
    expect(error.container).to.equal("c");
    expect(error.operation).to.equal("copyObject");
    expect(error.objectName).to.equal("o");
  });

  it("leaves cause unset when none is given", () => {
    expect("cause" in new TransientError("x")).to.equal(false);
  });

  it("names the package to install in DriverNotInstalledError", () => {
    const error = new core.DriverNotInstalledError("azure_blobs", "@stowage/azure");
    expect(error.packageName).to.equal("@stowage/azure");
    expect(error.message).to.include("npm install @stowage/azure");
  });

  it("tells not-found errors apart with isNotFound", () => {
    expect(isNotFound(new ObjectDoesNotExistError("o"))).to.equal(true);
    expect(isNotFound(new ContainerDoesNotExistError("c"))).to.equal(true);
    expect(isNotFound(new TransientError("503"))).to.equal(false);
    expect(isNotFound(new Error("plain"))).to.equal(false);
  });
});
