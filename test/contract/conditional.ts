// Conditional writes: create-only with ifNoneMatch "*", replace-only-this-version with ifMatch
// and an object's `extra.version`.
import {
  NotSupportedError,
  ObjectDoesNotExistError,
  PreconditionFailedError,
  StorageError,
} from "@stowage/core";
import { expect } from "chai";

import { expectContext, namesIn, put, read, rejects, type Fixture } from "./support.js";

export function conditionalTests(fixture: Fixture): void {
  describe("conditional writes", () => {
    it("creates only when absent with ifNoneMatch '*'", async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      const first = container.uploadObjectViaStream("first", "c.txt", { ifNoneMatch: "*" });
      if (!driver.capabilities.conditionalWrites)
        return void (await rejects(first, NotSupportedError));

      await first;
      const error = await rejects(
        container.uploadObjectViaStream("second", "c.txt", { ifNoneMatch: "*" }),
        PreconditionFailedError,
      );
      expect(error.code).to.equal("PRECONDITION_FAILED");
      expectContext(error, driver, { container: container.name, objectName: "c.txt" });
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

      expect(v1.extra.version).to.be.a("string").and.not.equal("");
      const v2 = await container.uploadObjectViaStream("two", "v.txt", {
        ifMatch: v1.extra.version,
      });
      expect(v2.extra.version).to.be.a("string").and.not.equal(v1.extra.version);
      expect((await container.getObject("v.txt")).extra.version).to.equal(v2.extra.version);

      const error = await rejects(
        container.uploadObjectViaStream("three", "v.txt", { ifMatch: v1.extra.version }),
        PreconditionFailedError,
      );
      expectContext(error, driver, { container: container.name, objectName: "v.txt" });
      expect((await read(container, "v.txt")).toString()).to.equal("two");
    });

    it("reports one version token from upload, getObject and listing", async () => {
      const container = await fixture().newContainer();
      const uploaded = await put(container, "t.txt", "one");
      const head = await container.getObject("t.txt");
      const [listed] = await container.listObjects();

      expect(uploaded.extra.version).to.be.a("string").and.not.equal("");
      expect(head.extra.version).to.equal(uploaded.extra.version);
      expect(listed!.extra.version).to.equal(uploaded.extra.version);
    });

    it("takes the version of a listed object in ifMatch", async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      await put(container, "l.txt", "one");
      const [listed] = await container.listObjects();
      const upload = container.uploadObjectViaStream("two", "l.txt", {
        ifMatch: listed!.extra.version,
      });
      if (!driver.capabilities.conditionalWrites)
        return void (await rejects(upload, NotSupportedError));

      await upload;
      expect((await read(container, "l.txt")).toString()).to.equal("two");
    });

    it("refuses ifMatch on an object that does not exist, creating nothing", async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      const v1 = await put(container, "elsewhere.txt", "one");
      const upload = container.uploadObjectViaStream("x", "absent.txt", {
        ifMatch: v1.extra.version ?? "any",
      });
      if (!driver.capabilities.conditionalWrites)
        return void (await rejects(upload, NotSupportedError));

      // S3 answers a missing key as such; other providers as a failed precondition. Both
      // tell the caller the version it expected is not there.
      const error = await rejects(upload, StorageError);
      expect(error).to.satisfy(
        (e: unknown) =>
          e instanceof PreconditionFailedError || e instanceof ObjectDoesNotExistError,
      );
      expect(await namesIn(container)).to.deep.equal(["elsewhere.txt"]);
    });
  });
}
