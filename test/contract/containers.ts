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
    });

    it("iterates containers lazily", async () => {
      const { driver } = fixture();
      const container = await fixture().newContainer();
      const seen: string[] = [];
      for await (const c of driver.iterateContainers()) seen.push(c.name);
      expect(seen).to.include(container.name);
    });

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
      await rejects(container.delete(), ContainerIsNotEmptyError);
      expect(await container.objectExists("keep.txt")).to.equal(true);
    });

    it("reports a missing container as ContainerDoesNotExistError", async () => {
      const { driver } = fixture();
      const error = await rejects(driver.getContainer(freshName()), ContainerDoesNotExistError);
      expect(error.code).to.equal("CONTAINER_DOES_NOT_EXIST");
      expect(error.driver).to.equal(driver.name);
    });

    it("refuses invalid container names before any request", async () => {
      const { driver } = fixture();
      for (const bad of ["", "a/b", "..", "nul\0byte"]) {
        await rejects(driver.createContainer(bad), InvalidContainerNameError);
        expect(driver.containerNameProblem(bad)).to.be.a("string");
      }
    });
  });
}
