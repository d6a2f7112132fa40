import { expect } from "chai";

import { InvalidArgumentError, InvalidRangeError, resolveRange } from "@stowage/core";

describe("resolveRange", () => {
  const size = 10;

  it("keeps ranges inside the object", () => {
    expect(resolveRange(0, 3, size)).to.deep.equal({ start: 0, end: 3 });
    expect(resolveRange(9, 10, size)).to.deep.equal({ start: 9, end: 10 });
  });

  it("treats an omitted end as the end of the object", () => {
    expect(resolveRange(3, undefined, size)).to.deep.equal({ start: 3, end: 10 });
  });

  it("clamps an end past the object", () => {
    expect(resolveRange(0, 100, size)).to.deep.equal({ start: 0, end: 10 });
  });

  it("reads nothing when start equals end", () => {
    expect(resolveRange(5, 5, size)).to.deep.equal({ start: 5, end: 5 });
    expect(resolveRange(0, 0, 0)).to.deep.equal({ start: 0, end: 0 });
  });

  it("refuses a start at or past the end with InvalidRangeError", () => {
    expect(() => resolveRange(10, 12, size)).to.throw(InvalidRangeError);
    expect(() => resolveRange(12, 20, size)).to.throw(InvalidRangeError);
    expect(() => resolveRange(3, undefined, 0)).to.throw(InvalidRangeError);
  });

  it("refuses an end before the start, or a bad offset, with InvalidArgumentError", () => {
    expect(() => resolveRange(5, 2, size)).to.throw(InvalidArgumentError);
    expect(() => resolveRange(-1, 2, size)).to.throw(InvalidArgumentError);
    expect(() => resolveRange(1.5, 2, size)).to.throw(InvalidArgumentError);
  });
});
