import { NotSupportedError } from "@stowage/core";
import { expect } from "chai";

import { nameSets, put, random, read, rejects, type Fixture } from "./support.js";

const AWKWARD = nameSets().awkward;

export function urlTests(fixture: Fixture): void {
  describe("URLs", () => {
    it("signs GET URLs that plain fetch() can read, awkward names included (C14)", async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      const first = await put(container, "signed/a b+c.txt", "signed bytes");

      if (!driver.capabilities.signedUrls) {
        return void (await rejects(first.getSignedUrl(), NotSupportedError));
      }
      for (const name of [
        "signed/a b+c.txt",
        ...AWKWARD.filter((n) => !driver.objectNameProblem(n)),
      ]) {
        const obj = name === first.name ? first : await put(container, name, `bytes of ${name}`);
        const response = await fetch(await obj.getSignedUrl({ expiresIn: 300 }));
        expect(response.status, JSON.stringify(name)).to.equal(200);
        expect(
          Buffer.from(await response.arrayBuffer()).equals(await read(container, name)),
        ).to.equal(true);
      }
    });

    it("signs upload URLs that plain fetch() can PUT to", async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      const upload = container.getSignedUploadUrl("incoming/x y.bin", { expiresIn: 300 });
      if (!driver.capabilities.signedUploadUrls)
        return void (await rejects(upload, NotSupportedError));

      const body = random(4096);
      const headers = uploadHeaders(driver.provider);
      const response = await fetch(await upload, {
        method: "PUT",
        body: new Uint8Array(body),
        headers,
      });
      expect(response.status).to.be.within(200, 299);
      expect((await read(container, "incoming/x y.bin")).equals(body)).to.equal(true);
    });

    it("gives public URLs that address the exact name", async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      const obj = await put(container, "dir/a b+c%.txt", "x");
      if (!driver.capabilities.cdnUrls)
        return void (await rejects(obj.getCdnUrl(), NotSupportedError));

      const url = new URL(await obj.getCdnUrl());
      expect(decodeURIComponent(url.pathname).endsWith("/dir/a b+c%.txt")).to.equal(true);
      expect(url.search).to.equal("");
    });
  });
}

/** Azure's Put Blob needs the blob type header; other providers take a bare PUT. */
function uploadHeaders(provider: string): Record<string, string> {
  return provider === "azure_blobs" ? { "x-ms-blob-type": "BlockBlob" } : {};
}
