import { Provider, registerDriver } from "@stowage/core";

import { LocalStorageDriver } from "./driver.js";

export { LocalStorageDriver } from "./driver.js";
export type { LocalStorageDriverOptions } from "./options.js";
export type { NameFolding, NameFoldingMode } from "./folding.js";
export { RESERVED_DIR } from "./layout.js";

registerDriver(Provider.LOCAL, LocalStorageDriver);
