import {
  ContainerDoesNotExistError,
  InvalidArgumentError,
  ObjectNameConflictError,
  StorageObject,
  StoragePrefix,
  type Container,
} from "@stowage/core";
import { expect } from "chai";

import { eachLimited, md5, namesIn, put, rejects, type Fixture } from "./support.js";

/** Every entry of an iterable. */
async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const TREE = ["a.txt", "a/b.txt", "a/c/d.txt", "a-z.txt", "b.txt", "a/b/e.txt", "ab.txt", "z"];

const REPORTS = [
  "reports/2024/a.csv",
  "reports/2024-old/b.csv",
  "reports/20245.csv",
  "reports/2024",
];

/**
 * Stores the C15 objects in order and returns the names stored. A filesystem cannot hold
 * both `reports/2024` and `reports/2024/a.csv`; a driver that refuses the second with the
 * documented ObjectNameConflictError passes with the names it could store.
 */
async function storeReports(container: Container): Promise<string[]> {
  const stored: string[] = [];
  for (const name of REPORTS) {
    try {
      await put(container, name, name);
      stored.push(name);
    } catch (error) {
      if (!(error instanceof ObjectNameConflictError)) throw error;
    }
  }
  expect(stored).to.include("reports/2024/a.csv");
  return stored;
}

export function listingTests(fixture: Fixture): void {
  describe("listing", () => {
    orderTests(fixture);
    pagingTests(fixture);
    delimiterTests(fixture);
  });
  describe("deleteDirectory (C15)", () => {
    directoryTests(fixture);
  });
}

function orderTests(fixture: Fixture): void {
  it("lists every object in name order", async () => {
    const container = await fixture().newContainer();
    await eachLimited(TREE, 4, (name) => put(container, name, name));

    expect(await namesIn(container)).to.deep.equal([...TREE].sort());
    const listed = await container.listObjects();
    expect(listed.map((o) => o.name)).to.deep.equal([...TREE].sort());
    expect(listed.every((o) => o instanceof StorageObject)).to.equal(true);
  });

  it("reports size and hash in listings, as getObject does", async () => {
    const container = await fixture().newContainer();
    await put(container, "page.html", "<p>hi</p>");
    const [obj] = await container.listObjects();
    const head = await container.getObject("page.html");

    expect(obj!.name).to.equal("page.html");
    expect(obj!.size).to.equal(9);
    expect(obj!.container.name).to.equal(container.name);
    if (obj!.hashAlgorithm === "md5") expect(obj!.hash).to.equal(md5("<p>hi</p>"));
    if (obj!.hashAlgorithm === head.hashAlgorithm) expect(obj!.hash).to.equal(head.hash);
  });

  it("orders names as [...names].sort() does", async () => {
    const container = await fixture().newContainer();
    const names = ["B", "a", "a-b", "ab/c", "a.b", "ä", "Z", "_x", "~t", "日本", "a b", "a+b"];
    await eachLimited(names, 4, (name) => put(container, name, name));
    expect(await namesIn(container)).to.deep.equal([...names].sort());
  });

  it("fails to list a missing container", async () => {
    const gone = await fixture().newContainer();
    await gone.delete();
    await rejects(namesIn(gone), ContainerDoesNotExistError);
  });
}

function pagingTests(fixture: Fixture): void {
  it("is lazy: a missing container fails on the first read, not on the call", async () => {
    const gone = await fixture().newContainer();
    await gone.delete();

    const iterable = gone.iterateObjects({ prefix: "x" });
    const iterator = iterable[Symbol.asyncIterator]();
    await rejects(iterator.next(), ContainerDoesNotExistError);
  });

  it("lists every object once while the caller deletes what it was given", async () => {
    const container = await fixture().newContainer();
    const names = Array.from({ length: 10 }, (_, i) => `m/${i}`);
    await eachLimited(names, 4, (name) => put(container, name, name));

    const seen: string[] = [];
    for await (const obj of container.iterateObjects({ prefix: "m/", pageSize: 3 })) {
      seen.push(obj.name);
      await obj.delete();
    }
    expect(seen).to.deep.equal(names);
    expect(await namesIn(container)).to.deep.equal([]);
  });

  it("stops paging when the caller breaks off", async () => {
    const container = await fixture().newContainer();
    await eachLimited(TREE, 4, (name) => put(container, name, name));

    const seen: string[] = [];
    for await (const obj of container.iterateObjects({ pageSize: 2 })) {
      seen.push(obj.name);
      if (seen.length === 3) break;
    }
    expect(seen).to.deep.equal([...TREE].sort().slice(0, 3));
  });

  it("refuses an empty delimiter and a page size below 1", async () => {
    const container = await fixture().newContainer();
    await rejects(() => collect(container.iterateObjects({ delimiter: "" })), InvalidArgumentError);
    await rejects(() => collect(container.iterateObjects({ pageSize: 0 })), InvalidArgumentError);
  });

  it("filters by prefix", async () => {
    const container = await fixture().newContainer();
    await eachLimited(TREE, 4, (name) => put(container, name, name));
    expect(await namesIn(container, "a/")).to.deep.equal(["a/b.txt", "a/b/e.txt", "a/c/d.txt"]);
    expect(await namesIn(container, "a")).to.deep.equal(
      TREE.filter((n) => n.startsWith("a")).sort(),
    );
    expect(await namesIn(container, "nothing")).to.deep.equal([]);
  });

  it("pages through small pages without loss or repetition", async () => {
    const container = await fixture().newContainer();
    const names = Array.from({ length: 23 }, (_, i) => `p/${String(i).padStart(2, "0")} +x`);
    await eachLimited(names, 6, (name) => put(container, name, "."));

    const seen: string[] = [];
    for await (const obj of container.iterateObjects({ prefix: "p/", pageSize: 5 }))
      seen.push(obj.name);
    expect(seen).to.deep.equal([...names].sort());
  });
}

function delimiterTests(fixture: Fixture): void {
  it("groups deeper names by delimiter into prefixes", async () => {
    const container = await fixture().newContainer();
    await eachLimited(TREE, 4, (name) => put(container, name, name));

    const entries: string[] = [];
    for await (const entry of container.iterateObjects({ prefix: "a/", delimiter: "/" })) {
      entries.push(entry instanceof StoragePrefix ? `prefix:${entry.name}` : entry.name);
    }
    expect(entries).to.deep.equal(["a/b.txt", "prefix:a/b/", "prefix:a/c/"]);
  });

  it("pages through a delimiter listing with small pages", async () => {
    const container = await fixture().newContainer();
    const names = ["d/0", "d/1/x", "d/2", "d/3/y", "d/3/z", "d/4", "d/5/w", "d/6", "d/7"];
    await eachLimited(names, 4, (name) => put(container, name, name));

    const entries: string[] = [];
    const query = { prefix: "d/", delimiter: "/", pageSize: 2 };
    for await (const entry of container.iterateObjects(query)) {
      entries.push(entry instanceof StoragePrefix ? `prefix:${entry.name}` : entry.name);
    }
    const expected = ["d/0", "d/2", "d/4", "d/6", "d/7"];
    const prefixes = ["prefix:d/1/", "prefix:d/3/", "prefix:d/5/"];
    expect([...entries].sort()).to.deep.equal([...expected, ...prefixes].sort());
  });

  it("lists the top level with a delimiter and no prefix", async () => {
    const container = await fixture().newContainer();
    await eachLimited(TREE, 4, (name) => put(container, name, name));

    const entries: string[] = [];
    for await (const entry of container.iterateObjects({ delimiter: "/" })) {
      entries.push(entry instanceof StoragePrefix ? `prefix:${entry.name}` : entry.name);
    }
    // Prefixes take their place in name order: "a-z.txt" < "a.txt" < "a/" < "ab.txt".
    const expected = ["a-z.txt", "a.txt", "prefix:a/", "ab.txt", "b.txt", "z"];
    expect(entries).to.deep.equal(expected);
  });
}

function directoryTests(fixture: Fixture): void {
  it("deletes only what is under the directory", async () => {
    const container = await fixture().newContainer();
    const stored = await storeReports(container);

    expect(await container.deleteDirectory("reports/2024")).to.equal(1);
    expect(await namesIn(container)).to.deep.equal(
      stored.filter((name) => name !== "reports/2024/a.csv").sort(),
    );
  });

  it("lists only the children of a directory with a delimiter", async () => {
    const container = await fixture().newContainer();
    await storeReports(container);

    const names: string[] = [];
    for await (const e of container.iterateObjects({
      prefix: "reports/2024/",
      delimiter: "/",
    })) {
      names.push(e.name);
    }
    expect(names).to.deep.equal(["reports/2024/a.csv"]);
  });

  it("shows the directory as one prefix beside its look-alikes, with a delimiter", async () => {
    const container = await fixture().newContainer();
    const stored = await storeReports(container);

    const entries: string[] = [];
    for await (const e of container.iterateObjects({ prefix: "reports/", delimiter: "/" })) {
      entries.push(e instanceof StoragePrefix ? `prefix:${e.name}` : e.name);
    }
    // In name order: "reports/2024" < "reports/2024-old/" < "reports/2024/" < "reports/20245.csv".
    const exact = stored.includes("reports/2024") ? ["reports/2024"] : [];
    const rest = ["prefix:reports/2024-old/", "prefix:reports/2024/", "reports/20245.csv"];
    expect(entries).to.deep.equal([...exact, ...rest]);
  });

  it("treats a trailing '/' on the directory the same", async () => {
    const container = await fixture().newContainer();
    const stored = await storeReports(container);

    expect(await container.deleteDirectory("reports/2024/")).to.equal(1);
    expect(await namesIn(container)).to.have.length(stored.length - 1);
    expect(await container.objectExists("reports/2024/a.csv")).to.equal(false);
  });

  it("refuses an empty directory unless the whole container is meant", async () => {
    const container = await fixture().newContainer();
    const stored = await storeReports(container);

    await rejects(container.deleteDirectory(""), InvalidArgumentError);
    expect(await namesIn(container)).to.have.length(stored.length);
    expect(await container.deleteDirectory("", { wholeContainer: true })).to.equal(stored.length);
    expect(await namesIn(container)).to.deep.equal([]);
  });
}
