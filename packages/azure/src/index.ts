import { Provider, registerDriver } from "@stowage/core";

import { AzureBlobsStorageDriver } from "./driver.js";

export { AzureBlobsStorageDriver } from "./driver.js";
export type { AzureBlobsStorageDriverOptions } from "./options.js";
export { azureBlobNameProblem, azureContainerNameProblem } from "./names.js";
export { parseConnectionString, type ConnectionSettings } from "./connection-string.js";

registerDriver(Provider.AZURE_BLOBS, AzureBlobsStorageDriver);
