// Each branch of the GCS error mapper: against fake-gcs-server where it produces the case,
// against a loopback server answering fixed statuses where it cannot (401, 403, 429, 5xx),
// and with the Google library's own error classes for what no HTTP answer produces.
import { once } from "node:events";
import { createServer } from "node:net";

import { expect } from "chai";

import { ApiError } from "@google-cloud/storage";
import {
  AuthenticationError,
  Container,
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  ContainerIsNotEmptyError,
  InvalidRangeError,
  ObjectDoesNotExistError,
  ObjectHashMismatchError,
  PermissionDeniedError,
  ProviderError,
  TransientError,
} from "@stowage/core";

import { GoogleStorageDriver } from "../src/index.js";
import { mapGcsError } from "../src/map-error.js";
import { startFaultServer } from "./fault-server.js";
import { PROJECT_ID, uniqueBucketName, useGcs } from "./support.js";

/** Expects the call to fail with `kind`; resolves the error. */
async function expectKind(promise: Promise<unknown>, kind: Function): Promise<unknown> {
  const error = await rejection(promise);
  expect(error).to.be.instanceOf(kind);
  return error;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

describe("GoogleStorageDriver errors (fake-gcs-server)", function () {
  const gcs = useGcs();

  it("404 on a bucket: ContainerDoesNotExistError, whatever the call", async function () {
    const driver = gcs.driver();
    const missing = new Container(uniqueBucketName(), {}, driver);
    const kind = ContainerDoesNotExistError;

    await expectKind(driver.getContainer(missing.name), kind);
    await expectKind(driver.getObject(missing.name, "a"), kind);
    await expectKind(missing.uploadObjectViaStream("x", "a"), kind);
    await expectKind(missing.listObjects(), kind);
    await expectKind(missing.deleteObject({ name: "a", container: missing }), kind);
    await expectKind(missing.delete(), kind);
  });

  it("404 on an object: ObjectDoesNotExistError, naming it", async function () {
    const container = await gcs.container();
    const error = await rejection(container.getObject("no such thing"));

    expect(error).to.be.instanceOf(ObjectDoesNotExistError);
    expect(error).to.include({ objectName: "no such thing", container: container.name });
  });

  it("404 when reading an object deleted since it was listed", async function () {
    const container = await gcs.container();
    const obj = await container.uploadObjectViaStream("soon gone", "stale.txt");
    await obj.delete();

    expect(await rejection(obj.asStream())).to.be.instanceOf(ObjectDoesNotExistError);
  });

  it("a copy to a missing bucket, or of a missing object, says which", async function () {
    const container = await gcs.container();
    const obj = await container.uploadObjectViaStream("x", "copy-source.txt");
    const missing = new Container(uniqueBucketName(), {}, container.driver);

    const toMissingBucket = await rejection(obj.copyTo(missing, "copy.txt"));
    expect(toMissingBucket).to.be.instanceOf(ContainerDoesNotExistError);
    expect(toMissingBucket).to.include({ container: missing.name });

    await obj.delete();
    await expectKind(obj.copyTo(container, "copy.txt"), ObjectDoesNotExistError);
  });

  it("409 on create: ContainerAlreadyExistsError", async function () {
    const container = await gcs.container();
    const error = await rejection(gcs.driver().createContainer(container.name));
    expect(error).to.be.instanceOf(ContainerAlreadyExistsError);
  });

  it("deleting a bucket that holds objects: ContainerIsNotEmptyError", async function () {
    // GCS answers 409 here; fake-gcs-server answers 412. Both map to the same error.
    const container = await gcs.container();
    await container.uploadObjectViaStream("x", "keep.txt");

    expect(await rejection(container.delete())).to.be.instanceOf(ContainerIsNotEmptyError);
    expect(await container.objectExists("keep.txt")).to.equal(true);
  });

  it("416 when a range starts past an object that shrank since it was read", async function () {
    const container = await gcs.container();
    const stale = await container.uploadObjectViaStream("0123456789", "shrinks");
    await container.uploadObjectViaStream("01", "shrinks");

    expect(await rejection(stale.rangeAsStream(5, 8))).to.be.instanceOf(InvalidRangeError);
  });
});

describe("GoogleStorageDriver errors (statuses from a loopback server)", function () {
  const cases = [
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [429, TransientError],
    [500, TransientError],
    [503, TransientError],
    [400, ProviderError],
  ] as const;

  for (const [status, kind] of cases) {
    it(`${status}: ${kind.name}`, async function () {
      const server = await startFaultServer(status, `fault ${status}`);
      try {
        const driver = new GoogleStorageDriver(undefined, undefined, {
          projectId: PROJECT_ID,
          endpoint: server.endpoint,
          retry: { attempts: 1 },
        });
        const error = await rejection(driver.getContainer("some-bucket"));
        expect(error).to.be.instanceOf(kind);
        expect((error as Error).cause).to.be.instanceOf(Error);
      } finally {
        await server.close();
      }
    });
  }

  it("retries transient answers for idempotent calls, then gives up", async function () {
    const server = await startFaultServer(503, "busy");
    try {
      const driver = new GoogleStorageDriver(undefined, undefined, {
        projectId: PROJECT_ID,
        endpoint: server.endpoint,
        retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      });
      expect(await rejection(driver.getContainer("some-bucket"))).to.be.instanceOf(TransientError);
      expect(server.requests()).to.equal(3);
    } finally {
      await server.close();
    }
  });

  it("a refused connection: TransientError", async function () {
    const port = await closedPort();
    const driver = new GoogleStorageDriver(undefined, undefined, {
      projectId: PROJECT_ID,
      endpoint: `http://127.0.0.1:${port}`,
      retry: { attempts: 1 },
    });
    expect(await rejection(driver.getContainer("some-bucket"))).to.be.instanceOf(TransientError);
  });
});

/** What ApiError's constructor takes: the parsed JSON error of an answer. */
type ErrorBody = Exclude<ConstructorParameters<typeof ApiError>[0], string>;

/** The Google library's ApiError as it builds one from a JSON error answer. */
function apiError(code: number, message: string): ApiError {
  const body = { code, message, response: { statusCode: code } };
  return new ApiError(body as unknown as ErrorBody);
}

describe("mapGcsError (the Google library's error classes)", function () {
  const context = { container: "b", objectName: "o", operation: "getObject" };

  it("tells a missing bucket from a missing object by GCS's message", function () {
    const bucket = apiError(404, "The specified bucket does not exist.");
    const object = apiError(404, "No such object: my-bucket/o");

    expect(mapGcsError(bucket, context)).to.be.instanceOf(ContainerDoesNotExistError);
    expect(mapGcsError(object, context)).to.be.instanceOf(ObjectDoesNotExistError);
  });

  it("409 outside container calls stays a ProviderError", function () {
    const error = apiError(409, "conflict");
    const mapped = mapGcsError(error, { ...context, operation: "copyObject" });
    expect(mapped).to.be.instanceOf(ProviderError);
  });

  it("408 and resumable-upload failures carrying the status on response", function () {
    const timeout = apiError(408, "timeout");
    expect(mapGcsError(timeout, context)).to.be.instanceOf(TransientError);
    const gaxiosShaped = Object.assign(new Error("Upload failed"), { response: { status: 502 } });
    expect(mapGcsError(gaxiosShaped, context)).to.be.instanceOf(TransientError);
  });

  it("400 naming a checksum mismatch: ObjectHashMismatchError, both hashes in hex", function () {
    const message =
      'Provided MD5 hash "AAAAAAAAAAAAAAAAAAAAAA==" ' +
      'doesn\'t match calculated MD5 hash "AQEBAQEBAQEBAQEBAQEBAQ=="';
    const error = mapGcsError(apiError(400, message), context);

    expect(error).to.be.instanceOf(ObjectHashMismatchError);
    expect(error).to.include({ expected: "0".repeat(32), actual: "01".repeat(16) });
  });

  it("a key that cannot sign, and missing default credentials: AuthenticationError", function () {
    const decoder = new Error("error:1E08010C:DECODER routines::unsupported");
    const signing = Object.assign(decoder, { name: "SigningError" });
    const adc = new Error("Could not load the default credentials. Browse to the docs");

    expect(mapGcsError(signing, context)).to.be.instanceOf(AuthenticationError);
    expect(mapGcsError(adc, context)).to.be.instanceOf(AuthenticationError);
  });

  it("anything else: ProviderError keeping the original as cause", function () {
    const original = new Error("something new");
    const error = mapGcsError(original, { ...context, cause: original });

    expect(error).to.be.instanceOf(ProviderError);
    expect(error.cause).to.equal(original);
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}
