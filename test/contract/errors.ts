import { InvalidObjectNameError, OperationAbortedError, StorageError } from "@stowage/core";
import { expect } from "chai";

import { namesIn, put, rejects, type Fixture } from "./support.js";

export function errorTests(fixture: Fixture): void {
  describe("errors and cancellation", () => {
    it("fails every call with an already-aborted signal, before any request", async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      await put(container, "present", "x");
      const signal = AbortSignal.abort();

      await rejects(driver.getObject(container.name, "present", { signal }), OperationAbortedError);
      await rejects(container.uploadObjectViaStream("y", "new", { signal }), OperationAbortedError);
      await rejects(driver.getContainer(container.name, { signal }), OperationAbortedError);
      expect(await namesIn(container)).to.deep.equal(["present"]);
    });

    it("names the reason, the driver and a stable code for a refused name", async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      const error = await rejects(put(container, "a/../b", "x"), InvalidObjectNameError);

      expect(error).to.be.instanceOf(StorageError);
      expect(error.code).to.equal("INVALID_OBJECT_NAME");
      expect(error.reason).to.include("..");
      expect(error.driver).to.equal(driver.name);
      expect(error.objectName).to.equal("a/../b");
    });
  });
}
