import { Provider, registerDriver } from "@stowage/core";

import { S3StorageDriver } from "./driver.js";

registerDriver(Provider.S3, S3StorageDriver);

export { S3StorageDriver } from "./driver.js";
export type { S3DriverOptions } from "./options.js";
export { mapS3Error } from "./map-error.js";
export { bucketNameProblem } from "./names.js";
