import { expect } from "chai";

import {
  FileValidationError,
  contentTypes,
  formatSize,
  image,
  maxSize,
  NewFile,
  parseSize,
  thumbnail,
} from "@stowage/file-field";

import { storeOne } from "./support-store.js";
import { type Storages, png, rejection, storages } from "./support.js";

describe("FileField validators and processors", () => {
  let s: Storages;
  beforeEach(async () => (s = await storages()));
  afterEach(() => s.cleanup());

  describe("sizes", () => {
    it("reads IEC units as powers of 2 and SI units as powers of 10", () => {
      expect(parseSize("10 MiB")).to.equal(10 * 2 ** 20);
      expect(parseSize("10 MB")).to.equal(10_000_000);
      expect(parseSize("2 GB")).to.equal(2e9);
      expect(parseSize("2GiB")).to.equal(2 * 2 ** 30);
      expect(parseSize("1.5 kB")).to.equal(1500);
      expect(parseSize("512")).to.equal(512);
      expect(parseSize(0)).to.equal(0);
      expect(formatSize(10 * 2 ** 20)).to.equal("10 MiB");
    });

    it("refuses sizes it cannot read, with a code", () => {
      for (const bad of ["ten MB", "10 XB", "-1", -1, 1.5, ""]) {
        expect(() => parseSize(bad as string))
          .to.throw()
          .with.property("code", "INVALID_FIELD_OPTIONS");
      }
    });

    it("stops a stream over the limit, naming the field, and stores nothing", async () => {
      async function* big() {
        for (let i = 0; i < 64; i++) yield Buffer.alloc(64 * 1024, i);
      }
      const error = await rejection(
        storeOne({ validators: [maxSize("1 MiB")] }, big(), "attachment"),
      );
      expect(error)
        .to.be.instanceOf(FileValidationError)
        .and.include({ code: "FILE_TOO_LARGE", field: "attachment" });
      expect(error.message).to.match(/^attachment: file is larger than the 1 MiB allowed/);
      expect(await s.names("first")).to.deep.equal([]);
    });

    it("stops an oversized file that is spooled for an image check, naming the field", async () => {
      const field = { validators: [maxSize("1 KiB"), image()] };
      const error = await rejection(storeOne(field, Buffer.alloc(4096, 7), "cover"));
      expect(error).to.include({ code: "FILE_TOO_LARGE", field: "cover" });
      expect(await s.names("first")).to.deep.equal([]);
    });

    it("accepts a file of exactly the limit", async () => {
      const value = await storeOne({ validators: [maxSize(1024)] }, Buffer.alloc(1024));
      expect(value.size).to.equal(1024);
    });
  });

  describe("content types, judged from the bytes", () => {
    it("records what the bytes are, whatever the name or claim says", async () => {
      const bytes = await png(8, 8);
      const file = new NewFile(bytes, { filename: "notes.txt", contentType: "text/plain" });
      const value = await storeOne({ validators: [contentTypes(["image/*"])] }, file);
      expect(value.contentType).to.equal("image/png");
      expect(value.filename).to.equal("notes.txt");
      expect(value.objectName).to.match(/^[0-9a-f-]{36}\.txt$/);
    });

    it("refuses text that claims to be an image", async () => {
      const file = new NewFile("hello", { filename: "photo.png", contentType: "image/png" });
      const error = await rejection(
        storeOne({ validators: [contentTypes(["image/png"])] }, file, "photo"),
      );
      expect(error).to.include({ code: "CONTENT_TYPE_NOT_ALLOWED", field: "photo" });
      expect(error.message).to.include("application/octet-stream");
      expect(await s.names("first")).to.deep.equal([]);
    });

    it("keeps the claim of text formats that have no magic number", async () => {
      const file = new NewFile("a,b\n1,2\n", { filename: "data.csv" });
      const value = await storeOne(
        { validators: [contentTypes(["text/csv", "application/pdf"])] },
        file,
      );
      expect(value.contentType).to.equal("text/csv");
    });

    it("matches wildcards and exact types only", async () => {
      const error = await rejection(
        storeOne({ validators: [contentTypes(["image/*"])] }, "plain text"),
      );
      expect(error).to.include({ code: "CONTENT_TYPE_NOT_ALLOWED" });
      expect(error.message).to.include("text/plain");
    });

    it("matches a wildcard only with a type recognised from the bytes", async () => {
      const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
      for (const contentType of ["image/svg+xml", "image/x-anything"]) {
        const file = new NewFile(svg, { filename: "logo.svg", contentType });
        const error = await rejection(
          storeOne({ validators: [contentTypes(["image/*"])] }, file, "logo"),
        );
        expect(error).to.include({ code: "CONTENT_TYPE_NOT_ALLOWED", field: "logo" });
        expect(error.message).to.include(contentType).and.include("not recognised");
      }
      expect(await s.names("first")).to.deep.equal([]);

      const file = new NewFile(svg, { filename: "logo.svg", contentType: "image/svg+xml" });
      const listed = contentTypes(["image/*", "image/svg+xml"]);
      const value = await storeOne({ validators: [listed] }, file);
      expect(value.contentType).to.equal("image/svg+xml");
    });

    it("takes text/* for bytes that look like text, and never for binary bytes", async () => {
      const textOnly = { validators: [contentTypes(["text/*"])] };
      const csv = await storeOne(textOnly, new NewFile("a,b\n1,2\n", { filename: "d.csv" }));
      expect(csv.contentType).to.equal("text/csv");

      const binary = new NewFile(Buffer.from([0x00, 0x9f, 0x00, 0x01]), { filename: "d.csv" });
      const error = await rejection(storeOne(textOnly, binary, "data"));
      expect(error).to.include({ code: "CONTENT_TYPE_NOT_ALLOWED", field: "data" });
      expect(error.message).to.include("application/octet-stream");
      expect(await s.names("first")).to.deep.equal([csv.objectName]);
    });
  });

  describe("images", () => {
    it("records width and height, and checks bounds and aspect ratio", async () => {
      const bytes = await png(160, 90);
      const value = await storeOne(
        { validators: [image({ maxWidth: 200, aspectRatio: "16:9" })] },
        bytes,
      );
      expect(value.info).to.deep.equal({ width: 160, height: 90 });

      const small = await rejection(
        storeOne({ validators: [image({ minWidth: 200 })] }, bytes, "cover"),
      );
      expect(small).to.include({ code: "IMAGE_DIMENSIONS", field: "cover" });
      expect(small.message).to.include("160x90").and.include("narrower than 200 px");

      const ratio = await rejection(storeOne({ validators: [image({ aspectRatio: 1 })] }, bytes));
      expect(ratio).to.include({ code: "IMAGE_ASPECT_RATIO" });
    });

    it("refuses what is not an image", async () => {
      const error = await rejection(storeOne({ validators: [image()] }, "no pixels here"));
      expect(error).to.include({ code: "NOT_AN_IMAGE" });
    });

    it("stores a thumbnail as a derived file that fits the box", async () => {
      const value = await storeOne(
        { processors: [thumbnail({ width: 32, format: "png" })] },
        await png(100, 50),
      );
      const thumb = value.derived.thumbnail!;
      expect(thumb.contentType).to.equal("image/png");
      expect(thumb.info).to.deep.equal({ width: 32, height: 16 });
      expect(thumb.filename).to.equal("unnamed.thumbnail.png");
      expect(value.paths).to.deep.equal([value.path, thumb.path]);
      expect((await thumb.read()).subarray(1, 4).toString()).to.equal("PNG");
      expect(await s.names("first")).to.deep.equal([value.objectName, thumb.objectName].sort());
    });
  });
});
