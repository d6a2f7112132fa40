import { NotSupportedError, PreconditionFailedError, StorageError } from "@stowage/core";
import { expect } from "chai";

import { put, read, rejects, type Fixture } from "./support.js";

export function metadataTests(fixture: Fixture): void {
  describe("metadata", () => {
    contentTypeTests(fixture);
    userMetadataTests(fixture);
    conditionalTests(fixture);
  });
}

function contentTypeTests(fixture: Fixture): void {
  it("guesses the content type from the extension", async () => {
    const container = await fixture().newContainer();
    await put(container, "page.html", "<p>");
    await put(container, "data.json", "{}");
    await put(container, "blob", "?");

    expect((await container.getObject("page.html")).contentType).to.match(/^text\/html/);
    expect((await container.getObject("data.json")).contentType).to.match(/^application\/json/);
    expect((await container.getObject("blob")).contentType).to.equal("application/octet-stream");
  });

  it("keeps an explicit content type", async () => {
    const container = await fixture().newContainer();
    await container.uploadObjectViaStream("a,b", "export.txt", {
      extra: { contentType: "text/csv" },
    });
    expect((await container.getObject("export.txt")).contentType).to.equal("text/csv");
  });

  it("keeps the standard headers", async () => {
    const container = await fixture().newContainer();
    const disposition = `attachment; filename="report.pdf"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf`;
    await container.uploadObjectViaStream("%PDF", "report.pdf", {
      headers: { "Cache-Control": "max-age=60", "Content-Disposition": disposition },
    });

    const obj = await container.getObject("report.pdf");
    expect(obj.extra.cacheControl).to.equal("max-age=60");
    expect(obj.extra.contentDisposition).to.equal(disposition);
  });
}

function userMetadataTests(fixture: Fixture): void {
  it("round-trips user metadata, non-ASCII values included (C23)", async function () {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const metaData = { "original-name": "請求書 2024.pdf", owner: "ana", note: "a=b; c" };

    if (!driver.capabilities.metadata) {
      await rejects(
        container.uploadObjectViaStream("x", "m.txt", { extra: { metaData } }),
        NotSupportedError,
      );
      return;
    }
    await container.uploadObjectViaStream("x", "m.txt", { extra: { metaData } });
    expect((await container.getObject("m.txt")).metaData).to.deep.equal(metaData);
  });

  it("stores awkward metadata keys exactly or refuses them, never drops them (C23)", async () => {
    const container = await fixture().newContainer();

    for (const key of ["Upper-Case", "1st-digit", "with_underscore", "x-dash-y"]) {
      const metaData = { [key]: "value" };
      try {
        await container.uploadObjectViaStream("x", "k.txt", { extra: { metaData } });
      } catch (error) {
        expect(error, `key ${key}`).to.be.instanceOf(StorageError);
        continue;
      }
      expect((await container.getObject("k.txt")).metaData, `key ${key}`).to.deep.equal(metaData);
    }
  });

  it("applies a canned ACL, or refuses it where the driver has none", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const upload = container.uploadObjectViaStream("x", "acl.txt", { extra: { acl: "private" } });

    if (!driver.capabilities.acl) return void (await rejects(upload, NotSupportedError));
    expect((await upload).name).to.equal("acl.txt");
  });
}

function conditionalTests(fixture: Fixture): void {
  it("creates only when absent with ifNoneMatch", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    if (!driver.capabilities.conditionalWrites) {
      await rejects(
        container.uploadObjectViaStream("x", "c", { ifNoneMatch: "*" }),
        NotSupportedError,
      );
      return;
    }

    await container.uploadObjectViaStream("first", "c.txt", { ifNoneMatch: "*" });
    await rejects(
      container.uploadObjectViaStream("second", "c.txt", { ifNoneMatch: "*" }),
      PreconditionFailedError,
    );
    expect((await read(container, "c.txt")).toString()).to.equal("first");
  });

  it("replaces only the expected version with ifMatch", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const v1 = await put(container, "v.txt", "one");
    if (!driver.capabilities.conditionalWrites) {
      const upload = container.uploadObjectViaStream("two", "v.txt", { ifMatch: "any" });
      return void (await rejects(upload, NotSupportedError));
    }

    const v2 = await container.uploadObjectViaStream("two", "v.txt", { ifMatch: v1.extra.version });
    expect(v2.extra.version).to.be.a("string").and.not.equal(v1.extra.version);

    await rejects(
      container.uploadObjectViaStream("three", "v.txt", { ifMatch: v1.extra.version }),
      PreconditionFailedError,
    );
    expect((await read(container, "v.txt")).toString()).to.equal("two");
  });
}
