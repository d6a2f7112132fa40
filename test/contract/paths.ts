// Names that look like paths: a "directory" is never an object, deleting the last object
// under a prefix leaves no trace of it, and `a` beside `a/b` either works or is the typed
// conflict (C06), never a raw filesystem error.
import { ObjectDoesNotExistError, ObjectNameConflictError, StoragePrefix } from "@stowage/core";
import { expect } from "chai";

import { namesIn, put, read, rejects, type Fixture } from "./support.js";

export function pathTests(fixture: Fixture): void {
  describe("path-like names", () => {
    directoryTests(fixture);
    conflictTests(fixture);
  });
}

function directoryTests(fixture: Fixture): void {
  it("never takes a directory for an object", async () => {
    const container = await fixture().newContainer();
    await put(container, "dir/file.txt", "inside");

    expect(await container.objectExists("dir")).to.equal(false);
    await rejects(container.getObject("dir"), ObjectDoesNotExistError);
    await container.deleteObject({ name: "dir", container });
    expect(await namesIn(container)).to.deep.equal(["dir/file.txt"]);
  });

  it("leaves no prefix behind once the last object under it is deleted (C06)", async () => {
    const container = await fixture().newContainer();
    await put(container, "keep.txt", "x");
    const deep = await put(container, "x/y/z.txt", "x");

    await deep.delete();
    const entries: string[] = [];
    for await (const e of container.iterateObjects({ delimiter: "/" })) {
      entries.push(e instanceof StoragePrefix ? `prefix:${e.name}` : e.name);
    }
    expect(entries).to.deep.equal(["keep.txt"]);
    expect(await namesIn(container, "x/")).to.deep.equal([]);
  });

  it("groups by any one-character delimiter, not only '/'", async () => {
    const container = await fixture().newContainer();
    for (const name of ["2024-01-a", "2024-01-b", "2024-02-a", "2024x"])
      await put(container, name, name);

    const entries: string[] = [];
    for await (const e of container.iterateObjects({ prefix: "2024-", delimiter: "-" })) {
      entries.push(e instanceof StoragePrefix ? `prefix:${e.name}` : e.name);
    }
    expect(entries).to.deep.equal(["prefix:2024-01-", "prefix:2024-02-"]);
  });
}

/**
 * Stores `first` then `second`. Either both are kept, or the second is refused with
 * ObjectNameConflictError naming the first, which stays whole.
 */
async function storeBoth(fixture: Fixture, first: string, second: string): Promise<void> {
  const container = await fixture().newContainer();
  await put(container, first, "first");

  try {
    await put(container, second, "second");
  } catch (error) {
    expect(error, `${second} after ${first}`).to.be.instanceOf(ObjectNameConflictError);
    expect((error as ObjectNameConflictError).objectName).to.equal(second);
    expect(await namesIn(container)).to.deep.equal([first]);
    return void expect((await read(container, first)).toString()).to.equal("first");
  }
  expect(await namesIn(container)).to.deep.equal([first, second].sort());
  expect((await read(container, first)).toString()).to.equal("first");
  expect((await read(container, second)).toString()).to.equal("second");
}

function conflictTests(fixture: Fixture): void {
  it("stores 'a' then 'a/b', or refuses the second with ObjectNameConflictError (C06)", () =>
    storeBoth(fixture, "a", "a/b"));

  it("stores 'a/b' then 'a', or refuses the second with ObjectNameConflictError (C06)", () =>
    storeBoth(fixture, "a/b", "a"));
}
