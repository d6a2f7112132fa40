// Empty objects (C18): every kind of empty source stores a 0-byte object with a valid hash,
// which reads, ranges, lists and deletes like any other.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";

import type { Container, UploadSource } from "@stowage/core";
import { expect } from "chai";

import { EMPTY_MD5, bytesOf, contentOf, namesIn, scratchDir, type Fixture } from "./support.js";

/** Each empty source, with the size the caller states (undefined: unknown length). */
const EMPTIES: Record<string, [() => UploadSource, number | undefined]> = {
  "an empty Buffer": [() => Buffer.alloc(0), undefined],
  "an empty string": [() => "", undefined],
  "an empty stream of known length": [() => Readable.from([]), 0],
  "an empty stream of unknown length": [() => (async function* () {})(), undefined],
  "an empty web stream": [
    () => new ReadableStream<Uint8Array>({ start: (c) => c.close() }),
    undefined,
  ],
};

export function emptyTests(fixture: Fixture): void {
  describe("empty objects (C18)", () => {
    for (const [kind, [make, size]] of Object.entries(EMPTIES)) {
      it(`stores ${kind} as a 0-byte object`, async () => {
        const container = await fixture().newContainer();
        const obj = await container.uploadObjectViaStream(make(), "empty.bin", { size });
        expect(obj.size).to.equal(0);
        await expectEmpty(container, obj.name);
      });
    }

    it("stores an empty file as a 0-byte object", async () => {
      const container = await fixture().newContainer();
      const path = join(await scratchDir(), "empty");
      await writeFile(path, "");

      await container.uploadObject(path, "empty-file", { verifyHash: true });
      await expectEmpty(container, "empty-file");
    });

    it("replaces a full object with an empty one", async () => {
      const container = await fixture().newContainer();
      await container.uploadObjectViaStream("not empty yet", "shrinks.txt");
      await container.uploadObjectViaStream("", "shrinks.txt");
      await expectEmpty(container, "shrinks.txt");
    });
  });
}

/** Head, get, range (0, 0), list and delete of the one empty object in the container. */
async function expectEmpty(container: Container, name: string) {
  const head = await container.getObject(name);
  expect(head.size).to.equal(0);
  expect(head.hash).to.be.a("string").and.not.equal("");
  if (head.hashAlgorithm === "md5") expect(head.hash).to.equal(EMPTY_MD5);

  expect((await contentOf(head)).length).to.equal(0);
  expect((await bytesOf(await head.rangeAsStream(0, 0))).length).to.equal(0);
  const listed = await container.listObjects();
  expect(listed.map((o) => [o.name, o.size])).to.deep.equal([[name, 0]]);

  await head.delete();
  expect(await namesIn(container)).to.deep.equal([]);
}
