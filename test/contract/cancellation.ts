// AbortSignal on every call: an already-aborted signal fails before any request, and an
// abort mid-transfer stops it without leaving anything behind.
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import {
  OperationAbortedError,
  type Container,
  type Progress,
  type StorageObject,
} from "@stowage/core";
import { expect } from "chai";

import {
  MiB,
  bytesOf,
  generated,
  namesIn,
  put,
  random,
  rejects,
  scratchDir,
  type Fixture,
} from "./support.js";

export function cancellationTests(fixture: Fixture): void {
  describe("cancellation", () => {
    abortedSignalTests(fixture);
    midwayTests(fixture);
  });
}

type Call = (c: Container, o: StorageObject, signal: AbortSignal) => Promise<unknown>;

/** Every kind of call, each given an already-aborted signal. */
const CALLS: Record<string, Call> = {
  getContainer: (c, _o, signal) => c.driver.getContainer(c.name, { signal }),
  createContainer: (c, _o, signal) => c.driver.createContainer(`${c.name}-x`, { signal }),
  listContainers: (c, _o, signal) => c.driver.listContainers({ signal }),
  listObjects: (c, _o, signal) => c.listObjects({ signal }),
  getObject: (c, _o, signal) => c.getObject("present", { signal }),
  uploadObjectViaStream: (c, _o, signal) => c.uploadObjectViaStream("y", "new", { signal }),
  asStream: (_c, o, signal) => o.asStream({ signal }),
  rangeAsStream: (_c, o, signal) => o.rangeAsStream(0, 1, { signal }),
  download: async (_c, o, signal) => o.download(join(await scratchDir(), "x"), { signal }),
  copyTo: (c, o, signal) => o.copyTo(c, "copy", { signal }),
  moveTo: (c, o, signal) => o.moveTo(c, "moved", { signal }),
  delete: (_c, o, signal) => o.delete({ signal }),
  deleteDirectory: (c, _o, signal) => c.deleteDirectory("", { wholeContainer: true, signal }),
  deleteContainer: (c, _o, signal) => c.delete({ signal }),
};

function abortedSignalTests(fixture: Fixture): void {
  for (const [operation, call] of Object.entries(CALLS)) {
    it(`fails ${operation} with an already-aborted signal, changing nothing`, async () => {
      const container = await fixture().newContainer();
      const obj = await put(container, "present", "x");

      const error = await rejects(call(container, obj, AbortSignal.abort()), OperationAbortedError);
      expect(error.code).to.equal("ABORTED");
      expect(error.driver).to.equal(fixture().driver.name);
      expect(await namesIn(container)).to.deep.equal(["present"]);
    });
  }
}

function midwayTests(fixture: Fixture): void {
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

  for (const deleteOnFailure of [true, false]) {
    const title = `keeps a file whole if its download aborts (deleteOnFailure: ${deleteOnFailure})`;
    it(title, async () => {
      const container = await fixture().newContainer();
      const obj = await container.uploadObjectViaStream(generated(6 * MiB).stream, "d.bin");
      const dir = await scratchDir();
      const path = join(dir, "d.bin");
      await writeFile(path, "previous");
      const controller = new AbortController();
      const onProgress = ({ bytes }: Progress) => {
        if (bytes >= MiB) controller.abort();
      };

      const options = { overwriteExisting: true, deleteOnFailure, onProgress };
      await rejects(
        obj.download(path, { ...options, signal: controller.signal }),
        OperationAbortedError,
      );
      expect(await readFile(path, "utf8")).to.equal("previous");
      const left = (await readdir(dir)).filter((name) => name !== "d.bin");
      expect(left.length, left.join(", ")).to.equal(deleteOnFailure ? 0 : 1);
    });
  }
}
