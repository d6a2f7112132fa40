import { Provider, registerDriver } from "@stowage/core";

import { GoogleStorageDriver } from "./driver.js";

export { GoogleStorageDriver } from "./driver.js";
export type { GoogleStorageDriverOptions } from "./options.js";
export { gcsBucketNameProblem, gcsObjectNameProblem } from "./names.js";

registerDriver(Provider.GOOGLE_STORAGE, GoogleStorageDriver);
