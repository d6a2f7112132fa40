import { createServer } from "node:net";

import { RestError } from "@azure/storage-blob";
import { expect } from "chai";

import {
  AuthenticationError,
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
  type Container,
} from "@stowage/core";

import { busy, startFaultProxy } from "../../../test/support/fault-proxy.js";
import { BatchDeleteError } from "../src/batch.js";
import { AzureBlobsStorageDriver } from "../src/index.js";
import { mapAzureError } from "../src/map-error.js";
import { readStream, uniqueContainerName, useAzurite } from "./support.js";

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

describe("Azure error mapper", () => {
  const cases: Array<[string, unknown, object, new (...args: never[]) => Error]> = [
    ["ContainerNotFound", restError(404, "ContainerNotFound"), context, ContainerDoesNotExistError],
    ["BlobNotFound", restError(404, "BlobNotFound"), context, ObjectDoesNotExistError],
    ["ContainerAlreadyExists", restError(409, "ContainerAlreadyExists"), noObject, ContainerAlreadyExistsError],
    ["ContainerBeingDeleted", restError(409, "ContainerBeingDeleted"), noObject, TransientError],
    ["ConditionNotMet", restError(412, "ConditionNotMet"), context, PreconditionFailedError],
    ["BlobAlreadyExists", restError(409, "BlobAlreadyExists"), context, PreconditionFailedError],
    ["InvalidRange", restError(416, "InvalidRange"), context, InvalidRangeError],
    ["Md5Mismatch", restError(400, "Md5Mismatch"), context, ObjectHashMismatchError],
    ["InvalidResourceName (blob)", restError(400, "InvalidResourceName"), context, InvalidObjectNameError],
    ["InvalidResourceName (container)", restError(400, "InvalidResourceName"), noObject, InvalidContainerNameError],
    ["InvalidMetadata", restError(400, "InvalidMetadata"), context, InvalidArgumentError],
    ["MetadataTooLarge", restError(400, "MetadataTooLarge"), context, InvalidArgumentError],
    ["RequestBodyTooLarge", restError(413, "RequestBodyTooLarge"), context, InvalidArgumentError],
    ["BlockCountExceedsLimit", restError(409, "BlockCountExceedsLimit"), context, InvalidArgumentError],
    ["FeatureNotSupported", restError(409, "FeatureNotSupported"), context, NotSupportedError],
    ["AuthenticationFailed", restError(403, "AuthenticationFailed"), context, AuthenticationError],
    ["AuthorizationPermissionMismatch", restError(403, "AuthorizationPermissionMismatch"), context, PermissionDeniedError],
    ["ServerBusy", restError(503, "ServerBusy"), context, TransientError],
    ["InternalError", restError(500, "InternalError"), context, TransientError],
    ["OperationTimedOut", restError(500, "OperationTimedOut"), context, TransientError],
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
    ["an unknown code", restError(409, "SomethingNew"), context, ProviderError],
    ["a batch sub-request", new BatchDeleteError("o", 403, "AuthorizationFailure"), context, PermissionDeniedError],
  ];

  for (const [name, error, where, kind] of cases) {
    it(`maps ${name}`, () => {
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
    const twice = await driver.createContainer(container.name).catch((e: unknown) => e);
    expect(twice).to.be.instanceOf(ContainerAlreadyExistsError);

    const missing = await driver.getContainer(uniqueContainerName()).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(ContainerDoesNotExistError);
    const ghost = { ...container, name: uniqueContainerName() } as Container;
    const upload = await driver.uploadObjectViaStream("x", ghost, "x").catch((e: unknown) => e);
    expect(upload).to.be.instanceOf(ContainerDoesNotExistError);
    const listing = await driver.listContainerObjects(ghost).catch((e: unknown) => e);
    expect(listing).to.be.instanceOf(ContainerDoesNotExistError);
    const deleting = await driver.deleteObject({ name: "x", container: ghost }).catch((e: unknown) => e);
    expect(deleting).to.be.instanceOf(ContainerDoesNotExistError);
  });

  it("refuses to delete a container that holds objects, and deletes an empty one", async () => {
    const driver = azurite.driver();
    const full = await driver.createContainer(uniqueContainerName());
    await full.uploadObjectViaStream("x", "keep");
    expect(await full.delete().catch((e: unknown) => e)).to.be.instanceOf(ContainerIsNotEmptyError);
    expect(await full.objectExists("keep")).to.equal(true);

    await full.deleteDirectory("", { wholeContainer: true });
    await full.delete();
    expect(await driver.getContainer(full.name).catch((e: unknown) => e)).to.be.instanceOf(
      ContainerDoesNotExistError,
    );
  });

  it("BlobNotFound when the object went away after it was looked up, or as a copy source", async () => {
    const obj = await container.uploadObjectViaStream("soon gone", "gone.txt");
    await obj.delete();
    expect(await obj.asStream().catch((e: unknown) => e)).to.be.instanceOf(ObjectDoesNotExistError);
    expect(await obj.copyTo(container, "copy.txt").catch((e: unknown) => e)).to.be.instanceOf(
      ObjectDoesNotExistError,
    );
  });

  it("InvalidRange when the object shrank after it was looked up", async () => {
    const obj = await container.uploadObjectViaStream("0123456789", "shrinks.txt");
    await container.uploadObjectViaStream("012", "shrinks.txt");
    const error = await obj.rangeAsStream(5, 8).catch((e: unknown) => e);
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
    const error = await driver.listContainers().catch((e: unknown) => e);
    expect(error, String(error)).to.be.instanceOf(PermissionDeniedError);
    expect((error as Error).message).to.include("AuthorizationFailure");
  });

  it("AuthorizationPermissionMismatch for a write with a read-only SAS token", async () => {
    const signer = azurite.driver();
    await container.uploadObjectViaStream("x", "readable.txt");
    const readUrl = await (await container.getObject("readable.txt")).getSignedUrl();
    const driver = new AzureBlobsStorageDriver("devstoreaccount1", undefined, {
      endpoint: azurite.endpoint(),
      sasToken: new URL(readUrl).search,
      retry: { attempts: 1 },
    });
    const target = await signer.getContainer(container.name);
    const mine = { ...target, driver } as Container;
    const error = await driver.uploadObjectViaStream("y", mine, "readable.txt").catch((e: unknown) => e);
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
    const error = await driver.getContainer(container.name).catch((e: unknown) => e);
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
      const error = await driver.getObject(container.name, "flaky.bin").catch((e: unknown) => e);
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
