import { createRequire } from "node:module";

import { DriverNotInstalledError, InvalidArgumentError } from "./errors.js";
import type { StorageDriver } from "./driver.js";

/** The providers Stowage knows, as in Libcloud's `Provider`. */
export const Provider = {
  LOCAL: "local",
  S3: "s3",
  MINIO: "minio",
  GOOGLE_STORAGE: "google_storage",
  AZURE_BLOBS: "azure_blobs",
} as const;

export type Provider = (typeof Provider)[keyof typeof Provider];

/** Any driver class: its constructor takes Libcloud's (key, secret, options) or its own. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DriverClass = new (...args: any[]) => StorageDriver;

/** Which package holds each provider's driver, and the name it exports. */
const PACKAGES: Record<Provider, { packageName: string; exportName: string }> = {
  local: { packageName: "@stowage/local", exportName: "LocalStorageDriver" },
  s3: { packageName: "@stowage/s3", exportName: "S3StorageDriver" },
  minio: { packageName: "@stowage/minio", exportName: "MinIOStorageDriver" },
  google_storage: { packageName: "@stowage/gcs", exportName: "GoogleStorageDriver" },
  azure_blobs: { packageName: "@stowage/azure", exportName: "AzureBlobsStorageDriver" },
};

const registered = new Map<string, DriverClass>();

/** Makes a driver class available to getDriver; provider packages call this on import. */
export function registerDriver(provider: string, driverClass: DriverClass): void {
  registered.set(provider, driverClass);
}

/**
 * The driver class of a provider, as Libcloud's get_driver. The provider's package is loaded
 * on first use; when it is not installed, DriverNotInstalledError names the package.
 */
export function getDriver(provider: Provider): DriverClass {
  const known = registered.get(provider);
  if (known) return known;

  const entry = PACKAGES[provider];
  if (!entry) throw new InvalidArgumentError(`Unknown provider "${provider}"`);

  const driverClass = loadDriverClass(provider, entry.packageName, entry.exportName);
  registered.set(provider, driverClass);
  return driverClass;
}

/**
 * Loads `exportName` from a provider package. Exported for getDriver's tests.
 * @throws DriverNotInstalledError when the package cannot be found or lacks the export
 */
export function loadDriverClass(
  provider: string,
  packageName: string,
  exportName: string,
): DriverClass {
  const module = loadPackage(provider, packageName);
  const driverClass = module[exportName] as DriverClass | undefined;
  if (typeof driverClass !== "function") throw new DriverNotInstalledError(provider, packageName);
  return driverClass;
}

function loadPackage(provider: string, packageName: string): Record<string, unknown> {
  // Node 20.19 and newer load ES modules through require(), which keeps getDriver synchronous.
  const require = createRequire(import.meta.url);
  try {
    return require(packageName) as Record<string, unknown>;
  } catch (error) {
    if (isMissing(error, packageName))
      throw new DriverNotInstalledError(provider, packageName, { cause: error });
    throw error;
  }
}

function isMissing(error: unknown, packageName: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === "MODULE_NOT_FOUND" && (message ?? "").includes(packageName);
}
