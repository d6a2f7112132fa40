// The seed example of the documentation, as written, against real S3-compatible servers:
// moto accepts the example's literal keys; versitygw checks signatures, so it gets its own.
import { expect } from "chai";
import {
  ContainerAlreadyExistsError,
  getDriver,
  NotSupportedError,
  Provider,
  StorageManager,
  Container,
} from "@stowage/core";

import "../src/index.js";
import { startServer, type TestServer } from "../../../test/support/servers.js";
import { endpointOf } from "../src/driver.js";
import { MinIOStorageDriver } from "../src/index.js";

/** The seed example, with the server's port and (when it checks them) its credentials. */
async function seed(port: number, key = "api key", secret = "api secret key"): Promise<Container> {
  const MinIO = getDriver(Provider.MINIO);
  const driver = new MinIO(key, secret, { secure: false, host: "127.0.0.1", port });
  let container;
  try {
    container = await driver.createContainer("attachment");
  } catch (err) {
    if (!(err instanceof ContainerAlreadyExistsError)) throw err;
    container = await driver.getContainer("attachment");
  }
  StorageManager.addStorage("default", container);
  return container;
}

const RUNS: [string, "moto" | "s3sig", (server: TestServer) => [string?, string?]][] = [
  ["moto, with the example's literal keys", "moto", () => []],
  ["s3sig, with its own keys", "s3sig", (server) => [server.accessKey, server.secretKey]],
];

for (const [label, kind, credentials] of RUNS) {
  describe(`MinIO seed example (${label})`, function () {
    this.timeout(60_000);
    let server: TestServer | undefined;

    before(async function () {
      server = await startServer(kind);
      if (!server) this.skip();
    });

    after(async () => {
      StorageManager.clear();
      await server?.stop();
    });

    beforeEach(() => StorageManager.clear());

    it("creates the container, registers it as the default storage and stores a file", async () => {
      const container = await seed(server!.port, ...credentials(server!));

      expect(StorageManager.get()).to.equal(container);
      const stored = await StorageManager.saveFile("default", "hello from the seed");
      const file = await StorageManager.getFile(stored.path);
      expect(file.objectName).to.equal(stored.objectName);
    });

    it("finds the container on a second run through ContainerAlreadyExistsError", async () => {
      const container = await seed(server!.port, ...credentials(server!));

      expect(container.name).to.equal("attachment");
      expect(StorageManager.getDefault()).to.equal("default");
    });
  });
}

describe("MinIOStorageDriver options", () => {
  it("builds http(s)://host:port endpoints, bracketing IPv6", () => {
    expect(endpointOf("127.0.0.1", 9000, false)).to.equal("http://127.0.0.1:9000");
    expect(endpointOf("minio.internal", undefined, true)).to.equal("https://minio.internal:443");
    expect(endpointOf("::1", 9000, false)).to.equal("http://[::1]:9000");
  });

  it("is registered under Provider.MINIO and names itself", () => {
    const driver = new MinIOStorageDriver("k", "s", { secure: false, host: "127.0.0.1", port: 9 });

    expect(getDriver(Provider.MINIO)).to.equal(MinIOStorageDriver);
    expect(driver.name).to.equal("MinIO");
    expect(driver.provider).to.equal(Provider.MINIO);
  });

  it("refuses ACLs, which MinIO does not implement", async () => {
    const driver = new MinIOStorageDriver("k", "s", { secure: false, host: "127.0.0.1", port: 9 });
    expect(driver.capabilities.acl).to.equal(false);
    const container = new Container("bucket", {}, driver);
    const upload = container.uploadObjectViaStream("x", "a.txt", { extra: { acl: "public-read" } });
    await upload.then(
      () => expect.fail("expected NotSupportedError"),
      (error) => expect(error).to.be.instanceOf(NotSupportedError),
    );
  });
});
