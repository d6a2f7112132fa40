import { utimes } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";

import { StorageManager } from "@stowage/core";
import { sweepOrphans } from "@stowage/file-field";
import { referencedFiles as drizzleReferences } from "@stowage/file-field/drizzle";
import { referencedFiles as typeormReferences } from "@stowage/file-field/typeorm";

import { DrizzleHarness, attachment } from "./harness/drizzle.js";
import { Attachment, TypeOrmHarness } from "./harness/typeorm.js";
import { type Storages, png, storages } from "./support.js";

describe("FileField orphan sweeper", () => {
  let s: Storages;
  beforeEach(async () => (s = await storages()));
  afterEach(() => s.cleanup());

  const cases = [
    {
      harness: () => new TypeOrmHarness(),
      references: (h: TypeOrmHarness) => typeormReferences(h.source, [Attachment]),
    },
    {
      harness: () => new DrizzleHarness(),
      references: (h: DrizzleHarness) => drizzleReferences(h.database, [attachment]),
    },
  ] as const;

  for (const { harness, references } of cases) {
    it(`deletes old orphans, keeps referenced and recent ones (${harness().label})`, async () => {
      const h = harness();
      await h.open(join(s.dir, "db.sqlite"));
      try {
        const picture = await png(40, 20);
        await h.transaction((tx) =>
          tx.insert({ name: "a", contentFirst: "kept", documents: ["kept too"], picture }),
        );
        const stray = await s.first.uploadObjectViaStream("left by bulk SQL", "stray.txt");
        const referenced = () => (references as (x: typeof h) => AsyncIterable<string>)(h);

        const recent = await sweepOrphans({
          storage: "first",
          referenced: referenced(),
          gracePeriodMs: 60_000,
        });
        expect(recent).to.deep.include({ scanned: 5, orphans: [], tooRecent: 1 });

        const dry = await sweepOrphans({
          storage: "first",
          referenced: referenced(),
          gracePeriodMs: 0,
          dryRun: true,
        });
        expect(dry.orphans).to.deep.equal([`first/${stray.name}`]);
        expect(await s.names("first")).to.include(stray.name);

        const swept = await sweepOrphans({
          storage: "first",
          referenced: referenced(),
          gracePeriodMs: 0,
        });
        expect(swept).to.deep.include({ orphans: ["first/stray.txt"], failed: [] });
        const rows = await h.rows();
        // The thumbnail is referenced through its original: the sweep keeps it.
        const expected = [
          rows[0]!.contentFirst!.objectName,
          rows[0]!.documents![0]!.objectName,
          rows[0]!.picture!.objectName,
          rows[0]!.picture!.derived.thumbnail!.objectName,
        ].sort();
        expect(await s.names("first")).to.deep.equal(expected);
      } finally {
        await h.close();
      }
    });
  }

  it("tells old orphans from recent ones by their modification time", async () => {
    const old = await s.first.uploadObjectViaStream("crashed before commit", "old.txt");
    const recent = await s.first.uploadObjectViaStream("transaction still open", "new.txt");
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(s.dir, "files", "first", old.name), twoHoursAgo, twoHoursAgo);

    const report = await sweepOrphans({ storage: "first", referenced: [], gracePeriodMs: 3600e3 });
    expect(report).to.deep.include({ scanned: 2, orphans: ["first/old.txt"], tooRecent: 1 });
    expect(await s.names("first")).to.deep.equal([recent.name]);
  });

  it("fails loudly for a storage that does not exist", async () => {
    StorageManager.clear();
    const error = await sweepOrphans({ storage: "first", referenced: [] }).catch((e: Error) => e);
    expect(error).to.have.property("code", "UNKNOWN_STORAGE");
  });
});
