import { join } from "node:path";

import { expect } from "chai";

import { FileValue, TransactionRequiredError } from "@stowage/file-field";

import { Attachment, TypeOrmHarness } from "./harness/typeorm.js";
import { type Storages, rejection, storages } from "./support.js";

describe("FileField TypeORM adapter specifics", () => {
  let s: Storages;
  let h: TypeOrmHarness;

  beforeEach(async () => {
    s = await storages();
    h = new TypeOrmHarness();
    await h.open(join(s.dir, "db.sqlite"));
  });

  afterEach(async () => {
    await h.close();
    await s.cleanup();
  });

  const make = (fields: Partial<Attachment>) => Object.assign(new Attachment(), fields);

  it("leaves the stored value on the saved entity", async () => {
    const row = make({ name: "a", contentFirst: "body" });
    await h.source.manager.save(row);
    expect(row.contentFirst).to.be.instanceOf(FileValue);
    expect((await (row.contentFirst as FileValue).read()).toString()).to.equal("body");
  });

  it("refuses new files saved outside a transaction, storing nothing", async () => {
    const error = await rejection(
      h.source.manager.save(make({ name: "a", contentFirst: "x" }), { transaction: false }),
    );
    expect(error)
      .to.be.instanceOf(TransactionRequiredError)
      .and.include({ code: "TRANSACTION_REQUIRED" });
    expect(await s.names("first")).to.deep.equal([]);
    expect(await h.rows()).to.deep.equal([]);
  });

  it("deletes a row's files right after a remove outside a transaction", async () => {
    const row = make({ name: "a", contentFirst: "x" });
    await h.source.manager.save(row);
    await h.source.manager.remove(row, { transaction: false });
    expect(await s.names("first")).to.deep.equal([]);
  });

  it("stores new files of a QueryBuilder update, leaving the replaced file to the sweeper", async () => {
    await h.transaction((tx) => tx.insert({ name: "a", contentFirst: "old" }));
    const old = (await h.rows())[0]!.contentFirst!;

    await h.source.transaction((m) => m.update(Attachment, { name: "a" }, { contentFirst: "new" }));

    const current = (await h.rows())[0]!.contentFirst!;
    expect((await current.read()).toString()).to.equal("new");
    expect(await s.names("first")).to.deep.equal([old.objectName, current.objectName].sort());
  });

  it("undoes only the inner of two nested savepoints", async () => {
    await h.transaction(async (tx) => {
      await tx.savepoint(async (sp) => {
        await sp.insert({ name: "middle", contentFirst: "middle" });
        await rejection(
          sp.savepoint(async (inner) => {
            await inner.insert({ name: "inner", contentFirst: "inner" });
            throw new Error("inner fails");
          }),
        );
      });
    });
    const rows = await h.rows();
    expect(rows.map((row) => row.name)).to.deep.equal(["middle"]);
    expect(await s.names("first")).to.deep.equal([rows[0]!.contentFirst!.objectName]);
  });

  it("deletes a file uploaded and replaced in the same transaction after its commit", async () => {
    await h.transaction(async (tx) => {
      await tx.insert({ name: "a", contentFirst: "draft" });
      await tx.update("a", { contentFirst: "final" });
      expect(await s.names("first")).to.have.length(2);
    });
    const file = (await h.rows())[0]!.contentFirst!;
    expect(await s.names("first")).to.deep.equal([file.objectName]);
    expect((await file.read()).toString()).to.equal("final");
  });
});
