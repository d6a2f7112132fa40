import { access, mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";

import {
  Container,
  ContainerDoesNotExistError,
  ObjectDoesNotExistError,
  ObjectNameConflictError,
} from "@stowage/core";

import { LocalStorageDriver } from "@stowage/local";

import {
  bodyOf,
  listedNames,
  md5,
  failsWith,
  rejectionOf,
  sandbox,
  type Sandbox,
} from "./support.js";

describe("LocalStorageDriver directories (C06)", () => {
  let box: Sandbox;

  beforeEach(async () => {
    box = await sandbox();
  });

  afterEach(() => box.cleanup());

  it("works with the quick start: a directory made by hand is a container", async () => {
    await mkdir(join(box.dir, "upload_dir", "attachment"), { recursive: true });
    const driver = new LocalStorageDriver(join(box.dir, "upload_dir"));
    const container = await driver.getContainer("attachment");
    await container.uploadObjectViaStream("hi", "note.txt");
    expect(await listedNames(container)).to.deep.equal(["note.txt"]);
  });

  it("raises ObjectNameConflictError for `a` then `a/b`, and for `a/b` then `a`", async () => {
    await box.container.uploadObjectViaStream("file", "a");
    const deeper = await rejectionOf(box.container.uploadObjectViaStream("x", "a/b"));
    expect(deeper).to.be.instanceOf(ObjectNameConflictError);
    expect((deeper as ObjectNameConflictError).conflictsWith).to.equal("a");

    await box.container.uploadObjectViaStream("file", "d/e/f");
    const over = await rejectionOf(box.container.uploadObjectViaStream("x", "d/e"));
    expect(over).to.be.instanceOf(ObjectNameConflictError);
    expect((over as ObjectNameConflictError).conflictsWith).to.equal("d/e/");
    const through = await rejectionOf(box.container.uploadObjectViaStream("x", "d/e/f/g"));
    expect((through as ObjectNameConflictError).conflictsWith).to.equal("d/e/f");

    await failsWith(box.container.getObject("a/b"), ObjectDoesNotExistError);
    await failsWith(box.container.getObject("d/e"), ObjectDoesNotExistError);
    expect(await listedNames(box.container)).to.deep.equal(["a", "d/e/f"]);
  });

  it("removes the directories a delete leaves empty, but never the container", async () => {
    const obj = await box.container.uploadObjectViaStream("z", "x/y/z.txt");
    await box.container.uploadObjectViaStream("keep", "k/keep.txt");
    await obj.delete();

    const entries = await readdir(join(box.root, "box"));
    expect(entries.sort()).to.deep.equal([".stowage", "k"]);

    await (await box.container.getObject("k/keep.txt")).delete();
    expect((await readdir(join(box.root, "box"))).sort()).to.deep.equal([".stowage"]);
    await access(join(box.root, "box"));
  });

  it("answers sanely when the root directory does not exist yet", async () => {
    const driver = new LocalStorageDriver(join(box.dir, "not", "yet"));
    expect(await driver.listContainers()).to.deep.equal([]);
    await failsWith(driver.getContainer("box"), ContainerDoesNotExistError);

    const ghost = new Container("box", {}, driver);
    const listing = rejectionOf(driver.listContainerObjects(ghost));
    expect(await listing).to.be.instanceOf(ContainerDoesNotExistError);
    const upload = rejectionOf(driver.uploadObjectViaStream("x", ghost, "a.txt"));
    expect(await upload).to.be.instanceOf(ContainerDoesNotExistError);

    const created = await driver.createContainer("box");
    expect(await listedNames(created)).to.deep.equal([]);
  });

  it("reports a container whose directory was removed, not a raw ENOENT", async () => {
    await rm(join(box.root, "box"), { recursive: true });
    await failsWith(box.container.listObjects(), ContainerDoesNotExistError);
    await failsWith(box.container.getObject("a"), ContainerDoesNotExistError);
  });

  it("survives 100 parallel put/delete pairs under one directory", async () => {
    const pairs = Array.from({ length: 100 }, async (_, i) => {
      const name = `p/q/${i}`;
      const obj = await box.container.uploadObjectViaStream(`v${i}`, name);
      await obj.delete();
      if (i % 2 === 0) await box.container.uploadObjectViaStream(`last${i}`, name);
    });
    await Promise.all(pairs);

    const expected = Array.from({ length: 50 }, (_, i) => `p/q/${i * 2}`).sort();
    expect(await listedNames(box.container)).to.deep.equal(expected);
    for (const name of expected) {
      const obj = await box.container.getObject(name);
      expect((await bodyOf(obj)).toString()).to.equal(`last${name.slice(4)}`);
    }
  });
});

describe("LocalStorageDriver files placed by hand", () => {
  let box: Sandbox;

  beforeEach(async () => {
    box = await sandbox();
  });

  afterEach(() => box.cleanup());

  it("lists and reads `L%3AB.bin` placed by hand under exactly that name (C08)", async () => {
    await writeFile(join(box.root, "box", "L%3AB.bin"), "by hand");
    await mkdir(join(box.root, "box", "dir"));
    await writeFile(join(box.root, "box", "dir", "page.html"), "<p>");

    expect(await listedNames(box.container)).to.deep.equal(["L%3AB.bin", "dir/page.html"]);
    const obj = await box.container.getObject("L%3AB.bin");
    expect((await bodyOf(obj)).toString()).to.equal("by hand");
    expect(obj.hash).to.equal(md5("by hand"));
    expect(obj.contentType).to.equal("application/octet-stream");
    expect(obj.metaData).to.deep.equal({});

    const page = await box.container.getObject("dir/page.html");
    expect(page.contentType).to.equal("text/html");
    await page.delete();
    expect(await listedNames(box.container)).to.deep.equal(["L%3AB.bin"]);
  });

  it("derives the MD5 again when a file is replaced by hand behind the driver's back", async () => {
    const obj = await box.container.uploadObjectViaStream("original", "doc.txt", {
      extra: { metaData: { owner: "ann" } },
    });
    expect(obj.metaData).to.deep.equal({ owner: "ann" });

    await writeFile(join(box.root, "box", "doc.txt"), "edited by hand, longer");
    const edited = await box.container.getObject("doc.txt");
    expect(edited.hash).to.equal(md5("edited by hand, longer"));
    expect(edited.size).to.equal(22);
    expect(edited.metaData).to.deep.equal({});
  });

  it("leaves out links, the reserved directory and files whose names are not UTF-8", async () => {
    await box.container.uploadObjectViaStream("ok", "ok.txt");
    await writeFile(Buffer.from([...Buffer.from(join(box.root, "box") + "/"), 0xff, 0x41]), "bad");
    await mkdir(join(box.root, "box", "empty-dir"));
    await symlink(join(box.root, "box", "ok.txt"), join(box.root, "box", "alias.txt"));

    expect(await listedNames(box.container)).to.deep.equal(["ok.txt"]);
    const prefixes = [];
    for await (const entry of box.container.iterateObjects({ delimiter: "/" })) {
      prefixes.push(entry.name);
    }
    expect(prefixes).to.deep.equal(["ok.txt"]);
  });
});
