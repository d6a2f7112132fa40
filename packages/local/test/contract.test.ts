// The shared contract suite on the local driver: once in a plain temporary directory, once
// under a path with spaces and non-ASCII characters.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { LocalStorageDriver } from "@stowage/local";

import { describeContract, type ContractTarget } from "../../../test/contract/index.js";

function localTarget(name: string, dirPrefix: string): ContractTarget {
  return {
    name,
    async setup() {
      const root = await mkdtemp(join(tmpdir(), dirPrefix));
      const driver = new LocalStorageDriver(root);
      let n = 0;
      return {
        driver,
        newContainer: () => driver.createContainer(`container-${++n}`),
        teardown: () => rm(root, { recursive: true, force: true }),
      };
    },
  };
}

describeContract(localTarget("local", "stowage-contract-"));
describeContract(
  localTarget("local, path with spaces and non-ASCII", "stowage contract é 目录 "),
);
