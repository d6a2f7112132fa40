import {
  DriverNotInstalledError,
  InvalidArgumentError,
  Provider,
  getDriver,
  loadDriverClass,
  registerDriver,
} from "@stowage/core";
import { LocalStorageDriver } from "@stowage/local";
import { MinIOStorageDriver } from "@stowage/minio";
import { expect } from "chai";

describe("getDriver", () => {
  it("returns the class of each installed provider", () => {
    expect(getDriver(Provider.LOCAL)).to.equal(LocalStorageDriver);
    expect(getDriver(Provider.MINIO)).to.equal(MinIOStorageDriver);
    for (const provider of Object.values(Provider)) expect(getDriver(provider)).to.be.a("function");
  });

  it("refuses a provider it does not know", () => {
    expect(() => getDriver("ftp" as Provider)).to.throw(InvalidArgumentError);
  });

  it("names the package to install when a provider's package is missing", () => {
    let error: unknown;
    try {
      loadDriverClass("google_storage", "@stowage/not-installed", "GoogleStorageDriver");
    } catch (e) {
      error = e;
    }
    // Every provider package is in this workspace, so the loader's missing-package path is
    // proved with a package name that does not exist.
    expect(error).to.be.instanceOf(DriverNotInstalledError);
    expect((error as DriverNotInstalledError).code).to.equal("DRIVER_NOT_INSTALLED");
    expect((error as DriverNotInstalledError).packageName).to.equal("@stowage/not-installed");
    expect((error as Error).message).to.include("npm install @stowage/not-installed");
  });

  it("refuses a package that lacks the driver class", () => {
    expect(() => loadDriverClass("local", "@stowage/local", "NoSuchDriver")).to.throw(
      DriverNotInstalledError,
    );
  });

  it("prefers a class registered by the application", () => {
    class CustomLocal extends LocalStorageDriver {}
    registerDriver(Provider.LOCAL, CustomLocal);
    try {
      expect(getDriver(Provider.LOCAL)).to.equal(CustomLocal);
    } finally {
      registerDriver(Provider.LOCAL, LocalStorageDriver);
    }
  });
});
