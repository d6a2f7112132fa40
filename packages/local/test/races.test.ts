// Links planted while an upload streams: the parents are checked again before the rename,
// so a directory swapped for a link mid-upload cannot carry the write outside.
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

import { InvalidObjectNameError, ProviderError } from "@stowage/core";
import { LocalStorageDriver } from "@stowage/local";
import { expect } from "chai";

describe("LocalStorageDriver and links planted during a write", () => {
  let base: string;
  let outside: string;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "stowage-race-"));
    outside = join(base, "outside");
    await mkdir(outside);
    await writeFile(join(outside, "x.txt"), "ORIGINAL OUTSIDE");
  });

  afterEach(() => rm(base, { recursive: true, force: true }));

  it("refuses to finish an upload whose parent became a link while it streamed", async () => {
    const driver = new LocalStorageDriver(join(base, "root"));
    const container = await driver.createContainer("box");
    await container.uploadObjectViaStream("old", "sub/x.txt");

    async function* slow() {
      yield Buffer.from("PAYLOAD-");
      await sleep(300);
      yield Buffer.from("WRITTEN-THROUGH");
    }
    const upload = container.uploadObjectViaStream(Readable.from(slow()), "sub/x.txt");
    await sleep(100);
    await rename(join(base, "root/box/sub"), join(base, "root/box/sub-moved"));
    await symlink(outside, join(base, "root/box/sub"));

    let error: unknown;
    await upload.catch((e) => (error = e));
    expect(error).to.be.instanceOf(InvalidObjectNameError);
    expect(await readFile(join(outside, "x.txt"), "utf8")).to.equal("ORIGINAL OUTSIDE");
  });

  it("refuses a reserved directory that is a link", async () => {
    const root = join(base, "root");
    await mkdir(join(root, "box"), { recursive: true });
    await symlink(outside, join(root, "box", ".stowage"));
    const container = await new LocalStorageDriver(root).getContainer("box");

    let error: unknown;
    await container.uploadObjectViaStream("x", "a.txt").catch((e) => (error = e));
    expect(error).to.be.instanceOf(ProviderError);
    expect(await readFile(join(outside, "x.txt"), "utf8")).to.equal("ORIGINAL OUTSIDE");
  });
});
