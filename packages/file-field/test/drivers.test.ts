// The lifecycle scenarios again, through TypeORM, with storages "first" and "second" on each
// cloud driver against its test server: the unit of work, uploads, reads and deletes depend
// on no driver. A server that is not installed skips its block with one line (servers.ts).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { type Container, StorageManager, type StorageDriver } from "@stowage/core";
import { FileValue } from "@stowage/file-field";

import { startServer, type TestServer } from "../../../test/support/servers.js";
import { AzureBlobsStorageDriver } from "../../azure/src/index.js";
import { GoogleStorageDriver } from "../../gcs/src/index.js";
import { PROJECT_ID, SERVICE_ACCOUNT } from "../../gcs/test/support.js";
import { S3StorageDriver } from "../../s3/src/index.js";
import { TypeOrmHarness } from "./harness/typeorm.js";
import { moreScenarios } from "./more-scenarios.js";
import { scenarios } from "./scenarios.js";
import type { Storages } from "./support.js";

interface Target {
  label: string;
  kind: "moto" | "s3sig" | "gcs" | "azurite";
  driver(server: TestServer): StorageDriver;
}

const targets: Target[] = [
  { label: "s3 on moto", kind: "moto", driver: s3 },
  { label: "s3 on versitygw", kind: "s3sig", driver: s3 },
  {
    label: "gcs on fake-gcs-server",
    kind: "gcs",
    driver: (server) =>
      new GoogleStorageDriver(SERVICE_ACCOUNT.email, SERVICE_ACCOUNT.privateKey, {
        projectId: PROJECT_ID,
        endpoint: server.endpoint,
      }),
  },
  {
    label: "azure on azurite",
    kind: "azurite",
    driver: (server) =>
      new AzureBlobsStorageDriver(server.accountName!, server.accountKey, {
        endpoint: `${server.endpoint}/${server.accountName}`,
      }),
  },
];

function s3(server: TestServer): StorageDriver {
  return new S3StorageDriver(server.accessKey, server.secretKey, {
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
  });
}

/** Fresh containers "first" (the default) and "second" on `driver`, and a database folder. */
async function cloudStorages(driver: StorageDriver): Promise<Storages> {
  const dir = await mkdtemp(join(tmpdir(), "stowage-file-field-"));
  const prefix = `ff-${randomBytes(4).toString("hex")}`;
  const first = await driver.createContainer(`${prefix}-first`);
  const second = await driver.createContainer(`${prefix}-second`);
  StorageManager.clear();
  StorageManager.addStorage("first", first);
  StorageManager.addStorage("second", second);

  const names = async (storage: "first" | "second") => {
    const container: Container = storage === "first" ? first : second;
    return (await container.listObjects()).map((obj) => obj.name).sort();
  };
  const cleanup = async () => {
    StorageManager.clear();
    await rm(dir, { recursive: true, force: true });
  };
  return { dir, first, second, names, cleanup };
}

for (const target of targets) {
  describe(`FileField lifecycle through TypeORM, with storages on ${target.label}`, () => {
    let server: TestServer | undefined;
    let s: Storages;
    let h: TypeOrmHarness;

    before(async function () {
      server = await startServer(target.kind);
      if (!server) this.skip();
    });

    after(() => server?.stop());

    beforeEach(async () => {
      s = await cloudStorages(target.driver(server!));
      h = new TypeOrmHarness();
      await h.open(join(s.dir, "db.sqlite"));
    });

    afterEach(async () => {
      await h.close();
      await s.cleanup();
    });

    for (const scenario of [...scenarios, ...moreScenarios]) {
      it(scenario.title, () => scenario.run(h, s));
    }

    it("reads a stored file whole, as a stream, and through a signed URL", async () => {
      const body = randomBytes(700 * 1024);
      await h.transaction((tx) => tx.insert({ name: "a", contentFirst: body }));
      const file = (await h.rows())[0]!.contentFirst;
      expect(file).to.be.instanceOf(FileValue);

      expect((await file!.read()).equals(body)).to.equal(true);
      const chunks: Buffer[] = [];
      for await (const chunk of await file!.stream()) chunks.push(chunk as Buffer);
      expect(chunks.length).to.be.greaterThan(1);
      expect(Buffer.concat(chunks).equals(body)).to.equal(true);

      const url = await file!.getSignedUrl({ expiresIn: 300 });
      expect(new URL(url).hostname).to.equal("127.0.0.1");
      const answer = await fetch(url);
      expect(answer.status).to.equal(200);
      expect(Buffer.from(await answer.arrayBuffer()).equals(body)).to.equal(true);
      expect(JSON.stringify(file)).to.not.include("http");
    });
  });
}
