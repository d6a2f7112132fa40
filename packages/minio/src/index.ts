import { Provider, registerDriver } from "@stowage/core";

import { MinIOStorageDriver } from "./driver.js";

registerDriver(Provider.MINIO, MinIOStorageDriver);

export { MinIOStorageDriver, type MinIODriverOptions } from "./driver.js";
