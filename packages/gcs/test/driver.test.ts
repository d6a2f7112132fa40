// Construction, containers, and the proof that a driver pointed at an emulator talks to
// nothing but it: no metadata server, no Google host, no credential lookup.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import {
  ContainerDoesNotExistError,
  InvalidArgumentError,
  InvalidContainerNameError,
  Provider,
  getDriver,
} from "@stowage/core";

import { GoogleStorageDriver } from "../src/index.js";
import { PROJECT_ID, SERVICE_ACCOUNT, generated, uniqueBucketName, useGcs } from "./support.js";

/** Records where every TCP connection of this process goes while `fn` runs. */
async function connectionsDuring(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onSocket = (message: unknown) => {
    const socket = (message as { socket: Socket }).socket;
    socket.once("lookup", (_error, _address, _family, host: string) => seen.push(`lookup ${host}`));
    socket.once("connect", () => seen.push(`${socket.remoteAddress}`));
  };
  subscribe("net.client.socket", onSocket);
  try {
    await fn();
  } finally {
    unsubscribe("net.client.socket", onSocket);
  }
  return seen;
}

describe("GoogleStorageDriver", function () {
  const gcs = useGcs();

  describe("against an emulator", function () {
    it("reaches only the endpoint and never looks for credentials", async function () {
      // Application default credentials that would fail loudly if anything consulted them.
      const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
      process.env.GOOGLE_APPLICATION_CREDENTIALS = "/nonexistent/stowage-adc.json";
      const driver = gcs.driver({ chunkSize: 256 * 1024, resumableThreshold: 256 * 1024 });

      try {
        const seen = await connectionsDuring(async () => {
          const container = await gcs.container(driver);
          await container.uploadObjectViaStream("small", "a.txt");
          const big = await container.uploadObjectViaStream(generated(600 * 1024), "b.bin");
          await container.listObjects();
          await big.copyTo(container, "c.bin");
          await (await big.asStream()).resume();
          await big.delete();
          await driver.listContainers();
          await gcs.signingDriver().getSignedUrl(big);
        });

        expect(seen.length).to.be.greaterThan(0);
        expect(seen.every((entry) => entry === "127.0.0.1"), seen.join(", ")).to.equal(true);
        const auth = driver.storage.authClient as unknown as { cachedCredential: unknown };
        expect(auth.cachedCredential).to.equal(null);
      } finally {
        if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
        else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
      }
    });

    it("creates, gets, lists and deletes containers", async function () {
      const driver = gcs.driver();
      const name = uniqueBucketName();
      const created = await driver.createContainer(name);
      expect(created.name).to.equal(name);
      expect(created.extra.creationDate).to.be.instanceOf(Date);

      expect((await driver.getContainer(name)).name).to.equal(name);
      expect((await driver.listContainers()).map((c) => c.name)).to.include(name);

      await created.delete();
      const error = await driver.getContainer(name).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ContainerDoesNotExistError);
    });

    it("refuses bucket names GCS forbids, before any request", async function () {
      const driver = gcs.driver();
      const refused = ["UPPER", "ab", "-dash", "goog-1", "my-google-files", "192.168.1.1", "a..b"];
      for (const name of refused) {
        const error = await driver.createContainer(name).catch((e: unknown) => e);
        expect(error, name).to.be.instanceOf(InvalidContainerNameError);
      }
      expect(driver.containerNameProblem("my_bucket.example-1")).to.equal(undefined);
    });
  });

  describe("construction", function () {
    let dir: string;

    before(function () {
      dir = mkdtempSync(join(tmpdir(), "stowage-gcs-"));
    });

    after(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    it("is what getDriver(Provider.GOOGLE_STORAGE) returns", function () {
      expect(getDriver(Provider.GOOGLE_STORAGE)).to.equal(GoogleStorageDriver);
    });

    it("takes a PEM key file path, or a JSON key file and its project", async function () {
      const pem = join(dir, "key.pem");
      writeFileSync(pem, SERVICE_ACCOUNT.privateKey);
      const json = join(dir, "key.json");
      const keyFile = {
        client_email: "json@p.iam.gserviceaccount.com",
        private_key: SERVICE_ACCOUNT.privateKey,
        project_id: "from-file",
      };
      writeFileSync(json, JSON.stringify(keyFile));

      const endpoint = gcs.server().endpoint;
      const fromPem = new GoogleStorageDriver(SERVICE_ACCOUNT.email, pem, {
        endpoint,
        projectId: PROJECT_ID,
      });
      const fromJson = new GoogleStorageDriver(undefined, json, { endpoint });
      expect(await fromJson.storage.getProjectId()).to.equal("from-file");

      const container = await gcs.container(fromPem);
      const obj = await container.uploadObjectViaStream("signed", "k.txt");
      expect(await (await fetch(await obj.getSignedUrl())).text()).to.equal("signed");
      const viaJson = await fromJson.getSignedUrl(obj);
      expect(new URL(viaJson).searchParams.get("X-Goog-Credential")).to.match(/^json@p\./);
    });

    it("refuses incomplete or unusable settings", function () {
      const base = { endpoint: "http://127.0.0.1:1", projectId: PROJECT_ID };
      const missingKey = join(dir, "missing.pem");
      const attempts: Array<() => unknown> = [
        () => new GoogleStorageDriver(undefined, undefined, { endpoint: base.endpoint }),
        () => new GoogleStorageDriver("sa@x", undefined, base),
        () => new GoogleStorageDriver("sa@x", missingKey, base),
        () => new GoogleStorageDriver(undefined, undefined, { ...base, chunkSize: 1000 }),
        () => new GoogleStorageDriver(undefined, undefined, { ...base, resumableThreshold: -1 }),
      ];
      for (const attempt of attempts) expect(attempt).to.throw(InvalidArgumentError);
    });
  });
});
