import { expect } from "chai";

import {
  ContainerDoesNotExistError,
  ObjectDoesNotExistError,
  md5Hex,
  type Container,
} from "@stowage/core";

import { startFaultProxy } from "../../../test/support/fault-proxy.js";
import { readStream, rejection, useAzurite } from "./support.js";

describe("Azure objects (Azurite)", () => {
  const azurite = useAzurite();
  let container: Container;

  beforeEach(async () => {
    container = await azurite.container();
  });

  it("uploads, heads, lists, reads and deletes an object with an MD5 hash", async () => {
    const obj = await container.uploadObjectViaStream("hello azure", "greeting.txt");
    expect(obj.hashAlgorithm).to.equal("md5");
    expect(obj.hash).to.equal(md5Hex("hello azure"));
    expect(obj.contentType).to.equal("text/plain");

    const head = await container.getObject("greeting.txt");
    expect(head.size).to.equal(11);
    expect(head.hash).to.equal(md5Hex("hello azure"));
    expect(head.extra.version).to.equal(obj.extra.version);

    const listed = await container.listObjects();
    expect(listed.map((o) => o.name)).to.deep.equal(["greeting.txt"]);
    expect(listed[0]!.hash).to.equal(md5Hex("hello azure"));

    expect((await readStream(await head.asStream())).toString()).to.equal("hello azure");
    await head.delete();
    await head.delete();
    expect(await container.objectExists("greeting.txt")).to.equal(false);
  });

  it("reads ranges with Libcloud's convention", async () => {
    const obj = await container.uploadObjectViaStream("0123456789", "digits");
    const range = async (start: number, end?: number) =>
      (await readStream(await obj.rangeAsStream(start, end))).toString();

    expect(await range(0, 3)).to.equal("012");
    expect(await range(9, 10)).to.equal("9");
    expect(await range(3)).to.equal("3456789");
    expect(await range(0, 100)).to.equal("0123456789");
    expect(await range(5, 5)).to.equal("");
  });

  it("stores the portable headers and reports them in extra", async () => {
    await container.uploadObjectViaStream("body", "page.html", {
      extra: { contentType: "text/html; charset=utf-8" },
      headers: {
        "Cache-Control": "max-age=60",
        "Content-Disposition": 'attachment; filename="page.html"',
        "Content-Encoding": "identity",
        "Content-Language": "fr",
      },
    });
    const obj = await container.getObject("page.html");
    expect(obj.contentType).to.equal("text/html; charset=utf-8");
    expect(obj.extra).to.include({
      cacheControl: "max-age=60",
      contentDisposition: 'attachment; filename="page.html"',
      contentEncoding: "identity",
      contentLanguage: "fr",
    });
  });

  it("tells a missing object from a missing container", async () => {
    const error = await rejection(container.getObject("nothing-here"));
    expect(error).to.be.instanceOf(ObjectDoesNotExistError);

    const driver = azurite.driver();
    const missing = await rejection(driver.getObject("no-such-container", "x"));
    expect(missing).to.be.instanceOf(ContainerDoesNotExistError);
  });

  it("deletes a directory with batch deletes, sparing its siblings", async () => {
    const names = [
      "reports/2024/a.csv",
      "reports/2024/b/c.csv",
      "reports/2024-old/b.csv",
      "reports/2024",
    ];
    for (const name of names) await container.uploadObjectViaStream(name, name);

    const proxy = await startFaultProxy(azurite.server().port);
    try {
      const driver = azurite.driver({ endpoint: `${proxy.endpoint}/devstoreaccount1` });
      const proxied = await driver.getContainer(container.name);
      expect(await proxied.deleteDirectory("reports/2024")).to.equal(2);

      const batches = proxy.requests.filter((r) => r.target.includes("comp=batch"));
      const deletes = proxy.requests.filter((r) => r.method === "DELETE");
      expect(batches).to.have.length(1);
      expect(deletes).to.deep.equal([]);
    } finally {
      await proxy.close();
    }
    const left = (await container.listObjects()).map((o) => o.name);
    expect(left).to.deep.equal(["reports/2024", "reports/2024-old/b.csv"]);
  });
});
