import { loadSharp } from "./sharp.js";
import type { DerivedContent, FileProcessor, WholeCandidate } from "../validators/types.js";

/** How a thumbnail is made. */
export interface ThumbnailOptions {
  /** The longest the thumbnail may be, in pixels. Default 128. */
  width?: number;
  height?: number;
  /** Default "webp". */
  format?: "webp" | "png" | "jpeg";
  /** The key in the value's `derived`. Default "thumbnail". */
  key?: string;
}

/**
 * Makes a thumbnail (with sharp) that fits within width x height, keeping the aspect ratio
 * and never enlarging. It is stored as a derived file of the original.
 */
export function thumbnail(options: ThumbnailOptions = {}): FileProcessor {
  const width = options.width ?? 128;
  const height = options.height ?? width;
  const format = options.format ?? "webp";

  return {
    key: options.key ?? "thumbnail",
    async process(file: WholeCandidate): Promise<DerivedContent> {
      const sharp = await loadSharp();
      const resized = sharp(file.path).resize(width, height, {
        fit: "inside",
        withoutEnlargement: true,
      });
      const { data, info } = await resized.toFormat(format).toBuffer({ resolveWithObject: true });
      const stem = file.filename.replace(/\.[^./]*$/, "");

      return {
        content: data,
        contentType: `image/${format}`,
        filename: `${stem}.thumbnail.${format === "jpeg" ? "jpg" : format}`,
        info: { width: info.width, height: info.height },
      };
    },
  };
}
