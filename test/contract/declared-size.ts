import { Readable } from "node:stream";

import { InvalidArgumentError, InvalidObjectNameError } from "@stowage/core";
import { expect } from "chai";

import { namesIn, put, random, read, rejects, type Fixture } from "./support.js";

/** A stream of `size` random bytes whose length the driver is not told by the stream. */
function streamOf(size: number): Readable {
  return Readable.from([random(size)]);
}

export function declaredSizeTests(fixture: Fixture): void {
  describe("declared sizes and directory names", () => {
    it("refuses a source shorter than its declared size and keeps the old object", async () => {
      const container = await fixture().newContainer();
      await put(container, "sized.bin", "old");

      const upload = container.uploadObjectViaStream(streamOf(5), "sized.bin", { size: 10 });
      await rejects(upload, InvalidArgumentError);
      expect((await read(container, "sized.bin")).toString()).to.equal("old");
    });

    it("refuses a source longer than its declared size and stores nothing", async () => {
      const container = await fixture().newContainer();

      const upload = container.uploadObjectViaStream(streamOf(10), "sized.bin", { size: 5 });
      await rejects(upload, InvalidArgumentError);
      expect(await namesIn(container)).to.deep.equal([]);
    });

    it("refuses a directory name that no object could have", async () => {
      const container = await fixture().newContainer();
      await put(container, "keep/me.txt", "x");

      for (const bad of ["a\0b", "../keep", "keep//x", "/keep"]) {
        await rejects(container.deleteDirectory(bad), InvalidObjectNameError);
      }
      expect(await namesIn(container)).to.deep.equal(["keep/me.txt"]);
    });
  });
}
