// Downloads cut part-way: Stowage resumes them from the byte reached, pinned to the object's
// generation, so the bytes before and after the cut always come from one version.
import { expect } from "chai";

import {
  ObjectDoesNotExistError,
  PreconditionFailedError,
  TransientError,
  md5Hex,
  type Container,
} from "@stowage/core";

import { startCuttingProxy } from "./cutting-proxy.js";
import { useGcs } from "./support.js";

const KiB = 1024;

/**
 * A reader that tells when its first bytes arrived, so the proxy cuts the connection only
 * once the download is under way (a cut before that is a plain retry, not a resume).
 */
function firstBytesSignal() {
  let arrived: () => void = () => {};
  const promise = new Promise<void>((resolve) => (arrived = resolve));
  return {
    arrived: promise,
    async read(stream: AsyncIterable<Buffer>): Promise<Buffer> {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
        arrived();
      }
      return Buffer.concat(chunks);
    },
  };
}

describe("GoogleStorageDriver downloads cut part-way (fake-gcs-server)", function () {
  const gcs = useGcs();
  let container: Container;

  before(async function () {
    container = await gcs.container();
  });

  it("resumes from the byte reached and delivers the whole object once", async function () {
    const body = Buffer.alloc(512 * KiB, 5).fill(6, 200 * KiB);
    await container.uploadObjectViaStream(body, "resumed.bin");
    const reader = firstBytesSignal();
    const plan = { cuts: 1, after: 100 * KiB, beforeCut: () => reader.arrived };
    const proxy = await startCuttingProxy(gcs.server().endpoint, plan);

    try {
      const retry = { attempts: 3, baseDelayMs: 1 };
      const driver = gcs.driver({ endpoint: proxy.endpoint, retry });
      const obj = await driver.getObject(container.name, "resumed.bin");
      const read = await reader.read(await obj.asStream());

      expect(read.length).to.equal(body.length);
      expect(md5Hex(read)).to.equal(md5Hex(body));
      const [first, second] = proxy.downloads();
      expect(first).to.not.include("generation=");
      expect(second).to.include(`generation=${obj.extra.version}`);
      expect(proxy.ranges()[1]).to.match(/^bytes=\d+-/);
    } finally {
      await proxy.close();
    }
  });

  it("fails rather than join two versions when the object is replaced", async function () {
    const v1 = Buffer.alloc(512 * KiB, 1);
    await container.uploadObjectViaStream(v1, "replaced.bin");
    const reader = firstBytesSignal();
    const replace = async () => {
      await reader.arrived;
      await container.uploadObjectViaStream(Buffer.alloc(512 * KiB, 2), "replaced.bin");
    };
    const plan = { cuts: 1, after: 100 * KiB, beforeCut: replace };
    const proxy = await startCuttingProxy(gcs.server().endpoint, plan);

    try {
      const retry = { attempts: 3, baseDelayMs: 1 };
      const driver = gcs.driver({ endpoint: proxy.endpoint, retry });
      const obj = await driver.getObject(container.name, "replaced.bin");
      const error = await reader.read(await obj.asStream()).catch((e: unknown) => e);

      // Stowage reports a read that cannot go on as a cut (retry the whole read), with the
      // reason as its cause: the generation it began with is gone.
      expect(error, String(error)).to.be.instanceOf(TransientError);
      const cause = (error as Error).cause;
      const versionGone =
        cause instanceof ObjectDoesNotExistError || cause instanceof PreconditionFailedError;
      expect(versionGone, String(cause)).to.equal(true);
    } finally {
      await proxy.close();
    }
  });
});
