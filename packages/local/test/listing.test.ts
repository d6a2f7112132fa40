import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { expect } from "chai";

import { forEachLimited, type StorageObject, type StoragePrefix } from "@stowage/core";

import { listedNames, sandbox, type Sandbox } from "./support.js";

/** Names whose order differs between per-segment and full-name sorting. */
const TRICKY = ["a-c", "a.d", "a0", "a/b-c", "a/b/c", "a/b.c", "b", "a+b", "A", "é", "e\u0301"];

async function entries(iterable: AsyncIterable<StorageObject | StoragePrefix>): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of iterable) names.push(entry.name);
  return names;
}

/** A garbage collector to call, so that heap measurements see only what is still held. */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

describe("LocalStorageDriver listing", () => {
  let box: Sandbox;

  beforeEach(async () => {
    box = await sandbox();
  });

  afterEach(() => box.cleanup());

  async function store(names: string[]): Promise<void> {
    for (const name of names) await box.container.uploadObjectViaStream(name, name);
  }

  it("lists in full-name order, where `a-c` comes before `a/b`", async () => {
    await store(TRICKY);
    expect(await listedNames(box.container)).to.deep.equal([...TRICKY].sort());
  });

  it("selects by any prefix, also one that ends inside a segment", async () => {
    const names = ["reports/2024-old/b", "reports/2024/a", "reports/20245", "reports/x"];
    await store(names);

    expect(await listedNames(box.container, "reports/2024")).to.deep.equal(names.slice(0, 3));
    expect(await listedNames(box.container, "reports/2024/")).to.deep.equal(["reports/2024/a"]);
    const dashed = await listedNames(box.container, "reports/2024-");
    expect(dashed).to.deep.equal(["reports/2024-old/b"]);
    expect(await listedNames(box.container, "nothing/")).to.deep.equal([]);
    expect(await listedNames(box.container, ".stowage/")).to.deep.equal([]);
  });

  it("groups by the delimiter in name order, with no group for an empty directory", async () => {
    await store(["a-c", "a/b/c", "a/d", "ab", "x/y/z"]);
    await mkdir(join(box.root, "box", "empty", "deeper"), { recursive: true });

    const top = await entries(box.container.iterateObjects({ delimiter: "/" }));
    expect(top).to.deep.equal(["a-c", "a/", "ab", "x/"]);
    const inner = await entries(box.container.iterateObjects({ prefix: "a/", delimiter: "/" }));
    expect(inner).to.deep.equal(["a/b/", "a/d"]);
  });

  it("groups by a delimiter of several characters", async () => {
    await store(["log--2024--a", "log--2024--b", "log--2025", "log-x"]);
    const query = { prefix: "log--", delimiter: "--" };
    const groups = await entries(box.container.iterateObjects(query));
    expect(groups).to.deep.equal(["log--2024--", "log--2025"]);
  });

  it("lists 100,000 objects in order with bounded memory", async function () {
    this.timeout(60_000);
    const gc = collector();
    const dirs = ["d", "d-x", "d.y", "e"];
    for (const dir of dirs) await mkdir(join(box.root, "box", dir));
    const files = Array.from({ length: 100_000 }, (_, i) => `${dirs[i % 4]}/f${i}`);
    await forEachLimited(files, 64, (name) => writeFile(join(box.root, "box", name), ""));
    files.length = 0;

    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let previous = "";
    for await (const obj of box.container.iterateObjects()) {
      expect(obj.name > previous, `${previous} < ${obj.name}`).to.equal(true);
      previous = obj.name;
      if (++count % 10_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }

    expect(count).to.equal(100_000);
    // Holding every StorageObject of this listing takes about 33 MiB; a lazy walk holds one
    // sorted directory per level (about 4 MiB here).
    expect(peak).to.be.below(16 * 1024 * 1024);
  });
});
