import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";

import {
  InvalidArgumentError,
  ObjectDoesNotExistError,
  StorageAlreadyRegisteredError,
  StorageManager,
  UnknownStorageError,
  type Container,
} from "@stowage/core";
import { LocalStorageDriver } from "@stowage/local";
import { expect } from "chai";

let root: string;
let driver: LocalStorageDriver;
let first: Container;
let second: Container;

/** Two fresh local containers, "first" and "second", and a clean process-wide manager. */
function useLocalStorages(): void {
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "stowage-manager-"));
    driver = new LocalStorageDriver(root);
    first = await driver.createContainer("first");
    second = await driver.createContainer("second");
  });

  afterEach(async () => {
    StorageManager.clear();
    await rm(root, { recursive: true, force: true });
  });
}

/** The same, added to the process-wide manager in that order. */
function useAddedStorages(): void {
  useLocalStorages();
  beforeEach(() => {
    StorageManager.addStorage("first", first);
    StorageManager.addStorage("second", second);
  });
}

describe("StorageManager registry", () => {
  useLocalStorages();

  it("makes the first storage added the default, until setDefault", () => {
    const manager = new StorageManager();
    manager.addStorage("first", first);
    manager.addStorage("second", second);

    expect(manager.getDefault()).to.equal("first");
    expect(manager.get()).to.equal(first);
    manager.setDefault("second");
    expect(manager.getDefault()).to.equal("second");
    expect(manager.get()).to.equal(second);
    expect(manager.get("first")).to.equal(first);
  });

  it("refuses unknown names", () => {
    const manager = new StorageManager();
    expect(() => manager.getDefault()).to.throw(UnknownStorageError);
    manager.addStorage("first", first);
    expect(() => manager.get("nope")).to.throw(UnknownStorageError);
    expect(() => manager.setDefault("nope")).to.throw(UnknownStorageError);
  });

  it("refuses another container under a taken name; the same one is a no-op", async () => {
    const manager = new StorageManager();
    manager.addStorage("files", first);
    manager.addStorage("files", first);
    manager.addStorage("files", await driver.getContainer("first"));

    expect(() => manager.addStorage("files", second)).to.throw(StorageAlreadyRegisteredError);
    expect(manager.get("files")).to.equal(first);
  });

  it("refuses storage names that would break a file's path", () => {
    const manager = new StorageManager();
    for (const bad of ["", "a/b", "with space", "ünï"]) {
      expect(() => manager.addStorage(bad, first), bad).to.throw(InvalidArgumentError);
    }
  });

  it("keeps instances independent of the process-wide one", () => {
    const manager = new StorageManager();
    manager.addStorage("first", first);
    expect(StorageManager.names()).to.deep.equal([]);
    StorageManager.addStorage("second", second);
    expect(manager.names()).to.deep.equal(["first"]);
    expect(StorageManager.getDefault()).to.equal("second");
  });
});

describe("StorageManager files", () => {
  useAddedStorages();

  const contents: Record<string, [() => Buffer | string | Readable, string]> = {
    "a Buffer": [() => Buffer.from("buffer bytes"), "buffer bytes"],
    "a string": [() => "string bytes, ünïcode", "string bytes, ünïcode"],
    "a stream": [
      () => Readable.from([Buffer.from("stream "), Buffer.from("bytes")]),
      "stream bytes",
    ],
  };

  for (const [kind, [make, expected]] of Object.entries(contents)) {
    it(`saves, gets and deletes ${kind}`, async () => {
      const saved = await StorageManager.saveFile("notes/a.txt", make());
      expect(saved.path).to.equal("first/notes/a.txt");
      expect(saved.size).to.equal(Buffer.byteLength(expected));

      const got = await StorageManager.getFile(saved.path);
      expect((await got.read()).toString()).to.equal(expected);
      expect(got.contentType).to.equal("text/plain");

      await StorageManager.deleteFile(saved.path);
      await expectMissing(saved.path);
    });
  }

  it("saves a file from a path into a named storage", async () => {
    const source = join(root, "source.csv");
    await writeFile(source, "a,b\n1,2\n");

    const saved = await StorageManager.saveFile("data.csv", undefined, {
      contentPath: source,
      uploadStorage: "second",
    });
    expect(saved.path).to.equal("second/data.csv");
    expect(saved.size).to.equal(8);
    expect((await (await StorageManager.getFile("second/data.csv")).read()).toString()).to.equal(
      "a,b\n1,2\n",
    );
  });

  it("works the same on an instance, apart from the process-wide one", async () => {
    const manager = new StorageManager();
    manager.addStorage("mine", second);

    const saved = await manager.saveFile("own.txt", "own");
    expect(saved.path).to.equal("mine/own.txt");
    expect((await (await manager.getFile(saved.path)).read()).toString()).to.equal("own");
    await manager.deleteFile(saved.path);
    expect(await second.objectExists("own.txt")).to.equal(false);
    expect(() => StorageManager.get("mine")).to.throw(UnknownStorageError);
  });

  it("saves to the default storage as it is at write time", async () => {
    StorageManager.setDefault("second");
    const saved = await StorageManager.saveFile("late.txt", "x");
    expect(saved.storageName).to.equal("second");
  });
});

describe("StorageManager refusals and missing files", () => {
  useAddedStorages();

  it("refuses an unknown storage, and content given twice or not at all", async () => {
    const saves = [
      StorageManager.saveFile("x.txt", "x", { uploadStorage: "third" }),
      StorageManager.saveFile("x.txt", "x", { contentPath: join(root, "any") }),
      StorageManager.saveFile("x.txt", undefined),
    ];
    const errors = await Promise.all(saves.map((save) => save.catch((e: unknown) => e)));

    expect(errors[0]).to.be.instanceOf(UnknownStorageError);
    expect(errors[1]).to.be.instanceOf(InvalidArgumentError);
    expect(errors[2]).to.be.instanceOf(InvalidArgumentError);
    expect(await first.listObjects()).to.deep.equal([]);
  });

  it("raises ObjectDoesNotExistError for a missing file", async () => {
    await expectMissing("first/never-saved.txt");
  });

  it("deletes a missing file without error", async () => {
    await StorageManager.deleteFile("first/never-saved.txt");
  });

  it("refuses paths that name no storage", async () => {
    for (const bad of ["no-slash", "/lead", "first/", "nope/x.txt"]) {
      let failed = false;
      await StorageManager.getFile(bad).catch(() => (failed = true));
      expect(failed, bad).to.equal(true);
    }
  });
});

async function expectMissing(path: string) {
  let error: unknown;
  await StorageManager.getFile(path).catch((e) => (error = e));
  expect(error).to.be.instanceOf(ObjectDoesNotExistError);
}
