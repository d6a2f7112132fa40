import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import fc from "fast-check";

import { InvalidObjectNameError, StorageError, StorageObject, type Container } from "@stowage/core";

import {
  bodyOf,
  listedNames,
  failsWith,
  rejectionOf,
  sandbox,
  snapshot,
  type Sandbox,
} from "./support.js";
import { nameSets } from "../../../test/support/cases.js";

const names = nameSets as unknown as Record<string, string[]>;

/** An object reference for a name that was never stored, to reach get/download/delete. */
function ref(container: Container, name: string): StorageObject {
  const init = { name, size: 6, hash: "", hashAlgorithm: "md5" as const, contentType: "text/x" };
  return new StorageObject(init, container);
}

/** A sandbox with files outside the container that no call may read, change or delete. */
async function guarded(): Promise<Sandbox & { outside: string }> {
  const box = await sandbox();
  const outside = join(box.dir, "outside");
  await mkdir(outside);
  await writeFile(join(box.dir, "sentinel.txt"), "secret");
  await writeFile(join(box.dir, "escape.txt"), "secret");
  await writeFile(join(box.root, "escape.txt"), "secret");
  await writeFile(join(outside, "target.txt"), "secret");
  await symlink(outside, join(box.root, "box", "out"));
  await symlink(join(outside, "target.txt"), join(box.root, "box", "out.txt"));
  await symlink("..", join(box.root, "box", "up"));
  return { ...box, outside };
}

describe("LocalStorageDriver names", () => {
  let box: Awaited<ReturnType<typeof guarded>>;

  beforeEach(async () => {
    box = await guarded();
  });

  afterEach(() => box.cleanup());

  it("refuses every name under `reject` before touching the disk (C01)", async () => {
    const before = await snapshot(box.dir);
    const destination = join(box.dir, "download.bin");

    for (const name of names.reject!) {
      const calls = [
        box.container.uploadObjectViaStream("payload", name),
        box.driver.uploadObject(join(box.dir, "sentinel.txt"), box.container, name),
        box.container.getObject(name),
        box.driver.downloadObject(ref(box.container, name), destination),
        box.driver.downloadObjectAsStream(ref(box.container, name)),
        box.driver.deleteObject(ref(box.container, name)),
      ];
      for (const call of calls) {
        const error = await rejectionOf(call);
        expect(error, JSON.stringify(name)).to.be.instanceOf(InvalidObjectNameError);
      }
    }

    // Not even the reserved directory was created: the names were refused before any I/O.
    expect(await snapshot(box.dir)).to.deep.equal(before);
  });

  it("refuses to write, read or delete through a symbolic link that leads outside", async () => {
    const before = await snapshot(box.dir);

    for (const name of ["out/target.txt", "out/new.txt", "out.txt"]) {
      const upload = rejectionOf(box.container.uploadObjectViaStream("overwrite", name));
      expect(await upload, name).to.be.instanceOf(InvalidObjectNameError);
      await failsWith(box.container.getObject(name), InvalidObjectNameError, name);
      const read = rejectionOf(box.driver.downloadObjectAsStream(ref(box.container, name)));
      expect(await read, name).to.be.instanceOf(InvalidObjectNameError);
      const deletion = rejectionOf(box.driver.deleteObject(ref(box.container, name)));
      expect(await deletion, name).to.be.instanceOf(InvalidObjectNameError);
    }

    const after = await snapshot(box.dir);
    for (const [path, entry] of before) {
      const ours = path === "./root/box" || path.startsWith("./root/box/.stowage");
      if (!ours) expect(after.get(path), path).to.equal(entry);
    }
    expect(await listedNames(box.container)).to.deep.equal([]);
  });

  it("refuses a symbolic link inside the container even when it points back inside", async () => {
    await box.container.uploadObjectViaStream("inner", "real/file.txt");
    await symlink(join(box.root, "box", "real"), join(box.root, "box", "alias"));

    const error = await rejectionOf(box.container.getObject("alias/file.txt"));
    expect(error).to.be.instanceOf(InvalidObjectNameError);
    expect((error as InvalidObjectNameError).reason).to.match(/symbolic link/);
    expect(await listedNames(box.container)).to.deep.equal(["real/file.txt"]);
  });

  it("reserves the .stowage directory in every case", () => {
    const reserved = [".stowage", ".stowage/meta/x", ".STOWAGE/y", ".Stowage", ".\u017ftowage/x"];
    for (const name of reserved) {
      const problem = box.driver.objectNameProblem(name);
      expect(problem, name).to.match(/reserved/);
    }
    expect(box.driver.objectNameProblem("a/.stowage/x")).to.equal(undefined);
    expect(box.driver.objectNameProblem(".stowage-not")).to.equal(undefined);
  });

  it("refuses a segment longer than 255 bytes, naming the limit", async () => {
    const long = "é".repeat(128);
    const error = await rejectionOf(box.container.uploadObjectViaStream("x", `dir/${long}`));
    expect(error).to.be.instanceOf(InvalidObjectNameError);
    expect((error as InvalidObjectNameError).reason).to.match(/256 bytes.*at most 255 bytes/);

    const fits = "x".repeat(255);
    const obj = await box.container.uploadObjectViaStream("fits", `${fits}/${fits}`);
    expect((await bodyOf(obj)).toString()).to.equal("fits");
  });

  it("round-trips every roundtrip, awkward and percent name exactly", async () => {
    const all = [...names.roundtrip!, ...names.awkward!, ...names.percent!];
    for (const name of all) await box.container.uploadObjectViaStream(`body of ${name}`, name);

    const listed = await listedNames(box.container);
    expect(listed).to.deep.equal([...new Set(all)].sort());
    for (const name of listed) {
      const obj = await box.container.getObject(name);
      expect((await bodyOf(obj)).toString(), JSON.stringify(name)).to.equal(`body of ${name}`);
    }
  });

  it("keeps a backslash as an ordinary character of one file name", async () => {
    await box.container.uploadObjectViaStream("slash", "back\\slash");
    const text = await readFile(join(box.root, "box", "back\\slash"), "utf8");
    expect(text).to.equal("slash");
  });
});

/** Segments chosen to escape, alias or hit the driver's own files. */
const hostileSegment = fc.oneof(
  fc.constantFrom("..", ".", "", "\\", "..\\..", ".stowage", ".STOWAGE", "meta", "tmp"),
  fc.constantFrom("out", "out.txt", "escape.txt", "sentinel.txt", "root", "box", "\0", "%2e%2e"),
  fc.constantFrom("é", "e\u0301", "x".repeat(256), "é".repeat(128), "a", "a b", " "),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "grapheme", maxLength: 4 }),
);

const linkedName = fc
  .tuple(fc.constantFrom("out", "out.txt", "up"), fc.array(hostileSegment, { maxLength: 3 }))
  .map(([link, segments]) => [link, ...segments].join("/"));

const hostileName = fc.oneof(
  fc.array(hostileSegment, { minLength: 1, maxLength: 5 }).map((segments) => segments.join("/")),
  linkedName,
  fc.array(hostileSegment, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join("/")}`),
  fc.string({ maxLength: 12 }),
);

describe("LocalStorageDriver with generated hostile names", () => {
  let box: Awaited<ReturnType<typeof guarded>>;
  let outsideBefore: Map<string, string>;

  before(async () => {
    box = await guarded();
    await box.container.uploadObjectViaStream("source", "source.txt");
    outsideBefore = outsideOf(await snapshot(box.dir));
  });

  after(() => box.cleanup());

  /** The tree without the container's own directory: what no call may change. */
  function outsideOf(tree: Map<string, string>): Map<string, string> {
    const links = ["./root/box/out", "./root/box/out.txt", "./root/box/up"];
    const inside = (path: string) => path === "./root/box" || path.startsWith("./root/box/");
    return new Map([...tree].filter(([path]) => !inside(path) || links.includes(path)));
  }

  /** Runs one call: it may fail, but only with a StorageError, and it must leave outside alone. */
  async function attempt(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      expect(error, String(error)).to.be.instanceOf(StorageError);
    }
    expect(outsideOf(await snapshot(box.dir))).to.deep.equal(outsideBefore);
  }

  it("never writes, reads or deletes outside the container", async function () {
    this.timeout(120_000);
    const source = await box.container.getObject("source.txt");

    await fc.assert(
      fc.asyncProperty(hostileName, async (name) => {
        await attempt(() => box.container.uploadObjectViaStream("hostile", name));
        await attempt(async () => {
          const body = await bodyOf(await box.container.getObject(name));
          expect(body.toString()).to.not.equal("secret");
        });
        await attempt(() => source.copyTo(box.container, name));
        await attempt(() => box.driver.deleteObject(ref(box.container, name)));
      }),
      { numRuns: 400 },
    );
  });
});
