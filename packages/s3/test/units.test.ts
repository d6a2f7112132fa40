// The S3 driver's pure rules: part planning, bucket and key names, metadata encoding and the
// decoding and merging of listing pages.
import { expect } from "chai";
import { InvalidArgumentError } from "@stowage/core";

import { compareUtf8, decodeKey } from "../src/listing.js";
import { decodeMetadata, encodeMetadata } from "../src/metadata.js";
import { bucketNameProblem, keyProblem } from "../src/names.js";
import { transferSettings } from "../src/options.js";
import { partSizeFor, planUpload } from "../src/upload-plan.js";
import { MiB } from "./support.js";

const GiB = 1024 * MiB;

describe("S3 upload planning", () => {
  const settings = transferSettings({ partSize: 8 * MiB });

  it("sends up to the threshold in one request, and more in parts", () => {
    expect(planUpload(8 * MiB, settings)).to.deep.equal({ kind: "single" });
    const multipart = { kind: "multipart", partSize: 8 * MiB };
    expect(planUpload(8 * MiB + 1, settings)).to.deep.equal(multipart);
    expect(planUpload(undefined, settings)).to.deep.equal({ kind: "unknown", partSize: 8 * MiB });
  });

  it("grows the part size to fit 10,000 parts, in whole MiB", () => {
    expect(partSizeFor(80_000 * MiB, 8 * MiB)).to.equal(8 * MiB);
    expect(partSizeFor(80_000 * MiB + 1, 8 * MiB)).to.equal(9 * MiB);
    expect(partSizeFor(5 * 1024 * GiB, 8 * MiB) * 10_000).to.be.at.least(5 * 1024 * GiB);
  });

  it("refuses part sizes and queue sizes S3 or sense cannot take", () => {
    expect(() => transferSettings({ partSize: 4 * MiB })).to.throw(InvalidArgumentError, "5 MiB");
    expect(() => transferSettings({ queueSize: 0 })).to.throw(InvalidArgumentError);
    expect(() => transferSettings({ multipartThreshold: -1 })).to.throw(InvalidArgumentError);
  });
});

describe("S3 names", () => {
  it("accepts bucket names S3 accepts", () => {
    for (const name of ["abc", "my.bucket-1", "a".repeat(63), "123"]) {
      expect(bucketNameProblem(name)).to.equal(undefined);
    }
  });

  it("refuses bucket names S3 refuses", () => {
    const bad = ["ab", "a".repeat(64), "Caps", "under_score", ".dot", "dash-", "a..b"];
    bad.push("10.0.0.1", "xn--x", "x-s3alias");
    for (const name of bad) expect(bucketNameProblem(name), name).to.be.a("string");
  });

  it("limits keys to 1,024 bytes of UTF-8, not characters", () => {
    expect(keyProblem("x".repeat(1024))).to.equal(undefined);
    expect(keyProblem("é".repeat(512))).to.equal(undefined);
    expect(keyProblem("é".repeat(513))).to.contain("1024");
  });
});

describe("S3 metadata encoding", () => {
  it("leaves plain ASCII values alone", () => {
    expect(encodeMetadata({ a: "plain value" })).to.deep.equal({ a: "plain value" });
  });

  it("encodes non-ASCII, control characters, edge spaces and look-alikes reversibly", () => {
    const values = {
      a: "報告書.pdf",
      b: "tab\there",
      c: " padded ",
      d: "=?UTF-8?B?eA==?=",
      e: "",
    };

    const encoded = encodeMetadata(values);

    for (const value of Object.values(encoded)) expect(value).to.match(/^[\x20-\x7e]*$/);
    expect(encoded.a).to.match(/^=\?UTF-8\?B\?/);
    expect(decodeMetadata(encoded)).to.deep.equal(values);
  });

  it("decodes Q-encoded words other tools wrote", () => {
    const decoded = decodeMetadata({ name: "=?utf-8?q?caf=C3=A9_au_lait?=" });
    expect(decoded).to.deep.equal({ name: "café au lait" });
  });

  it("refuses keys S3 would change or cannot carry", () => {
    expect(() => encodeMetadata({ Upper: "x" })).to.throw(InvalidArgumentError, '"upper"');
    expect(() => encodeMetadata({ "with space": "x" })).to.throw(InvalidArgumentError);
    expect(() => encodeMetadata({ "ключ": "x" })).to.throw(InvalidArgumentError);
  });
});

describe("S3 listing keys", () => {
  it("decodes URL-encoded keys once, with either spelling of a space", () => {
    expect(decodeKey("a+b%2Bc")).to.equal("a b+c");
    expect(decodeKey("a%20b")).to.equal("a b");
    expect(decodeKey("100%2525")).to.equal("100%25");
    expect(decodeKey("Icon%0D")).to.equal("Icon\r");
  });

  it("orders by UTF-8 bytes", () => {
    expect(compareUtf8("\uFFFD", "😀")).to.be.below(0);
    expect("\uFFFD" < "😀").to.equal(false);
  });
});
