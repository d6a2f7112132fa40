import { InvalidObjectNameError, ObjectDoesNotExistError } from "@stowage/core";
import { expect } from "chai";

import { namesIn, put, read, rejects, type Fixture } from "./support.js";

export function copyMoveTests(fixture: Fixture): void {
  describe("copy and move", () => {
    it("copies within a container and keeps content type and metadata", async () => {
      const container = await fixture().newContainer();
      const extra = { contentType: "text/csv", metaData: { owner: "ana" } };
      const source = await container.uploadObjectViaStream("a,b", "src.csv", { extra });

      const copy = await source.copyTo(container, "dir/copy.csv");
      expect(copy.name).to.equal("dir/copy.csv");
      expect((await read(container, "dir/copy.csv")).toString()).to.equal("a,b");

      const fetched = await container.getObject("dir/copy.csv");
      expect(fetched.contentType).to.equal("text/csv");
      if (fixture().driver.capabilities.metadata)
        expect(fetched.metaData).to.deep.equal({ owner: "ana" });
      expect(await namesIn(container)).to.deep.equal(["dir/copy.csv", "src.csv"]);
    });

    it("copies across containers", async () => {
      const from = await fixture().newContainer();
      const to = await fixture().newContainer();
      const source = await put(from, "x.bin", "payload");

      await source.copyTo(to, "y.bin");
      expect((await read(to, "y.bin")).toString()).to.equal("payload");
      expect((await read(from, "x.bin")).toString()).to.equal("payload");
    });

    it("moves an object", async () => {
      const container = await fixture().newContainer();
      const source = await put(container, "old/name.txt", "moving");

      const moved = await source.moveTo(container, "new/name.txt");
      expect(moved.name).to.equal("new/name.txt");
      expect(await namesIn(container)).to.deep.equal(["new/name.txt"]);
      expect((await read(container, "new/name.txt")).toString()).to.equal("moving");
    });

    it("keeps the source when copied or moved onto itself (C12)", async () => {
      const container = await fixture().newContainer();
      const source = await put(container, "foo", "still here");

      await source.copyTo(container, "foo");
      await source.moveTo(container, "foo");
      expect((await read(container, "foo")).toString()).to.equal("still here");
    });

    it("refuses invalid destination names before any request, keeping the source (C12)", async () => {
      const container = await fixture().newContainer();
      const source = await put(container, "foo", "safe");

      await rejects(source.moveTo(container, "/foo"), InvalidObjectNameError);
      await rejects(source.copyTo(container, "foo//"), InvalidObjectNameError);
      for (const bad of ["a//b", "/lead", "trail/"])
        await rejects(put(container, bad, "x"), InvalidObjectNameError);

      expect(await namesIn(container)).to.deep.equal(["foo"]);
      expect((await read(container, "foo")).toString()).to.equal("safe");
    });

    it("fails to copy a missing object", async () => {
      const container = await fixture().newContainer();
      const source = await put(container, "gone", "x");
      await source.delete();
      await rejects(source.copyTo(container, "copy"), ObjectDoesNotExistError);
      expect(await namesIn(container)).to.deep.equal([]);
    });
  });
}
