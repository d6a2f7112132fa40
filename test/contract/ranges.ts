// Range reads (C17): Libcloud's convention, start inclusive and end exclusive, the same on
// every driver; bad ranges are refused by the core before any request.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

import { InvalidArgumentError, InvalidRangeError, type StorageObject } from "@stowage/core";
import { expect } from "chai";

import { bytesOf, goneObject, put, random, rejects, scratchDir, type Fixture } from "./support.js";

/** C17: [start, end, expected] on the object "0123456789". */
const RANGES: [number, number | undefined, string][] = [
  [0, 3, "012"],
  [2, 3, "2"],
  [9, 10, "9"],
  [0, 10, "0123456789"],
  [5, 5, ""],
  [3, undefined, "3456789"],
  [0, 100, "0123456789"],
];

export function rangeTests(fixture: Fixture): void {
  describe("ranges (C17)", () => {
    const digits = async (): Promise<StorageObject> => {
      const container = await fixture().newContainer();
      await put(container, "digits", "0123456789");
      return container.getObject("digits");
    };
    readTests(fixture, digits);
    refusalTests(fixture, digits);
  });
}

function readTests(fixture: Fixture, digits: () => Promise<StorageObject>): void {
  for (const [start, end, expected] of RANGES) {
    it(`reads (${start}, ${end ?? "open"}) as "${expected}"`, async () => {
      const obj = await digits();
      const stream = await obj.rangeAsStream(start, end);
      expect((await bytesOf(stream)).toString()).to.equal(expected);
    });
  }

  it("saves each range to a file", async () => {
    const { driver } = fixture();
    const obj = await digits();
    const dir = await scratchDir();

    for (const [i, [start, end, expected]] of RANGES.entries()) {
      const path = join(dir, `range-${i}`);
      expect(await driver.downloadObjectRange(obj, path, start, end)).to.equal(true);
      expect(await readFile(path, "utf8"), `range (${start}, ${end})`).to.equal(expected);
    }
  });

  it("reads the first, the last and middle bytes of a large object", async () => {
    const container = await fixture().newContainer();
    const body = random(3 * 1024 * 1024 + 17);
    const obj = await put(container, "large.bin", body);

    const cases: [number, number | undefined][] = [
      [0, 1],
      [body.length - 1, undefined],
      [1_000_000, 2_500_000],
    ];
    for (const [start, end] of cases) {
      const got = await bytesOf(await obj.rangeAsStream(start, end));
      expect(got.equals(body.subarray(start, end)), `range (${start}, ${end})`).to.equal(true);
    }
  });
}

function refusalTests(fixture: Fixture, digits: () => Promise<StorageObject>): void {
  it("refuses a start at or past the end with InvalidRangeError", async () => {
    const { driver } = fixture();
    const obj = await digits();

    for (const [start, end] of [
      [10, 12],
      [12, 20],
    ] as const) {
      const error = await rejects(obj.rangeAsStream(start, end), InvalidRangeError);
      expect(error.code).to.equal("INVALID_RANGE");
      expect(error.driver).to.equal(driver.name);
      expect(error.objectName).to.equal("digits");
    }
  });

  it("refuses an end before the start with InvalidArgumentError", async () => {
    const obj = await digits();
    await rejects(obj.rangeAsStream(5, 2), InvalidArgumentError);
    await rejects(obj.rangeAsStream(-1, 2), InvalidArgumentError);
  });

  it("refuses bad ranges before any request, and writes no file", async () => {
    // The object is gone: only a check made before any request can give the range errors.
    const obj = await goneObject(await fixture().newContainer(), "digits");
    const dir = await scratchDir();

    await rejects(obj.rangeAsStream(10, 12), InvalidRangeError);
    await rejects(obj.rangeAsStream(5, 2), InvalidArgumentError);
    await rejects(obj.downloadRange(join(dir, "r"), 12, 20), InvalidRangeError);
    expect(await readdir(dir)).to.deep.equal([]);
  });
}
