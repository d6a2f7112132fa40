// AbortSignal on every call: an already-aborted signal fails before any request, and an
// abort mid-transfer stops it without leaving anything behind.
import { OperationAbortedError, type Progress } from "@stowage/core";
import { expect } from "chai";

import { MiB, bytesOf, generated, namesIn, put, random, rejects, type Fixture } from "./support.js";

export function cancellationTests(fixture: Fixture): void {
  describe("cancellation", () => {
    it("fails every call with an already-aborted signal, before any request", async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      const obj = await put(container, "present", "x");
      const signal = AbortSignal.abort();

      await rejects(driver.getObject(container.name, "present", { signal }), OperationAbortedError);
      await rejects(container.uploadObjectViaStream("y", "new", { signal }), OperationAbortedError);
      await rejects(driver.getContainer(container.name, { signal }), OperationAbortedError);
      await rejects(obj.asStream({ signal }), OperationAbortedError);
      await rejects(obj.delete({ signal }), OperationAbortedError);
      await rejects(container.listObjects({ signal }), OperationAbortedError);
      expect(await namesIn(container)).to.deep.equal(["present"]);
    });

    it("stops an upload aborted midway and leaves no object", async () => {
      const container = await fixture().newContainer();
      const controller = new AbortController();
      const onProgress = ({ bytes }: Progress) => {
        if (bytes >= 2 * MiB) controller.abort();
      };

      const error = await rejects(
        container.uploadObjectViaStream(generated(12 * MiB).stream, "aborted.bin", {
          signal: controller.signal,
          onProgress,
        }),
        OperationAbortedError,
      );
      expect(error.code).to.equal("ABORTED");
      expect(await namesIn(container)).to.deep.equal([]);
    });

    it("keeps the old object when its replacement is aborted midway", async () => {
      const container = await fixture().newContainer();
      const old = random(MiB);
      await put(container, "kept.bin", old);
      const controller = new AbortController();
      const onProgress = ({ bytes }: Progress) => {
        if (bytes >= 2 * MiB) controller.abort();
      };

      await rejects(
        container.uploadObjectViaStream(generated(8 * MiB).stream, "kept.bin", {
          signal: controller.signal,
          onProgress,
        }),
        OperationAbortedError,
      );
      expect(
        (await bytesOf(await (await container.getObject("kept.bin")).asStream())).equals(old),
      ).to.equal(true);
      expect(await namesIn(container)).to.deep.equal(["kept.bin"]);
    });

    it("fails a download stream aborted midway with OperationAbortedError", async () => {
      const container = await fixture().newContainer();
      const obj = await container.uploadObjectViaStream(generated(6 * MiB).stream, "read.bin");
      const controller = new AbortController();
      const stream = await obj.asStream({ signal: controller.signal });

      const read = async () => {
        let bytes = 0;
        for await (const chunk of stream) {
          bytes += (chunk as Buffer).length;
          if (bytes >= MiB) controller.abort();
        }
      };
      await rejects(read(), OperationAbortedError);
    });
  });
}
