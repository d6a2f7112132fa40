// The shared contract suite on the S3 driver, against both S3 servers of the suite: moto,
// and versitygw, which checks SigV4 signatures.
import { describeContract } from "../../../test/contract/index.js";
import { startServer } from "../../../test/support/servers.js";
import { S3StorageDriver } from "../src/index.js";
import { S3_KINDS, serverOptions, uniqueBucket } from "./support.js";

for (const kind of S3_KINDS) {
  describeContract({
    name: `s3 on ${kind === "moto" ? "moto" : "versitygw"}`,
    async setup() {
      const server = await startServer(kind);
      if (!server) return undefined;

      const options = serverOptions(server);
      const driver = new S3StorageDriver(server.accessKey, server.secretKey, options);
      return {
        driver,
        newContainer: () => driver.createContainer(uniqueBucket()),
        teardown: () => server.stop(),
      };
    },
  });
}
