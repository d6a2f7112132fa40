// The shared contract suite on the MinIO driver, reached by host, port and `secure` as its
// users configure it, against the SigV4-checking server.
import { describeContract } from "../../../test/contract/index.js";
import { startServer } from "../../../test/support/servers.js";
import { uniqueBucket } from "../../s3/test/support.js";
import { MinIOStorageDriver } from "../src/index.js";

describeContract({
  name: "minio on versitygw",
  async setup() {
    const server = await startServer("s3sig");
    if (!server) return undefined;

    const driver = new MinIOStorageDriver(server.accessKey, server.secretKey, {
      secure: false,
      host: "127.0.0.1",
      port: server.port,
    });
    return {
      driver,
      newContainer: () => driver.createContainer(uniqueBucket()),
      teardown: () => server.stop(),
    };
  },
});
