import { InvalidObjectNameError, type Container, type StorageDriver } from "@stowage/core";
import { expect } from "chai";

import { eachLimited, nameSets, namesIn, put, read, rejects, type Fixture } from "./support.js";

const SETS = nameSets();

export function nameTests(fixture: Fixture): void {
  describe("object names", () => {
    for (const set of ["roundtrip", "awkward", "percent"] as const) {
      it(`round-trips every "${set}" name through put, list, get, copy and delete`, async () => {
        await roundTrip(fixture().driver, await fixture().newContainer(), SETS[set]);
      });
    }

    it("refuses every 'reject' name before any request", async () => {
      const container = await fixture().newContainer();
      for (const name of SETS.reject) await expectRefused(container, name);
      expect(await namesIn(container)).to.deep.equal([]);
    });

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
    });

    it("keeps '+' and ' ' apart (C11)", async () => {
      const container = await fixture().newContainer();
      const pairs: [string, string][] = [
        ["a+b.txt", "plus"],
        ["a b.txt", "space"],
        ["1+1 2", "sum"],
      ];
      for (const [name, body] of pairs) await put(container, name, body);

      expect(await namesIn(container, "a")).to.deep.equal(["a b.txt", "a+b.txt"]);
      for (const name of await namesIn(container)) {
        const body = pairs.find(([n]) => n === name)![1];
        expect((await read(container, name)).toString()).to.equal(body);
      }
      await (await container.getObject("a+b.txt")).delete();
      expect((await read(container, "a b.txt")).toString()).to.equal("space");
    });

    it("keeps a%2Fb distinct from a/b (C08)", async () => {
      const container = await fixture().newContainer();
      await put(container, "a%2Fb", "encoded");
      await put(container, "a/b", "nested");
      expect((await read(container, "a%2Fb")).toString()).to.equal("encoded");
      expect((await read(container, "a/b")).toString()).to.equal("nested");
    });
  });
}

/** Each name the driver accepts must round-trip exactly; each it refuses, with a reason. */
async function roundTrip(driver: StorageDriver, container: Container, names: string[]) {
  const accepted = names.filter((name) => driver.objectNameProblem(name) === undefined);
  for (const name of names.filter((n) => !accepted.includes(n)))
    await expectRefused(container, name);

  await eachLimited(accepted, 4, (name) => put(container, name, `body of ${name}`));
  expect(await namesIn(container)).to.deep.equal([...new Set(accepted)].sort());

  for (const name of accepted) {
    expect((await read(container, name)).toString(), JSON.stringify(name)).to.equal(
      `body of ${name}`,
    );
    const copy = await (await container.getObject(name)).copyTo(container, `copies/${name}`);
    expect((await read(container, copy.name)).toString()).to.equal(`body of ${name}`);
  }

  for (const name of await namesIn(container)) await (await container.getObject(name)).delete();
  expect(await namesIn(container)).to.deep.equal([]);
}

async function expectRefused(container: Container, name: string) {
  const upload = await rejects(put(container, name, "x"), InvalidObjectNameError);
  expect(upload.reason).to.be.a("string").and.not.equal("");
  await rejects(container.getObject(name), InvalidObjectNameError);
  await rejects(container.deleteObject({ name, container }), InvalidObjectNameError);
}
