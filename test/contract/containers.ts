import { randomBytes } from "node:crypto";

import {
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  ContainerIsNotEmptyError,
  InvalidContainerNameError,
} from "@stowage/core";
import { expect } from "chai";

import { put, rejects, type Fixture } from "./support.js";

/** A container name that is valid on every provider and not yet taken. */
export function freshName(): string {
  return `stowage-${randomBytes(6).toString("hex")}`;
}

export function containerTests(fixture: Fixture): void {
  describe("containers", () => {
    lifecycleTests(fixture);
    emptiedTests(fixture);
    refusalTests(fixture);
  });
}

function lifecycleTests(fixture: Fixture): void {
  it("creates, gets, lists and deletes a container", async () => {
    const { driver } = fixture();
    const name = freshName();

    const created = await driver.createContainer(name);
    expect(created.name).to.equal(name);
    expect((await driver.getContainer(name)).name).to.equal(name);

    const listed = (await driver.listContainers()).map((c) => c.name);
    expect(listed).to.include(name);

    await driver.deleteContainer(created);
    await rejects(driver.getContainer(name), ContainerDoesNotExistError);
    expect((await driver.listContainers()).map((c) => c.name)).not.to.include(name);
  });

  it("iterates containers lazily", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const seen: string[] = [];
    for await (const c of driver.iterateContainers()) seen.push(c.name);
    expect(seen).to.include(container.name);
    expect(new Set(seen).size).to.equal(seen.length);
  });

  it("stops iterating containers when the caller breaks off", async () => {
    const { driver } = fixture();
    await fixture().newContainer();
    await fixture().newContainer();

    let taken = 0;
    for await (const c of driver.iterateContainers()) {
      expect(c.driver).to.equal(driver);
      if (++taken === 1) break;
    }
    expect(taken).to.equal(1);
  });

  it("gives containers that belong to the driver and serve their objects", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    await put(container, "a.txt", "a");

    const fetched = await driver.getContainer(container.name);
    expect(fetched.driver).to.equal(driver);
    const [obj] = await fetched.listObjects();
    expect(obj!.container.name).to.equal(container.name);
    expect(obj!.driver).to.equal(driver);
  });
}

function emptiedTests(fixture: Fixture): void {
  it("deletes a container whose objects were all deleted", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    const meta = driver.capabilities.metadata ? { extra: { metaData: { k: "v" } } } : {};
    const obj = await container.uploadObjectViaStream("x", "dir/a.txt", meta);
    await obj.delete();

    await container.delete();
    await rejects(driver.getContainer(container.name), ContainerDoesNotExistError);
  });

  it("deletes a container emptied by deleteDirectory", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    for (const name of ["a/1", "a/b/2", "c"]) await put(container, name, name);

    expect(await container.deleteDirectory("", { wholeContainer: true })).to.equal(3);
    await container.delete();
    await rejects(driver.getContainer(container.name), ContainerDoesNotExistError);
  });
}

function refusalTests(fixture: Fixture): void {
  it("refuses to create a container twice", async () => {
    const container = await fixture().newContainer();
    const error = await rejects(
      fixture().driver.createContainer(container.name),
      ContainerAlreadyExistsError,
    );
    expect(error.container).to.equal(container.name);
  });

  it("refuses to delete a container that holds objects", async () => {
    const container = await fixture().newContainer();
    await put(container, "keep.txt", "x");
    const error = await rejects(container.delete(), ContainerIsNotEmptyError);
    expect(error.code).to.equal("CONTAINER_IS_NOT_EMPTY");
    expect(error.container).to.equal(container.name);
    expect(await container.objectExists("keep.txt")).to.equal(true);
  });

  it("reports a missing container as ContainerDoesNotExistError", async () => {
    const { driver } = fixture();
    const error = await rejects(driver.getContainer(freshName()), ContainerDoesNotExistError);
    expect(error.code).to.equal("CONTAINER_DOES_NOT_EXIST");
    expect(error.driver).to.equal(driver.name);
  });

  it("refuses to delete a missing container", async () => {
    const { driver } = fixture();
    const container = await fixture().newContainer();
    await container.delete();

    const error = await rejects(driver.deleteContainer(container), ContainerDoesNotExistError);
    expect(error.container).to.equal(container.name);
  });

  it("refuses invalid container names before any request, naming the reason", async () => {
    const { driver } = fixture();
    for (const bad of ["", "a/b", "..", "nul\0byte"]) {
      const error = await rejects(driver.createContainer(bad), InvalidContainerNameError);
      expect(error.code).to.equal("INVALID_CONTAINER_NAME");
      expect(error.reason).to.equal(driver.containerNameProblem(bad));
      expect(error.reason).to.be.a("string").and.not.equal("");
      expect(error.driver).to.equal(driver.name);
      await rejects(driver.getContainer(bad), InvalidContainerNameError);
    }
  });
}
