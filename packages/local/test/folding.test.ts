import { readdir } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";

import { ObjectDoesNotExistError, ObjectNameConflictError } from "@stowage/core";

import { bodyOf, listedNames, failsWith, rejectionOf, sandbox, type Sandbox } from "./support.js";

const NFC = "caf\u00e9.txt";
const NFD = "cafe\u0301.txt";

describe("LocalStorageDriver name folding (C10)", () => {
  let box: Sandbox;

  afterEach(() => box.cleanup());

  it("probes the real filesystem, which here keeps case and normalization apart", async () => {
    box = await sandbox();
    const folding = await box.driver.nameFolding(box.container);
    // Linux ext4 and overlay filesystems compare names byte for byte.
    expect(folding).to.deep.equal({ caseInsensitive: false, normalizationInsensitive: false });
    expect(await readdir(join(box.root, "box", ".stowage", "tmp"))).to.deep.equal([]);

    const bodies = { [NFC]: "nfc", [NFD]: "nfd", "A.txt": "upper", "a.txt": "lower" };
    for (const [name, body] of Object.entries(bodies)) {
      await box.container.uploadObjectViaStream(body, name);
    }
    expect(await listedNames(box.container)).to.deep.equal([NFC, NFD, "A.txt", "a.txt"].sort());
    expect((await bodyOf(await box.container.getObject(NFC))).toString()).to.equal("nfc");
    expect((await bodyOf(await box.container.getObject(NFD))).toString()).to.equal("nfd");
    expect((await bodyOf(await box.container.getObject("a.txt"))).toString()).to.equal("lower");
  });

  describe("on a filesystem stated to be insensitive", () => {
    beforeEach(async () => {
      box = await sandbox({ nameFolding: "insensitive" });
    });

    it("reports the folding it was told", async () => {
      const folding = await box.driver.nameFolding(box.container);
      expect(folding).to.deep.equal({ caseInsensitive: true, normalizationInsensitive: true });
    });

    it("refuses a name that differs from a stored one only in case or normalization", async () => {
      await box.container.uploadObjectViaStream("upper", "A.txt");
      await box.container.uploadObjectViaStream("nfc", NFC);

      const caseError = await rejectionOf(box.container.uploadObjectViaStream("lower", "a.txt"));
      expect(caseError).to.be.instanceOf(ObjectNameConflictError);
      expect((caseError as ObjectNameConflictError).conflictsWith).to.equal("A.txt");
      const formError = await rejectionOf(box.container.uploadObjectViaStream("nfd", NFD));
      expect((formError as ObjectNameConflictError).conflictsWith).to.equal(NFC);

      expect((await bodyOf(await box.container.getObject("A.txt"))).toString()).to.equal("upper");
      expect(await listedNames(box.container)).to.deep.equal(["A.txt", NFC]);
    });

    it("refuses a parent directory spelled differently, and finds nothing under it", async () => {
      await box.container.uploadObjectViaStream("x", "Docs/x.txt");
      const error = await rejectionOf(box.container.uploadObjectViaStream("y", "docs/y.txt"));
      expect((error as ObjectNameConflictError).conflictsWith).to.equal("Docs");

      await failsWith(box.container.getObject("docs/x.txt"), ObjectDoesNotExistError);
      await box.driver.deleteObject({ name: "docs/x.txt", container: box.container });
      expect(await listedNames(box.container)).to.deep.equal(["Docs/x.txt"]);
    });

    it("still rewrites a name spelled exactly as stored", async () => {
      await box.container.uploadObjectViaStream("one", "A.txt");
      await box.container.uploadObjectViaStream("two", "A.txt");
      expect((await bodyOf(await box.container.getObject("A.txt"))).toString()).to.equal("two");
    });
  });
});
