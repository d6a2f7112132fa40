import { expect } from "chai";

import { StorageManager, UnknownStorageError } from "@stowage/core";
import { type DeleteFailure, FileValue } from "@stowage/file-field";

import type { Scenario } from "./scenarios.js";
import { png, rejection } from "./support.js";

function one(value: unknown): FileValue {
  expect(value).to.be.instanceOf(FileValue);
  return value as FileValue;
}

/** Lifecycle rules beyond the eight numbered cases, run through every adapter as well. */
export const moreScenarios: Scenario[] = [
  {
    title: "a replaced file is deleted after the commit, not before",
    async run(h, s) {
      await h.transaction((tx) => tx.insert({ name: "a", contentFirst: "v1" }));
      const old = one((await h.rows())[0]!.contentFirst);

      await h.transaction(async (tx) => {
        await tx.update("a", { contentFirst: "v2" });
        expect(await s.names("first")).to.include(old.objectName);
      });

      const current = one((await h.rows())[0]!.contentFirst);
      expect(await s.names("first")).to.deep.equal([current.objectName]);
      expect((await current.read()).toString()).to.equal("v2");
    },
  },
  {
    title: "a deleted row's files, derived ones included, go after the commit",
    async run(h, s) {
      const image = await png(64, 48);
      await h.transaction((tx) => tx.insert({ name: "a", picture: image, contentSecond: "s" }));
      const picture = one((await h.rows())[0]!.picture);
      const thumb = one(picture.derived.thumbnail);
      expect(thumb.info).to.deep.equal({ width: 16, height: 12 });
      expect(await s.names("first")).to.deep.equal([picture.objectName, thumb.objectName].sort());

      await h.transaction(async (tx) => {
        await tx.remove("a");
        expect(await s.names("first")).to.have.length(2);
      });
      expect(await s.names("first")).to.deep.equal([]);
      expect(await s.names("second")).to.deep.equal([]);
    },
  },
  {
    title: "a delete that fails after commit is reported, does not throw, and can be retried",
    async run(h, s) {
      await h.transaction((tx) => tx.insert({ name: "a", contentFirst: "x" }));
      const file = one((await h.rows())[0]!.contentFirst);
      const reported: DeleteFailure[] = [];
      const stop = h.deleter.onDeleteFailed((failure) => reported.push(failure));

      StorageManager.clear();
      StorageManager.addStorage("second", s.second);
      await h.transaction((tx) => tx.remove("a"));
      stop();

      expect(await h.rows()).to.deep.equal([]);
      expect(reported.map((f) => f.path)).to.deep.equal([file.path]);
      expect(reported[0]!.error).to.be.instanceOf(UnknownStorageError);
      expect(h.deleter.failedDeletes).to.have.length(1);

      StorageManager.addStorage("first", s.first);
      expect(await h.deleter.retryFailed()).to.equal(0);
      expect(await s.names("first")).to.deep.equal([]);
    },
  },
  {
    title: "a row updated without touching its file columns keeps its files as they are",
    async run(h, s) {
      const picture = await png(32, 32);
      await h.transaction((tx) =>
        tx.insert({ name: "a", contentFirst: "x", documents: ["d1", "d2"], picture }),
      );
      const before = (await h.rows())[0]!;
      const files = await s.names("first");

      await h.transaction((tx) => tx.update("a", { name: "renamed" }));

      const after = (await h.rows())[0]!;
      expect(after.name).to.equal("renamed");
      expect(await s.names("first")).to.deep.equal(files);
      expect(after.contentFirst!.toJSON()).to.deep.equal(before.contentFirst!.toJSON());
      expect(after.picture!.toJSON()).to.deep.equal(before.picture!.toJSON());
      expect(after.documents!.map((d) => d.objectName)).to.deep.equal(
        before.documents!.map((d) => d.objectName),
      );
      expect(h.deleter.failedDeletes).to.deep.equal([]);
    },
  },
  {
    title: "a statement that fails (a duplicate name) rolls back with every upload of its save",
    async run(h, s) {
      await h.transaction((tx) => tx.insert({ name: "a", contentFirst: "original" }));
      const original = one((await h.rows())[0]!.contentFirst);

      const error = await rejection(
        h.transaction(async (tx) => {
          await tx.insert({ name: "b", contentFirst: "b's file" });
          await tx.insert({ name: "a", contentFirst: "duplicate", contentSecond: "too" });
        }),
      );
      // Drizzle's async drivers wrap the database's error as the cause of their own.
      const cause = (error.cause as Error | undefined)?.message ?? "";
      expect(`${error.message} ${cause}`).to.match(/UNIQUE constraint failed/);
      expect((await h.rows()).map((row) => row.name)).to.deep.equal(["a"]);
      expect(await s.names("first")).to.deep.equal([original.objectName]);
      expect(await s.names("second")).to.deep.equal([]);
    },
  },
  {
    title: "a commit the database refuses (a deferred foreign key) deletes the uploads",
    async run(h, s) {
      const error = await rejection(
        h.transaction(async (tx) => {
          await tx.insert({ name: "a", contentFirst: "first", documents: ["in a list"] });
          await tx.sql("insert into note (id, attachment_id) values (1, 999)");
        }),
      );
      expect(error.message).to.match(/FOREIGN KEY constraint failed|commit/i);
      expect(await h.rows()).to.deep.equal([]);
      expect(await s.names("first")).to.deep.equal([]);

      // The connection is usable again: the refused transaction did not stay open.
      await h.transaction((tx) => tx.insert({ name: "b", contentFirst: "next" }));
      expect((await h.rows()).map((row) => row.name)).to.deep.equal(["b"]);
    },
  },
  {
    title: "a column without uploadStorage uses the default storage at write time",
    async run(h, s) {
      await h.transaction((tx) => tx.insert({ name: "a", documents: ["in first"] }));
      StorageManager.setDefault("second");
      await h.transaction((tx) => tx.insert({ name: "b", documents: ["in second"] }));

      const [a, b] = await h.rows();
      expect(a!.documents![0]!.storage).to.equal("first");
      expect(b!.documents![0]!.storage).to.equal("second");
      expect(await s.names("second")).to.deep.equal([b!.documents![0]!.objectName]);
      expect((await a!.documents![0]!.read()).toString()).to.equal("in first");
    },
  },
];
