// The shared contract suite on the Azure driver against Azurite, reached the way a user
// reaches it: a path-style endpoint and the development account's key.
import { randomBytes } from "node:crypto";

import { describeContract } from "../../../test/contract/index.js";
import { startServer } from "../../../test/support/servers.js";
import { AzureBlobsStorageDriver } from "../src/index.js";

describeContract({
  name: "azure on azurite",
  async setup() {
    const server = await startServer("azurite");
    if (!server) return undefined;

    const driver = new AzureBlobsStorageDriver(server.accountName!, server.accountKey, {
      endpoint: `${server.endpoint}/${server.accountName}`,
    });
    const prefix = `contract-${randomBytes(3).toString("hex")}`;
    let n = 0;
    return {
      driver,
      newContainer: () => driver.createContainer(`${prefix}-${++n}`),
      teardown: () => server.stop(),
    };
  },
});
