// How the driver is constructed: the provider registry, the SDK's default credential chain
// when no key is given, and the checksum settings that keep S3-compatible servers working.
import { expect } from "chai";
import { getDriver, Provider } from "@stowage/core";

import { S3StorageDriver } from "../src/index.js";
import { readAll, serverOptions, useS3Server } from "./support.js";

describe("S3StorageDriver construction", () => {
  it("is what getDriver(Provider.S3) returns", () => {
    expect(getDriver(Provider.S3)).to.equal(S3StorageDriver);
  });

  it("signs for us-east-1 at a custom endpoint unless told a region", async () => {
    const endpoint = "http://127.0.0.1:1";
    const custom = new S3StorageDriver("key", "secret", { endpoint });
    const named = new S3StorageDriver("key", "secret", { endpoint, region: "auto" });

    expect(await custom.client.config.region()).to.equal("us-east-1");
    expect(await named.client.config.region()).to.equal("auto");
  });

  it("asks for checksums only where S3 requires them", async () => {
    const driver = new S3StorageDriver("key", "secret", { region: "us-east-1" });

    expect(await driver.client.config.requestChecksumCalculation()).to.equal("WHEN_REQUIRED");
    expect(await driver.client.config.responseChecksumValidation()).to.equal("WHEN_REQUIRED");
  });
});

describe("S3StorageDriver without keys (s3sig)", function () {
  this.timeout(60_000);
  const fixture = useS3Server("s3sig");
  const saved = { ...process.env };

  // The default chain reads the environment first; with these set it looks no further, so
  // no request leaves for an instance-metadata address.
  before(() => {
    process.env.AWS_ACCESS_KEY_ID = fixture().server.accessKey;
    process.env.AWS_SECRET_ACCESS_KEY = fixture().server.secretKey;
    process.env.AWS_EC2_METADATA_DISABLED = "true";
  });

  after(() => {
    const names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED"];
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it("signs with the SDK's default credential chain", async () => {
    const driver = new S3StorageDriver(undefined, undefined, serverOptions(fixture().server));

    const container = await driver.createContainer("from-the-chain");
    const obj = await container.uploadObjectViaStream("chained", "a.txt");

    expect((await readAll(await obj.asStream())).toString()).to.equal("chained");
  });
});
