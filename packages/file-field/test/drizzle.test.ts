import { join } from "node:path";

import { expect } from "chai";
import { inArray } from "drizzle-orm";

import { InvalidFileValueError } from "@stowage/file-field";
import { beginFileTransaction, fileTransaction } from "@stowage/file-field/drizzle";

import { DrizzleHarness, attachment } from "./harness/drizzle.js";
import { type Storages, rejection, storages } from "./support.js";

describe("FileField Drizzle adapter specifics", () => {
  let s: Storages;
  let h: DrizzleHarness;

  beforeEach(async () => {
    s = await storages();
    h = new DrizzleHarness("sync");
    await h.open(join(s.dir, "db.sqlite"));
  });

  afterEach(async () => {
    await h.close();
    await s.cleanup();
  });

  it("removes the uploads of an insert whose statement fails, though the tx commits", async () => {
    await h.transaction((tx) => tx.insert({ name: "taken", contentFirst: "one" }));
    await fileTransaction(h.database, async (t) => {
      const error = await rejection(t.insert(attachment, { name: "taken", contentFirst: "two" }));
      expect(error.message).to.match(/UNIQUE/);
    });
    const rows = await h.rows();
    expect(await s.names("first")).to.deep.equal([rows[0]!.contentFirst!.objectName]);
  });

  it("refuses to open inside a Drizzle transaction, whose commit it could not see", async () => {
    const outer = new DrizzleHarness("async");
    await outer.open(join(s.dir, "outer.sqlite"));
    try {
      const error = await rejection(
        outer.database.transaction(async (tx: unknown) =>
          fileTransaction(tx, (t) => t.insert(attachment, { name: "a", contentFirst: "x" })),
        ),
      );
      expect(error).to.include({ code: "OUTER_TRANSACTION_UNSEEN" });
      expect(error.message).to.include("fileTransaction(db, ...)");
      expect(await outer.rows()).to.deep.equal([]);
      expect(await s.names("first")).to.deep.equal([]);
    } finally {
      await outer.close();
    }
  });

  it("refuses to give one new file to several rows", async () => {
    await h.transaction((tx) => tx.insert([{ name: "a" }, { name: "b" }]));
    const error = await rejection(
      fileTransaction(h.database, (t) =>
        t.update(attachment, inArray(attachment.name, ["a", "b"]), { contentFirst: "x" }),
      ),
    );
    expect(error).to.include({ code: "INVALID_FILE_VALUE" });
    expect(await s.names("first")).to.deep.equal([]);
  });

  it("clears a file column on several rows, deleting each row's file after commit", async () => {
    await h.transaction((tx) =>
      tx.insert([
        { name: "a", contentFirst: "1" },
        { name: "b", contentFirst: "2" },
      ]),
    );
    await fileTransaction(h.database, (t) =>
      t.update(attachment, undefined, { contentFirst: null }),
    );
    expect(await s.names("first")).to.deep.equal([]);
  });

  it("refuses a file written around the FileTransaction, with a clear error", async () => {
    const error = await rejection(
      Promise.resolve().then(() =>
        h.database.insert(attachment).values({ name: "a", contentFirst: "x" }).run(),
      ),
    );
    expect(error).to.be.instanceOf(InvalidFileValueError);
    expect(error.message).to.include("FileTransaction");
  });

  it("refuses to finish a transaction twice", async () => {
    const t = await beginFileTransaction(h.database);
    await t.commit();
    expect(await rejection(t.commit())).to.include({ code: "TRANSACTION_REQUIRED" });
    await t.close();
  });
});
