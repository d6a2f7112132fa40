// Every name of the shared cases (roundtrip, awkward, percent) through put, head, list, get,
// copy, signed GET and delete on real S3 servers (C08, C09, C11, C14); the names S3 cannot
// hold refused before any request.

import { expect } from "chai";
import { InvalidContainerNameError, InvalidObjectNameError, type Container } from "@stowage/core";

import { S3_KINDS, expectRejection, readAll, useS3Server } from "./support.js";
import { nameSets } from "../../../test/support/cases.js";

const CASES = nameSets;
const LEGAL = [...CASES.roundtrip, ...CASES.awkward, ...CASES.percent];

for (const kind of S3_KINDS) {
  describe(`S3 object names (${kind})`, function () {
    this.timeout(60_000);
    const fixture = useS3Server(kind);
    let container: Container;

    before(async () => {
      container = await fixture().bucket();
      for (const name of LEGAL) await container.uploadObjectViaStream(`body of ${name}`, name);
    });

    it("lists every legal name exactly, once each", async () => {
      const listed = (await container.listObjects()).map((obj) => obj.name);

      expect([...listed].sort()).to.deep.equal([...new Set(LEGAL)].sort());
    });

    it("reads each listed name's own bytes", async () => {
      for (const obj of await container.listObjects()) {
        const body = await readAll(await obj.asStream());
        expect(body.toString(), JSON.stringify(obj.name)).to.equal(`body of ${obj.name}`);
      }
    });

    it("copies each name server-side to a name that keeps it exactly", async () => {
      for (const name of LEGAL) {
        const copy = await (await container.getObject(name)).copyTo(container, `copies/${name}`);
        expect(copy.name).to.equal(`copies/${name}`);
        const body = await readAll(await copy.asStream());
        expect(body.toString(), JSON.stringify(name)).to.equal(`body of ${name}`);
      }
      const copies = await container.listObjects({ prefix: "copies/" });
      const expected = LEGAL.map((name) => `copies/${name}`);
      expect(copies.map((obj) => obj.name).sort()).to.deep.equal(expected.sort());
    });

    it("signs GET URLs that plain fetch() reads for each name (C14)", async () => {
      for (const name of LEGAL) {
        const url = await (await container.getObject(name)).getSignedUrl({ expiresIn: 300 });
        const response = await fetch(url);
        expect(response.status, JSON.stringify(name)).to.equal(200);
        expect(await response.text()).to.equal(`body of ${name}`);
      }
    });

    it("keeps a+b, a b and 1+1 2 apart through delete (C11)", async () => {
      await container.deleteObject({ name: "a+b.txt", container });

      expect(await container.objectExists("a b.txt")).to.equal(true);
      expect(await container.objectExists("a+b.txt")).to.equal(false);
      expect(await container.objectExists("1+1 2")).to.equal(true);
    });

    it("deletes each name, leaving nothing", async () => {
      for (const obj of await container.listObjects()) await obj.delete();

      expect(await container.listObjects()).to.deep.equal([]);
    });

    it("refuses the portable rule's names and keys over 1,024 bytes", async () => {
      for (const name of [...CASES.reject, "é".repeat(513)]) {
        await expectRejection(container.uploadObjectViaStream("x", name), InvalidObjectNameError);
      }
      // 1,024 bytes is still legal; in segments, since versitygw keeps keys as file paths.
      const longest = `${"x".repeat(250)}/`.repeat(4) + "x".repeat(20);
      expect(Buffer.byteLength(longest)).to.equal(1024);
      await container.uploadObjectViaStream("x", longest);
      expect(await container.objectExists(longest)).to.equal(true);
    });

    it("refuses bucket names S3 forbids, naming the rule", async () => {
      const driver = fixture().driver();
      const names = ["ab", "Upper", "under_score", "-dash", "a..b", "192.168.1.1", "xn--punycode"];
      for (const name of names) {
        const create = driver.createContainer(name);
        const error = await expectRejection(create, InvalidContainerNameError);
        expect((error as InvalidContainerNameError).reason)
          .to.be.a("string")
          .and.not.equal("");
      }
    });
  });
}
