// The shared contract suite on the GCS driver against fake-gcs-server, configured the way a
// user points the driver at an emulator (endpoint and projectId), with a service account key
// so that signed URLs can be made.
import { describeContract } from "../../../test/contract/index.js";
import { startServer } from "../../../test/support/servers.js";
import { GoogleStorageDriver } from "../src/index.js";
import { PROJECT_ID, SERVICE_ACCOUNT, uniqueBucketName } from "./support.js";

describeContract({
  name: "gcs on fake-gcs-server",
  async setup() {
    const server = await startServer("gcs");
    if (!server) return undefined;

    const { email, privateKey } = SERVICE_ACCOUNT;
    const driver = new GoogleStorageDriver(email, privateKey, {
      projectId: PROJECT_ID,
      endpoint: server.endpoint,
    });
    return {
      driver,
      newContainer: () => driver.createContainer(uniqueBucketName()),
      teardown: () => server.stop(),
    };
  },
});
