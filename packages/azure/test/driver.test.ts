import type { AccessToken, TokenCredential } from "@azure/identity";
import { expect } from "chai";

import {
  InvalidArgumentError,
  Provider,
  getDriver,
  type Container,
  type StorageObject,
  type StoragePrefix,
} from "@stowage/core";

import { AzureBlobsStorageDriver, parseConnectionString } from "../src/index.js";
import { generateContainerSas } from "./sas.js";
import { useAzurite } from "./support.js";

const KEY = Buffer.from("a dummy key").toString("base64");

/** A token credential that hands out a fixed token and asks no identity service. */
const staticToken: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({
    token: "dummy",
    expiresOnTimestamp: Date.now() + 3_600_000,
  }),
};

describe("Azure driver construction", () => {
  it("is what getDriver(Provider.AZURE_BLOBS) returns", () => {
    expect(getDriver(Provider.AZURE_BLOBS)).to.equal(AzureBlobsStorageDriver);
  });

  it("takes exactly one of a key, a SAS token or a token credential", () => {
    const endpoint = "http://127.0.0.1:9/acct";
    const make = (key?: string, options = {}) =>
      new AzureBlobsStorageDriver("acct", key, { endpoint, ...options });
    expect(() => make()).to.throw(InvalidArgumentError);
    expect(() => make(KEY, { sasToken: "sv=x" })).to.throw(InvalidArgumentError);

    const sas = make(undefined, { sasToken: "?sv=x&sig=y" }).capabilities;
    expect(sas).to.include({ signedUrls: false, signedUploadUrls: false, batchDelete: false });
    const token = make(undefined, { credential: staticToken }).capabilities;
    expect(token).to.include({ signedUrls: true, signedUploadUrls: true, batchDelete: true });
  });

  it("checks the endpoint, block size and concurrency", () => {
    const bad = [
      { endpoint: "ftp://127.0.0.1/acct" },
      { endpoint: "not a url" },
      { blockSize: 0 },
      { blockSize: 4001 * 1024 * 1024 },
      { concurrency: 0 },
    ];
    for (const options of bad) {
      const make = () => new AzureBlobsStorageDriver("acct", KEY, options);
      expect(make, JSON.stringify(options)).to.throw(InvalidArgumentError);
    }
  });

  it("parses connection strings as the portal gives them", () => {
    expect(
      parseConnectionString(
        `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${KEY};` +
          "EndpointSuffix=core.chinacloudapi.cn",
      ),
    ).to.deep.equal({
      accountName: "acct",
      accountKey: KEY,
      sasToken: undefined,
      endpoint: "https://acct.blob.core.chinacloudapi.cn",
    });
    expect(
      parseConnectionString(
        "BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=1&sig=a%3D",
      ),
    ).to.deep.include({ accountName: "acct", sasToken: "sv=1&sig=a%3D" });
    expect(parseConnectionString("UseDevelopmentStorage=true")).to.include({
      accountName: "devstoreaccount1",
      endpoint: "http://127.0.0.1:10000/devstoreaccount1",
    });
    expect(() => parseConnectionString("")).to.throw(InvalidArgumentError);
    expect(() => parseConnectionString("AccountKey=abc")).to.throw(InvalidArgumentError);
  });
});

describe("Azure driver on Azurite", () => {
  const azurite = useAzurite();

  it("works from a connection string with a path-style BlobEndpoint", async () => {
    const { accountName, accountKey } = azurite.server();
    const driver = AzureBlobsStorageDriver.fromConnectionString(
      `DefaultEndpointsProtocol=http;AccountName=${accountName};AccountKey=${accountKey};` +
        `BlobEndpoint=${azurite.endpoint()};`,
    );
    const container = await azurite.container(driver);
    expect((await driver.listContainers()).map((c) => c.name)).to.include(container.name);
  });

  it("works with a SAS token instead of the key, deleting directories one by one", async () => {
    const container = await azurite.container();
    const driver = new AzureBlobsStorageDriver("devstoreaccount1", undefined, {
      endpoint: azurite.endpoint(),
      sasToken: generateContainerSas(azurite.server(), container.name),
    });
    const mine = await driver.getContainer(container.name);
    await mine.uploadObjectViaStream("one", "dir/1.txt");
    await mine.uploadObjectViaStream("two", "dir/2.txt");
    expect(await mine.deleteDirectory("dir")).to.equal(2);
    expect(await mine.listObjects()).to.deep.equal([]);
  });

  it("lists with a delimiter in name order, prefixes merged among the blobs", async () => {
    const container = await azurite.container();
    const names = ["a.txt", "b/1", "b/2", "b.txt", "c", "d/e/f", "b-c"];
    for (const name of names) await container.uploadObjectViaStream(name, name);

    const seen: string[] = [];
    const entries = container.iterateObjects({ delimiter: "/", pageSize: 2 });
    for await (const entry of entries as AsyncIterable<StorageObject | StoragePrefix>) {
      seen.push("isPrefix" in entry ? `prefix:${entry.name}` : entry.name);
    }
    expect(seen).to.deep.equal(["a.txt", "b-c", "b.txt", "prefix:b/", "c", "prefix:d/"]);

    const flat = (await container.listObjects({ pageSize: 3 })).map((o) => o.name);
    expect(flat).to.deep.equal([...names].sort());
  });

  it("moves an object server-side, and a move onto itself changes nothing", async () => {
    const container: Container = await azurite.container();
    const obj = await container.uploadObjectViaStream("moving", "from.txt");
    const moved = await obj.moveTo(container, "to/here.txt");
    expect(moved.hash).to.equal(obj.hash);
    expect(await container.objectExists("from.txt")).to.equal(false);

    const same = await moved.moveTo(container, "to/here.txt");
    expect(same).to.equal(moved);
    expect(await container.objectExists("to/here.txt")).to.equal(true);
  });
});
