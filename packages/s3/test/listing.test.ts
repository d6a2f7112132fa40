// Listings on real S3 servers (C21): thousands of keys paged in small pages, with and
// without a delimiter, each name exactly once and in S3's order, fetched lazily.
import type { S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { forEachLimited, StoragePrefix, type Container, type StorageObject } from "@stowage/core";

import { S3_KINDS, useS3Server } from "./support.js";

const COUNT = 2_501;

/** 2,501 names: a third at the top, the rest in five directories, some with spaces and `+`. */
const NAMES = Array.from({ length: COUNT }, (_, i) => {
  const leaf = i % 4 === 0 ? `item ${i}+plus.txt` : `item-${String(i).padStart(4, "0")}`;
  return i % 3 === 0 ? leaf : `dir-${i % 5}/${leaf}`;
});

/** S3 orders keys by their UTF-8 bytes. */
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

for (const kind of S3_KINDS) {
  describe(`S3 listings (${kind})`, function () {
    this.timeout(120_000);
    const fixture = useS3Server(kind);
    let container: Container;

    before(async function () {
      this.timeout(120_000);
      container = await fixture().bucket();
      await forEachLimited(NAMES, 32, async (name) => {
        await container.uploadObjectViaStream("", name);
      });
    });

    it("lists 2,501 objects in pages of 97: each once, in order, and ends", async () => {
      const names: string[] = [];
      for await (const obj of container.iterateObjects({ pageSize: 97 })) names.push(obj.name);

      expect(names).to.deep.equal([...NAMES].sort(byUtf8));
    });

    it("lists with a delimiter in pages of 7: objects and directories in order", async () => {
      const entries: string[] = [];
      const options = { delimiter: "/", pageSize: 7 };
      const iterable = container.driver.iterateContainerObjects(container, options);
      for await (const entry of iterable) entries.push(nameOf(entry));

      const top = NAMES.filter((name) => !name.includes("/"));
      const dirs = ["dir-0/", "dir-1/", "dir-2/", "dir-3/", "dir-4/"];
      expect(entries).to.deep.equal([...top, ...dirs].sort(byUtf8));
    });

    it("lists one directory in pages of 3 with a delimiter: its objects, once each", async () => {
      const names: string[] = [];
      const options = { prefix: "dir-2/", delimiter: "/", pageSize: 3 };
      for await (const entry of container.driver.iterateContainerObjects(container, options)) {
        expect(entry).to.not.be.instanceOf(StoragePrefix);
        names.push(entry.name);
      }

      expect(names).to.deep.equal(NAMES.filter((n) => n.startsWith("dir-2/")).sort(byUtf8));
    });

    it("fetches pages only as the caller iterates", async () => {
      const driver = fixture().driver();
      const requests = countListRequests(driver.client);
      const bucket = await driver.getContainer(container.name);

      let seen = 0;
      for await (const _ of bucket.iterateObjects({ pageSize: 2 })) if (++seen === 5) break;

      expect(requests()).to.equal(3);
    });
  });

  describe(`S3 listing order (${kind})`, function () {
    const fixture = useS3Server(kind);

    it("merges prefixes and objects by UTF-8 bytes, not UTF-16 units", async () => {
      const container = await fixture().bucket();
      // No name is also a directory of another: versitygw keeps keys as file paths.
      const names = ["a-c", "a/b", "b", "\uFFFD", "\uFFFDz/x", "😀", "😁/y"];
      for (const name of names) await container.uploadObjectViaStream("", name);

      const entries: string[] = [];
      const options = { delimiter: "/", pageSize: 2 };
      const iterable = container.driver.iterateContainerObjects(container, options);
      for await (const entry of iterable) entries.push(nameOf(entry));

      expect(entries).to.deep.equal(["a-c", "a/", "b", "\uFFFD", "\uFFFDz/", "😀", "😁/"]);
    });
  });
}

function nameOf(entry: StorageObject | StoragePrefix): string {
  return entry.name;
}

/** Counts the ListObjectsV2 requests a client sends. */
function countListRequests(client: S3Client): () => number {
  let count = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "ListObjectsV2Command") count++;
      return next(args);
    },
    { step: "initialize", name: "countListRequestsForTest" },
  );
  return () => count;
}
