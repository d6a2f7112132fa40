import { expect } from "chai";

import { FileAlreadyOwnedError, FileValidationError, FileValue } from "@stowage/file-field";

import type { Harness } from "./harness/types.js";
import { type Storages, rejection } from "./support.js";

/** One lifecycle scenario, run through every adapter. */
export interface Scenario {
  title: string;
  run(h: Harness, s: Storages): Promise<void>;
}

const boom = new Error("boom");

async function expectBoom(promise: Promise<unknown>): Promise<void> {
  expect(await rejection(promise)).to.equal(boom);
}

function one(value: unknown): FileValue {
  expect(value).to.be.instanceOf(FileValue);
  return value as FileValue;
}

export const scenarios: Scenario[] = [
  {
    title:
      "1. a savepoint rolls back after the outer transaction wrote a row: the outer file survives",
    async run(h, s) {
      await h.transaction(async (tx) => {
        await tx.insert({ name: "outer", contentFirst: "outer body" });
        await expectBoom(
          tx.savepoint(async (sp) => {
            await sp.insert({ name: "inner", contentFirst: "inner body" });
            expect(await s.names("first")).to.have.length(2);
            throw boom;
          }),
        );
      });

      const rows = await h.rows();
      expect(rows.map((row) => row.name)).to.deep.equal(["outer"]);
      const file = one(rows[0]!.contentFirst);
      expect(await s.names("first")).to.deep.equal([file.objectName]);
      expect((await file.read()).toString()).to.equal("outer body");
    },
  },
  {
    title:
      "2. a savepoint replaced a file, was released, then the outer rolls back: old kept, new gone",
    async run(h, s) {
      await h.transaction((tx) => tx.insert({ name: "a", contentFirst: "old" }));
      const old = one((await h.rows())[0]!.contentFirst);

      await expectBoom(
        h.transaction(async (tx) => {
          await tx.savepoint((sp) => sp.update("a", { contentFirst: "new" }));
          expect(await s.names("first")).to.have.length(2);
          throw boom;
        }),
      );

      expect(await s.names("first")).to.deep.equal([old.objectName]);
      expect(one((await h.rows())[0]!.contentFirst).objectName).to.equal(old.objectName);
      expect((await old.read()).toString()).to.equal("old");
    },
  },
  {
    title: "3. a transaction that wrote a row is closed without commit: no file is left",
    async run(h, s) {
      await h.closeWithoutCommit(async (tx) => {
        await tx.insert({ name: "a", contentFirst: "first", contentSecond: "second" });
        expect(await s.names("first")).to.have.length(1);
        expect(await s.names("second")).to.have.length(1);
      });

      expect(await h.rows()).to.deep.equal([]);
      expect(await s.names("first")).to.deep.equal([]);
      expect(await s.names("second")).to.deep.equal([]);
    },
  },
  {
    title:
      "4. a list column reassigned keeping some items: kept files stay, dropped ones go on commit",
    async run(h, s) {
      await h.transaction((tx) => tx.insert({ name: "a", documents: ["one", "two", "three"] }));
      const [d1, d2, d3] = (await h.rows())[0]!.documents!;

      await h.transaction(async (tx) => {
        await tx.update("a", { documents: [d1, d3, "four"] });
        expect(await s.names("first")).to.include(d2!.objectName);
      });

      const documents = (await h.rows())[0]!.documents!;
      const bodies = await Promise.all(
        documents.map(async (file) => (await file.read()).toString()),
      );
      expect(bodies).to.deep.equal(["one", "three", "four"]);
      const expected = documents.map((file) => file.objectName).sort();
      expect(await s.names("first")).to.deep.equal(expected);
      expect(expected).to.not.include(d2!.objectName);
    },
  },
  {
    title: "5. a row whose file is already missing from storage is deleted: the commit succeeds",
    async run(h, s) {
      await h.transaction((tx) => tx.insert({ name: "a", contentFirst: "x", contentSecond: "y" }));
      const file = one((await h.rows())[0]!.contentFirst);
      await s.first.deleteObject({ name: file.objectName, container: s.first });

      await h.transaction((tx) => tx.remove("a"));

      expect(await h.rows()).to.deep.equal([]);
      expect(await s.names("first")).to.deep.equal([]);
      expect(await s.names("second")).to.deep.equal([]);
      expect(h.deleter.failedDeletes).to.deep.equal([]);
    },
  },
  {
    title: "6. a processor fails after the original was uploaded: nothing is orphaned",
    async run(h, s) {
      const error = await rejection(
        h.transaction((tx) => tx.insert({ name: "a", picture: "not an image" })),
      );
      expect(error).to.include({ code: "PROCESSOR_FAILED", field: "picture" });
      expect(await s.names("first")).to.deep.equal([]);

      // Caught inside a transaction that commits anyway: the upload is still removed.
      await h.transaction(async (tx) => {
        await rejection(tx.insert({ name: "b", picture: "not an image either" }));
        await tx.insert({ name: "c", contentFirst: "kept" });
      });
      const rows = await h.rows();
      expect(rows.map((row) => row.name)).to.deep.equal(["c"]);
      expect(await s.names("first")).to.deep.equal([one(rows[0]!.contentFirst).objectName]);
    },
  },
  {
    title:
      "7. a stored value copied into a second row is refused; value.copy() stores its own file",
    async run(h, s) {
      await h.transaction((tx) => tx.insert({ name: "a", contentFirst: "shared?" }));
      const original = one((await h.rows())[0]!.contentFirst);

      const error = await rejection(
        h.transaction((tx) => tx.insert({ name: "b", contentFirst: original })),
      );
      expect(error)
        .to.be.instanceOf(FileAlreadyOwnedError)
        .and.include({ code: "FILE_ALREADY_OWNED" });
      expect(error.message).to.include("contentFirst").and.include("copy()");

      await h.transaction((tx) => tx.insert({ name: "b", contentFirst: original.copy() }));
      await h.transaction((tx) => tx.remove("a"));

      const copy = one((await h.rows())[0]!.contentFirst);
      expect(copy.objectName).to.not.equal(original.objectName);
      expect(copy.filename).to.equal(original.filename);
      expect((await copy.read()).toString()).to.equal("shared?");
      expect(await s.names("first")).to.deep.equal([copy.objectName]);
    },
  },
  {
    title:
      "8. two rows written together, the second fails validation: the first row's upload is gone",
    async run(h, s) {
      const rows = [
        { name: "a", contentFirst: "fine" },
        { name: "b", contentFirst: "also fine", contentSecond: Buffer.alloc(2048, 1) },
      ];
      const error = await rejection(h.transaction((tx) => tx.insert(rows)));
      expect(error)
        .to.be.instanceOf(FileValidationError)
        .and.include({ code: "FILE_TOO_LARGE", field: "contentSecond" });
      expect(await s.names("first")).to.deep.equal([]);
      expect(await s.names("second")).to.deep.equal([]);

      // Caught inside a transaction that commits anyway: still nothing is left.
      await h.transaction(async (tx) => void (await rejection(tx.insert(rows))));
      expect(await h.rows()).to.deep.equal([]);
      expect(await s.names("first")).to.deep.equal([]);
    },
  },
];
