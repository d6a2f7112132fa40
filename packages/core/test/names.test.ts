import { objectNameProblem, containerNameProblem } from "@stowage/core";
import { expect } from "chai";

describe("the portable object-name rule", () => {
  const refused: [string, RegExp][] = [
    ["", /empty/],
    ["a\0b", /NUL/],
    [".", /'\.' segment/],
    ["..", /'\.\.' segment/],
    ["../escape.txt", /'\.\.' segment/],
    ["a/../../escape.txt", /'\.\.' segment/],
    ["./k", /'\.' segment/],
    ["a/./b", /'\.' segment/],
    ["x/..", /'\.\.' segment/],
    ["/lead", /starts with '\/'/],
    ["a//b", /empty segment/],
    ["trail/", /ends with '\/'/],
    ["bad\ud800surrogate", /surrogate/],
    ["\udc00low-first", /surrogate/],
    ["ends-high\ud83d", /surrogate/],
  ];

  for (const [name, reason] of refused) {
    it(`refuses ${JSON.stringify(name)} and says why`, () => {
      expect(objectNameProblem(name)).to.match(reason);
    });
  }

  it("accepts names other libraries mangle", () => {
    for (const name of [
      "a+b",
      "a b",
      "100%.csv",
      "%20",
      "a%2Fb",
      "café",
      "cafe\u0301",
      "..a",
      "a..",
      ".hidden",
      "🏋🏼‍♀️",
      "pair \ud83d\ude00",
      "trailing space ",
      "Icon\r",
    ]) {
      expect(objectNameProblem(name), name).to.equal(undefined);
    }
  });

  it("refuses container names with separators or dots only", () => {
    for (const bad of ["", "a/b", "a\\b", ".", "..", "a\0"])
      expect(containerNameProblem(bad), bad).to.be.a("string");
    expect(containerNameProblem("photos-2024")).to.equal(undefined);
  });
});
