import { createServer } from "node:net";

import { RestError } from "@azure/storage-blob";
import { expect } from "chai";

import {
  AuthenticationError,
  Container,
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  ContainerIsNotEmptyError,
  InvalidArgumentError,
  InvalidContainerNameError,
  InvalidObjectNameError,
  InvalidRangeError,
  NotSupportedError,
  ObjectDoesNotExistError,
  ObjectHashMismatchError,
  PermissionDeniedError,
  PreconditionFailedError,
  ProviderError,
  TransientError,
} from "@stowage/core";

import { busy, startFaultProxy } from "../../../test/support/fault-proxy.js";
import { BatchDeleteError } from "../src/batch.js";
import { AzureBlobsStorageDriver } from "../src/index.js";
import { mapAzureError } from "../src/map-error.js";
import { readStream, rejection, uniqueContainerName, useAzurite } from "./support.js";

/** An error as the Azure SDK throws it for a service answer. */
function restError(statusCode: number, errorCode?: string): RestError {
  const error = new RestError(`HTTP ${statusCode}`, { statusCode, code: errorCode });
  Object.assign(error, { details: { errorCode } });
  return error;
}

/** An error as the Azure SDK throws it when no answer came. */
function networkError(code: string): RestError {
  return new RestError(`socket ${code}`, { code });
}

const context = { driver: "Azure Blob Storage", container: "c", objectName: "o" };
const noObject = { driver: "Azure Blob Storage", container: "c" };
const batchError = new BatchDeleteError("o", 403, "AuthorizationFailure");

describe("Azure error mapper", () => {
  type Kind = new (...args: never[]) => Error;
  const azure = (status: number, code: string, kind: Kind, where: object = context) =>
    [code, restError(status, code), where, kind] as const;
  const cases: ReadonlyArray<readonly [string, unknown, object, Kind]> = [
    azure(404, "ContainerNotFound", ContainerDoesNotExistError),
    azure(404, "BlobNotFound", ObjectDoesNotExistError),
    azure(409, "ContainerAlreadyExists", ContainerAlreadyExistsError, noObject),
    azure(409, "ContainerBeingDeleted", TransientError, noObject),
    azure(412, "ConditionNotMet", PreconditionFailedError),
    azure(409, "BlobAlreadyExists", PreconditionFailedError),
    azure(416, "InvalidRange", InvalidRangeError),
    azure(400, "Md5Mismatch", ObjectHashMismatchError),
    azure(400, "InvalidResourceName", InvalidObjectNameError),
    azure(400, "InvalidResourceName", InvalidContainerNameError, noObject),
    azure(400, "InvalidMetadata", InvalidArgumentError),
    azure(400, "MetadataTooLarge", InvalidArgumentError),
    azure(413, "RequestBodyTooLarge", InvalidArgumentError),
    azure(409, "BlockCountExceedsLimit", InvalidArgumentError),
    azure(409, "FeatureNotSupported", NotSupportedError),
    azure(403, "AuthenticationFailed", AuthenticationError),
    azure(403, "AuthorizationFailure", PermissionDeniedError),
    azure(403, "AuthorizationPermissionMismatch", PermissionDeniedError),
    azure(503, "ServerBusy", TransientError),
    azure(500, "InternalError", TransientError),
    azure(500, "OperationTimedOut", TransientError),
    azure(409, "SomethingNew", ProviderError),
    ["ECONNRESET", networkError("ECONNRESET"), context, TransientError],
    ["REQUEST_SEND_ERROR", networkError("REQUEST_SEND_ERROR"), context, TransientError],
    ["bare 404 with an object", restError(404), context, ObjectDoesNotExistError],
    ["bare 404 without one", restError(404), noObject, ContainerDoesNotExistError],
    ["bare 403", restError(403), context, AuthenticationError],
    ["bare 412", restError(412), context, PreconditionFailedError],
    ["bare 416", restError(416), context, InvalidRangeError],
    ["bare 429", restError(429), context, TransientError],
    ["bare 503", restError(503), context, TransientError],
    ["bare 500", restError(500), context, TransientError],
    ["a batch sub-request", batchError, context, PermissionDeniedError],
  ];

  for (const [name, error, where, kind] of cases) {
    const about = "objectName" in where ? "an object" : "a container";
    it(`maps ${name} about ${about}`, () => {
      const mapped = mapAzureError(error, { ...where, cause: error });
      expect(mapped).to.be.instanceOf(kind);
      expect(mapped.cause).to.equal(error);
    });
  }

  it("says which code and status an unknown error had", () => {
    expect(mapAzureError(restError(409, "SomethingNew"), context).message).to.equal(
      "Azure error SomethingNew (HTTP 409)",
    );
  });
});

describe("Azure errors from Azurite", () => {
  const azurite = useAzurite();
  let container: Container;

  before(async () => {
    container = await azurite.container();
  });

  it("ContainerAlreadyExists and ContainerNotFound", async () => {
    const driver = azurite.driver();
    const twice = await rejection(driver.createContainer(container.name));
    expect(twice).to.be.instanceOf(ContainerAlreadyExistsError);

    const missing = await rejection(driver.getContainer(uniqueContainerName()));
    expect(missing).to.be.instanceOf(ContainerDoesNotExistError);
    const ghost = new Container(uniqueContainerName(), {}, driver);
    const upload = await rejection(driver.uploadObjectViaStream("x", ghost, "x"));
    expect(upload).to.be.instanceOf(ContainerDoesNotExistError);
    const listing = await rejection(driver.listContainerObjects(ghost));
    expect(listing).to.be.instanceOf(ContainerDoesNotExistError);
    const deleting = await rejection(driver.deleteObject({ name: "x", container: ghost }));
    expect(deleting).to.be.instanceOf(ContainerDoesNotExistError);
  });

  it("refuses to delete a container that holds objects, and deletes an empty one", async () => {
    const driver = azurite.driver();
    const full = await driver.createContainer(uniqueContainerName());
    await full.uploadObjectViaStream("x", "keep");
    expect(await rejection(full.delete())).to.be.instanceOf(ContainerIsNotEmptyError);
    expect(await full.objectExists("keep")).to.equal(true);

    await full.deleteDirectory("", { wholeContainer: true });
    await full.delete();
    expect(await rejection(driver.getContainer(full.name))).to.be.instanceOf(
      ContainerDoesNotExistError,
    );
  });

  it("BlobNotFound for an object gone since it was looked up, or a copy source", async () => {
    const obj = await container.uploadObjectViaStream("soon gone", "gone.txt");
    await obj.delete();
    expect(await rejection(obj.asStream())).to.be.instanceOf(ObjectDoesNotExistError);
    expect(await rejection(obj.copyTo(container, "copy.txt"))).to.be.instanceOf(
      ObjectDoesNotExistError,
    );
  });

  it("InvalidRange when the object shrank after it was looked up", async () => {
    const obj = await container.uploadObjectViaStream("0123456789", "shrinks.txt");
    await container.uploadObjectViaStream("012", "shrinks.txt");
    const error = await rejection(obj.rangeAsStream(5, 8));
    expect(error).to.be.instanceOf(InvalidRangeError);
  });

  // Azurite answers every refused credential (a wrong key, a changed SAS signature, none at
  // all) with AuthorizationFailure. The service answers a wrong key or signature with
  // AuthenticationFailed (an AuthenticationError, see the mapper tests above) and keeps
  // AuthorizationFailure for requests its network rules refuse, which is what the driver maps
  // it to: a PermissionDeniedError. So on Azurite a wrong key shows as a permission error.
  it("a 403 for a wrong account key (AuthorizationFailure on Azurite)", async () => {
    const key = Buffer.from("not the key").toString("base64");
    const driver = new AzureBlobsStorageDriver("devstoreaccount1", key, {
      endpoint: azurite.endpoint(),
      retry: { attempts: 1 },
    });
    const error = await rejection(driver.listContainers());
    expect(error, String(error)).to.be.instanceOf(PermissionDeniedError);
    expect((error as Error).message).to.include("AuthorizationFailure");
  });

  it("AuthorizationPermissionMismatch for a write with a read-only SAS token", async () => {
    await container.uploadObjectViaStream("x", "readable.txt");
    const readUrl = await (await container.getObject("readable.txt")).getSignedUrl();
    const driver = new AzureBlobsStorageDriver("devstoreaccount1", undefined, {
      endpoint: azurite.endpoint(),
      sasToken: new URL(readUrl).search,
      retry: { attempts: 1 },
    });
    const mine = new Container(container.name, {}, driver);
    const error = await rejection(driver.uploadObjectViaStream("y", mine, "readable.txt"));
    expect(error, String(error)).to.be.instanceOf(PermissionDeniedError);
    expect((error as Error).message).to.include("AuthorizationPermissionMismatch");

    const obj = await driver.getObject(container.name, "readable.txt");
    expect((await readStream(await obj.asStream())).toString()).to.equal("x");
  });

  it("a TransientError for a refused connection", async () => {
    const port = await closedPort();
    const driver = new AzureBlobsStorageDriver("devstoreaccount1", azurite.server().accountKey, {
      endpoint: `http://127.0.0.1:${port}/devstoreaccount1`,
      retry: { attempts: 1 },
    });
    const error = await rejection(driver.getContainer(container.name));
    expect(error, String(error)).to.be.instanceOf(TransientError);
  });

  it("retries ServerBusy answers and reads through a reset connection", async () => {
    const proxy = await startFaultProxy(azurite.server().port);
    try {
      const driver = azurite.driver({
        endpoint: `${proxy.endpoint}/devstoreaccount1`,
        retry: { attempts: 3, baseDelayMs: 1 },
      });
      const body = Buffer.alloc(300_000, 5);
      await container.uploadObjectViaStream(body, "flaky.bin");

      proxy.inject({ fault: busy.azureServerBusy(), times: 2 });
      const obj = await driver.getObject(container.name, "flaky.bin");
      expect(proxy.requests.filter((r) => r.fault).length).to.equal(2);

      proxy.inject({ fault: { kind: "reset", afterBytes: 100_000 } });
      const read = await readStream(await obj.asStream());
      expect(read.equals(body)).to.equal(true);

      proxy.inject({ fault: busy.azureServerBusy(), times: 3 });
      const error = await rejection(driver.getObject(container.name, "flaky.bin"));
      expect(error).to.be.instanceOf(TransientError);
    } finally {
      await proxy.close();
    }
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
