// Error mapping against real S3 servers: each condition a test server can produce, raised
// the way a user would meet it.
import { createServer, type Server } from "node:net";
import type { Readable } from "node:stream";

import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import {
  AuthenticationError,
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  ContainerIsNotEmptyError,
  InvalidObjectNameError,
  InvalidRangeError,
  ObjectDoesNotExistError,
  ObjectNameConflictError,
  PermissionDeniedError,
  PreconditionFailedError,
  TransientError,
  type StorageObject,
  Container,
} from "@stowage/core";

import { mapS3Error } from "../src/map-error.js";
import { S3StorageDriver } from "../src/index.js";
import {
  S3_KINDS,
  expectRejection,
  readAll,
  serverOptions,
  uniqueBucket,
  useS3Server,
} from "./support.js";

for (const kind of S3_KINDS) {
  describe(`S3 errors (${kind})`, function () {
    this.timeout(60_000);
    const fixture = useS3Server(kind);
    let container: Container;

    beforeEach(async () => {
      container = await fixture().bucket();
    });

    it("reports a missing bucket from HEAD, GET and list as a missing container", async () => {
      const driver = fixture().driver();
      const missing = uniqueBucket();

      await expectRejection(driver.getContainer(missing), ContainerDoesNotExistError);
      await expectRejection(driver.getObject(missing, "key"), ContainerDoesNotExistError);
      const ghost = driver.listContainerObjects(await ghostContainer(driver, missing));
      await expectRejection(ghost, ContainerDoesNotExistError);
    });

    it("reports a missing object from HEAD and GET as ObjectDoesNotExistError", async () => {
      const obj = await container.uploadObjectViaStream("soon gone", "gone.txt");
      await obj.delete();

      await expectRejection(container.getObject("gone.txt"), ObjectDoesNotExistError);
      await expectRejection(obj.asStream(), ObjectDoesNotExistError);
    });

    it("reports an existing bucket as existing, also from the server's own code", async () => {
      const again = fixture().driver().createContainer(container.name);
      await expectRejection(again, ContainerAlreadyExistsError);

      // The driver looks first; the server's own answer to a second CreateBucket maps alike
      // (moto imitates us-east-1, which answers 200 to the owner, so only versitygw has one).
      const create = new CreateBucketCommand({ Bucket: container.name });
      const raw = await fixture().raw.send(create).catch((e) => e);
      if (kind === "s3sig") {
        const mapped = mapS3Error(raw, { container: container.name });
        expect(mapped).to.be.instanceOf(ContainerAlreadyExistsError);
      }
    });

    it("refuses to delete a bucket that holds objects", async () => {
      await container.uploadObjectViaStream("x", "keep.txt");

      await expectRejection(container.delete(), ContainerIsNotEmptyError);
      await (await container.getObject("keep.txt")).delete();
      await container.delete();
      const gone = fixture().driver().getContainer(container.name);
      await expectRejection(gone, ContainerDoesNotExistError);
    });

    it("refuses a read pinned to a replaced version with PreconditionFailedError", async () => {
      const { server } = fixture();
      const driver = new Primitives(server.accessKey, server.secretKey, serverOptions(server));
      const first = await container.uploadObjectViaStream("first version", "pinned.txt");
      await container.uploadObjectViaStream("second version", "pinned.txt");

      const stale = driver.readVersion(first, first.extra.version!);
      await expectRejection(stale, PreconditionFailedError);
      const current = await container.getObject("pinned.txt");
      const body = await readAll(await driver.readVersion(current, current.extra.version!));
      expect(body.toString()).to.equal("second version");
    });

    it("maps a range past an object that shrank to InvalidRangeError", async () => {
      const stale = await container.uploadObjectViaStream("0123456789", "shrinks.txt");
      await container.uploadObjectViaStream("01", "shrinks.txt");

      await expectRejection(stale.rangeAsStream(5, 8), InvalidRangeError);
      expect((await readAll(await stale.rangeAsStream(0, 2))).toString()).to.equal("01");
    });
  });
}

describe("S3 network faults", () => {
  it("maps a connection reset to TransientError after retrying", async () => {
    const reset = await resettingServer();
    const driver = new S3StorageDriver("key", "secret", {
      endpoint: `http://127.0.0.1:${reset.port}`,
      region: "us-east-1",
      forcePathStyle: true,
      retry: { attempts: 3, baseDelayMs: 1 },
    });

    try {
      await expectRejection(driver.getContainer("any-bucket"), TransientError);
      expect(reset.connections()).to.equal(3);
    } finally {
      driver.client.destroy();
      await reset.close();
    }
  });
});

describe("S3 errors only a signature-checking server gives (s3sig)", function () {
  this.timeout(60_000);
  const fixture = useS3Server("s3sig");

  it("maps a wrong secret to AuthenticationError", async () => {
    const { server } = fixture();
    const wrong = new S3StorageDriver(server.accessKey, "not-the-secret", serverOptions(server));

    await expectRejection(wrong.listContainers(), AuthenticationError);
  });

  it("maps an unknown access key to AuthenticationError", async () => {
    const stranger = new S3StorageDriver("nobody", "nothing", serverOptions(fixture().server));

    await expectRejection(stranger.listContainers(), AuthenticationError);
  });

  it("maps a refused HEAD (a bare 403, no error code) to PermissionDeniedError", async () => {
    const container = await fixture().bucket();
    await container.uploadObjectViaStream("x", "private.txt");
    const { server } = fixture();
    const wrong = new S3StorageDriver(server.accessKey, "not-the-secret", serverOptions(server));

    await expectRejection(wrong.getObject(container.name, "private.txt"), PermissionDeniedError);
  });

  it("maps a key refused inside a DeleteObjects answer, naming that key", async () => {
    const { server } = fixture();
    const driver = new Primitives(server.accessKey, server.secretKey, serverOptions(server));
    const container = await fixture().bucket(driver);
    const tooLong = "k".repeat(1100);

    const batch = driver.deleteMany(container, [tooLong]);
    const error = await expectRejection(batch, InvalidObjectNameError);
    expect((error as InvalidObjectNameError).objectName).to.equal(tooLong);
  });

  it("maps a+a/b on a server that keeps keys as paths to ObjectNameConflictError", async () => {
    const container = await fixture().bucket();
    await container.uploadObjectViaStream("file", "a");

    const nested = container.uploadObjectViaStream("nested", "a/b");
    await expectRejection(nested, ObjectNameConflictError);
  });
});

/** Reaches primitives with what the core's public methods never pass, to see them fail. */
class Primitives extends S3StorageDriver {
  /** A read pinned to a version, as the core asks when it resumes a cut download. */
  async readVersion(object: StorageObject, version: string): Promise<Readable> {
    try {
      return await this.doOpenRead({ object, ifMatch: version });
    } catch (error) {
      throw this.toStorageError(error, { objectName: object.name });
    }
  }

  /** A batch delete of names the core would have refused before any request. */
  async deleteMany(container: Container, names: string[]): Promise<void> {
    try {
      await this.doDeleteObjects(container, names);
    } catch (error) {
      throw this.toStorageError(error, { container: container.name });
    }
  }
}

/** A container handle for a bucket that does not exist, as a stale reference would be. */
async function ghostContainer(driver: S3StorageDriver, name: string): Promise<Container> {
  return new Container(name, {}, driver);
}

/** A TCP server on 127.0.0.1 that accepts each connection and resets it at once. */
interface ResettingServer {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

async function resettingServer(): Promise<ResettingServer> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
