
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { expect } from "chai";

import { InvalidContainerNameError, InvalidObjectNameError, type Container } from "@stowage/core";

import { azureBlobNameProblem, azureContainerNameProblem } from "../src/index.js";
import { readStream, rejection, useAzurite } from "./support.js";
import { nameSets } from "../../../test/support/cases.js";

const cases = nameSets;

/** Names of the shared sets that Azure cannot store as written, and the reason given. */
const REFUSED: Record<string, RegExp> = {
  "tab\tname": /control character U\+0009/,
  "Icon\r": /control character U\+000D/,
  "back\\slash": /which Azure stores as '\/'/,
};

describe("Azure names (Azurite)", () => {
  const azurite = useAzurite();
  let container: Container;

  before(async () => {
    container = await azurite.container();
  });

  const storable = [...cases.roundtrip, ...cases.awkward, ...cases.percent].filter(
    (name) => !(name in REFUSED),
  );

  it("round-trips every shared name through put, list, get, copy, signed GET, delete", async () => {
    for (const [index, name] of storable.entries()) {
      const body = `body ${index}`;
      const obj = await container.uploadObjectViaStream(body, name);
      expect((await container.getObject(name)).name).to.equal(name);

      const listed = await container.listObjects({ prefix: name });
      expect(listed.map((o) => o.name)).to.include(name);
      expect((await readStream(await obj.asStream())).toString()).to.equal(body);

      const response = await fetch(await obj.getSignedUrl({ expiresIn: 300 }));
      expect(response.status, JSON.stringify(name)).to.equal(200);
      expect(await response.text()).to.equal(body);

      const copy = await obj.copyTo(container, `copies/${name}`);
      expect((await readStream(await copy.asStream())).toString()).to.equal(body);
    }

    const all = (await container.listObjects()).map((o) => o.name);
    for (const name of storable) expect(all).to.include(name);
    expect(all.filter((n) => !n.startsWith("copies/"))).to.have.length(new Set(storable).size);

    for (const obj of await container.listObjects()) await obj.delete();
    expect(await container.listObjects()).to.deep.equal([]);
  });

  it("keeps NFC and NFD, case, plus and space, and percent spellings apart", async () => {
    const pairs = ["café.txt".normalize("NFC"), "café.txt".normalize("NFD"), "A.txt", "a.txt"];
    const more = ["a+b.txt", "a b.txt", "a%2Fb", "a/b", "%20", " "];
    for (const name of [...pairs, ...more]) {
      await container.uploadObjectViaStream(name, `d/${name}`);
    }

    for (const name of [...pairs, ...more]) {
      const obj = await container.getObject(`d/${name}`);
      expect((await readStream(await obj.asStream())).toString()).to.equal(name);
    }
    await container.deleteDirectory("d");
  });

  it("refuses, before any request, the names Azure cannot store as written", async () => {
    for (const [name, reason] of Object.entries(REFUSED)) {
      const error = await rejection(container.uploadObjectViaStream("x", name));
      expect(error, JSON.stringify(name)).to.be.instanceOf(InvalidObjectNameError);
      expect((error as InvalidObjectNameError).reason).to.match(reason);
    }
    for (const name of cases.reject) {
      const error = await rejection(container.uploadObjectViaStream("x", name));
      expect(error, JSON.stringify(name)).to.be.instanceOf(InvalidObjectNameError);
    }
  });

  it("names each Azure blob-name rule", () => {
    expect(azureBlobNameProblem("x".repeat(1024))).to.equal(undefined);
    expect(azureBlobNameProblem("x".repeat(1025))).to.match(/at most 1024 characters/);
    expect(azureBlobNameProblem("a\u0085b")).to.match(/U\+0085/);
    expect(azureBlobNameProblem("file.")).to.match(/ends with '\.'/);
    expect(azureBlobNameProblem("dir./file")).to.match(/ends with '\.'/);
    expect(azureBlobNameProblem("dir/.hidden")).to.equal(undefined);
    expect(azureBlobNameProblem("trailing space ")).to.equal(undefined);
  });

  // Azurite stores what the service refuses or rewrites, so these rules cannot be shown to
  // hold against it; this shows the aliasing that the backslash rule prevents.
  it("shows that Azurite, like the service, reads a backslash as a slash", async () => {
    const { accountName, accountKey } = azurite.server();
    const key = new StorageSharedKeyCredential(accountName!, accountKey!);
    const raw = new BlobServiceClient(azurite.endpoint(), key).getContainerClient(container.name);
    await raw.getBlockBlobClient("alias\\name").upload("x", 1);

    const names = (await container.listObjects({ prefix: "alias" })).map((o) => o.name);
    expect(names).to.deep.equal(["alias/name"]);
  });

  it("checks container names against Azure's rules before any request", async () => {
    const driver = azurite.driver();
    const bad = ["ab", "x".repeat(64), "Upper", "under_score", "-lead", "trail-", "dou--ble"];
    for (const name of bad) {
      const error = await rejection(driver.createContainer(name));
      expect(error, name).to.be.instanceOf(InvalidContainerNameError);
      expect((error as InvalidContainerNameError).reason).to.match(/Azure container names/);
    }
    expect(azureContainerNameProblem("abc")).to.equal(undefined);
    expect(azureContainerNameProblem("a-b-1")).to.equal(undefined);
    expect(azureContainerNameProblem("$root")).to.equal(undefined);
  });
});
