import { expect } from "chai";

import { FileDeleter, FileField, NewFile, UnitOfWork, storeFile } from "@stowage/file-field";

import { type Storages, storages } from "./support.js";

/** The ORM-agnostic core, driven by hand as an adapter drives it. */
describe("FileField unit of work", () => {
  let s: Storages;
  let work: UnitOfWork;
  const field = new FileField({ uploadStorage: "first" });
  const store = async (text: string) =>
    (await storeFile(field, "file", new NewFile(text), work.sink())).path;
  const exists = async (path: string) => (await s.names("first")).includes(path.slice(6));

  beforeEach(async () => {
    s = await storages();
    work = new UnitOfWork(new FileDeleter());
  });
  afterEach(() => s.cleanup());

  it("deletes a savepoint's uploads on its rollback and keeps the parent's", async () => {
    work.begin();
    const outer = await store("outer");
    work.begin();
    const inner = await store("inner");
    await work.rollback();

    expect(await exists(inner)).to.equal(false);
    expect(await exists(outer)).to.equal(true);
    await work.commit();
    expect(await exists(outer)).to.equal(true);
    expect(work.depth).to.equal(0);
  });

  it("merges a released savepoint into its parent, whose rollback then deletes its uploads", async () => {
    work.begin();
    work.begin();
    const inner = await store("inner");
    await work.commit();
    expect(await exists(inner)).to.equal(true);

    await work.rollback();
    expect(await exists(inner)).to.equal(false);
  });

  it("deletes files let go only after the outermost commit, and never on rollback", async () => {
    work.begin();
    const kept = await store("kept");
    await work.commit();

    work.begin();
    work.letGo([kept]);
    await work.rollback();
    expect(await exists(kept)).to.equal(true);

    work.begin();
    work.begin();
    work.letGo([kept]);
    await work.commit();
    expect(await exists(kept)).to.equal(true);
    await work.commit();
    expect(await exists(kept)).to.equal(false);
  });

  it("refuses uploads outside a transaction", () => {
    expect(() => work.sink())
      .to.throw()
      .with.property("code", "TRANSACTION_REQUIRED");
  });
});
