// Object names are opaque (DESIGN.md, Names): each name of the shared sets round-trips
// byte-exact through every operation, or, where the driver declares a provider rule against
// it, is refused with InvalidObjectNameError naming the reason. The portable rule's rejects
// are refused before any request on every driver.
import {
  InvalidObjectNameError,
  type Container,
  type StorageDriver,
  type StorageObject,
} from "@stowage/core";
import { expect } from "chai";

import {
  eachLimited,
  nameSets,
  namesIn,
  put,
  read,
  rejects,
  scratchDir,
  type Fixture,
} from "./support.js";

const SETS = nameSets();

export function nameTests(fixture: Fixture): void {
  describe("object names", () => {
    for (const set of ["roundtrip", "awkward", "percent"] as const) {
      describe(`the "${set}" names`, () => {
        for (const name of SETS[set]) {
          it(`round-trips ${JSON.stringify(name)} or refuses it with a reason`, async () => {
            await roundTrip(fixture().driver, await fixture().newContainer(), name);
          });
        }
        it("are distinct objects listed in name order, side by side", async () => {
          await sideBySide(fixture().driver, await fixture().newContainer(), SETS[set]);
        });
      });
    }
    describe("long names", () => {
      for (const [label, name] of Object.entries(LONG_NAMES)) {
        it(`round-trips ${label}, or refuses it with InvalidObjectNameError`, async () => {
          await longRoundTrip(fixture().driver, await fixture().newContainer(), name);
        });
      }
    });
    rejectTests(fixture);
    pairTests(fixture);
  });
}

/** Names at and past the limits of filesystems (255-byte segments) and providers (1,024). */
const LONG_NAMES: Record<string, string> = {
  "a 255-byte segment": `${"s".repeat(251)}.txt`,
  "a 256-byte segment": `${"s".repeat(252)}.txt`,
  "a 1,024-byte name in short segments": `${"d/".repeat(510)}name`,
  "a 1,025-byte name": `${"d/".repeat(510)}namex`,
  "a segment of 100 four-byte characters": "🙂".repeat(100),
};

/** The body stored under a name: different for every name, so no two objects can alias. */
function bodyOf(name: string): string {
  return `body of ${JSON.stringify(name)}`;
}

/** put, then readBack, of one name; or the refusal of a name the driver declares invalid. */
async function roundTrip(driver: StorageDriver, container: Container, name: string) {
  if (driver.objectNameProblem(name) !== undefined) {
    await expectRefused(driver, container, name);
    return void expect(await namesIn(container)).to.deep.equal([]);
  }

  const stored = await put(container, name, bodyOf(name));
  expect(stored.name).to.equal(name);
  await readBack(driver, container, name);
}

/** head, list (with and without prefix), get, copy and delete of one stored name. */
async function readBack(driver: StorageDriver, container: Container, name: string) {
  const head = await container.getObject(name);
  expect(head.name).to.equal(name);
  expect(head.size).to.equal(Buffer.byteLength(bodyOf(name)));

  expect(await namesIn(container)).to.deep.equal([name]);
  expect(await namesIn(container, name)).to.deep.equal([name]);
  expect((await read(container, name)).toString()).to.equal(bodyOf(name));

  const copy = await head.copyTo(container, copyName(driver, name));
  expect((await read(container, copy.name)).toString()).to.equal(bodyOf(name));
  expect(await namesIn(container)).to.deep.equal([copy.name, name].sort());

  await head.delete();
  await copy.delete();
  expect(await namesIn(container)).to.deep.equal([]);
}

/** Where a name is copied to: under `copies/`, or beside it when that would be too long. */
function copyName(driver: StorageDriver, name: string): string {
  const under = `copies/${name}`;
  if (driver.objectNameProblem(under) === undefined) return under;
  return name.replace(/^./u, (first) => (first === "c" ? "b" : "c"));
}

/**
 * A long name may pass the driver's own rule and still be too long for the server behind
 * it (a filesystem-backed S3 server limits segments to 255 bytes): the server's refusal
 * must then be the same typed name error, with nothing stored.
 */
async function longRoundTrip(driver: StorageDriver, container: Container, name: string) {
  if (driver.objectNameProblem(name) !== undefined) return roundTrip(driver, container, name);

  try {
    await put(container, name, bodyOf(name));
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(InvalidObjectNameError);
    return void expect(await namesIn(container)).to.deep.equal([]);
  }
  await readBack(driver, container, name);
}

/** Every accepted name of a set at once: no two alias, and the listing is exact and sorted. */
async function sideBySide(driver: StorageDriver, container: Container, names: string[]) {
  const accepted = names.filter((name) => driver.objectNameProblem(name) === undefined);
  await eachLimited(accepted, 4, (name) => put(container, name, bodyOf(name)));

  const listed = await namesIn(container);
  expect(listed).to.deep.equal([...new Set(accepted)].sort());
  for (const name of listed) {
    expect((await read(container, name)).toString(), JSON.stringify(name)).to.equal(bodyOf(name));
  }
}

/** A name the driver refuses: each call raises InvalidObjectNameError with its reason. */
async function expectRefused(driver: StorageDriver, container: Container, name: string) {
  const reason = driver.objectNameProblem(name);
  expect(reason, JSON.stringify(name)).to.be.a("string").and.not.equal("");

  const error = await rejects(put(container, name, "x"), InvalidObjectNameError);
  expect(error.reason).to.equal(reason);
  expect(error.objectName).to.equal(name);
  await rejects(container.getObject(name), InvalidObjectNameError);
  await rejects(container.deleteObject({ name, container }), InvalidObjectNameError);
  await rejects(container.objectExists(name), InvalidObjectNameError);
}

function rejectTests(fixture: Fixture): void {
  describe('the "reject" names', () => {
    for (const name of SETS.reject) {
      it(`refuses ${JSON.stringify(name)} in every call, before any request`, async () => {
        const { driver } = fixture();
        const container = await fixture().newContainer();
        const source = await put(container, "source.txt", "source");
        const gone = await fixture().newContainer();
        await gone.delete();

        // A refusal on a deleted container proves the check came before any request.
        await expectRefused(driver, gone, name);
        await expectRefusedAsTarget(source, gone, name);
        expect(await namesIn(container)).to.deep.equal(["source.txt"]);
      });
    }
  });
}

/** Copy, move, download and signed upload with a refused name on either side. */
async function expectRefusedAsTarget(source: StorageObject, gone: Container, name: string) {
  await rejects(source.copyTo(gone, name), InvalidObjectNameError);
  await rejects(source.moveTo(gone, name), InvalidObjectNameError);

  const ghost = Object.assign(Object.create(Object.getPrototypeOf(source)), source, { name });
  const dir = await scratchDir();
  await rejects((ghost as StorageObject).download(`${dir}/x`), InvalidObjectNameError);
  await rejects((ghost as StorageObject).asStream(), InvalidObjectNameError);
  if (gone.driver.capabilities.signedUploadUrls)
    await rejects(gone.getSignedUploadUrl(name), InvalidObjectNameError);
}

function pairTests(fixture: Fixture): void {
  it("keeps NFC and NFD, and case variants, as distinct objects (C10)", async () => {
    const container = await fixture().newContainer();
    const pairs: [string, string][] = [
      ["café.txt".normalize("NFC"), "nfc"],
      ["café.txt".normalize("NFD"), "nfd"],
      ["A.txt", "upper"],
      ["a.txt", "lower"],
    ];
    for (const [name, body] of pairs) await put(container, name, body);

    for (const [name, body] of pairs)
      expect((await read(container, name)).toString()).to.equal(body);
    const listed = await namesIn(container);
    expect(listed).to.deep.equal(pairs.map(([name]) => name).sort());
    expect(listed.map((n) => Buffer.from(n).toString("hex"))).to.deep.equal(
      pairs.map(([n]) => Buffer.from(n).toString("hex")).sort(),
    );
  });

  it("keeps '+' and ' ' apart through list, get, copy and delete (C11)", async () => {
    const container = await fixture().newContainer();
    const bodies = new Map([
      ["a+b.txt", "plus"],
      ["a b.txt", "space"],
      ["1+1 2", "sum"],
    ]);
    for (const [name, body] of bodies) await put(container, name, body);

    expect(await namesIn(container, "a")).to.deep.equal(["a b.txt", "a+b.txt"]);
    expect(await namesIn(container, "1+")).to.deep.equal(["1+1 2"]);
    for (const name of await namesIn(container)) {
      expect((await read(container, name)).toString()).to.equal(bodies.get(name));
      const copy = await (await container.getObject(name)).copyTo(container, `c/${name}`);
      expect((await read(container, copy.name)).toString()).to.equal(bodies.get(name));
    }

    const remaining = [...bodies.keys()];
    while (remaining.length > 0) {
      await (await container.getObject(remaining.shift()!)).delete();
      for (const name of remaining)
        expect((await read(container, name)).toString()).to.equal(bodies.get(name));
    }
    expect(await namesIn(container)).to.deep.equal(["c/1+1 2", "c/a b.txt", "c/a+b.txt"]);
  });

  it("keeps a%2Fb distinct from a/b (C08)", async () => {
    const container = await fixture().newContainer();
    await put(container, "a%2Fb", "encoded");
    await put(container, "a/b", "nested");

    expect(await namesIn(container)).to.deep.equal(["a%2Fb", "a/b"]);
    expect((await read(container, "a%2Fb")).toString()).to.equal("encoded");
    expect((await read(container, "a/b")).toString()).to.equal("nested");
    await (await container.getObject("a%2Fb")).delete();
    expect((await read(container, "a/b")).toString()).to.equal("nested");
  });
}
