import type { Sharp, SharpOptions } from "sharp";

import { FileFieldError, FileFieldErrorCode } from "../errors.js";

type SharpFactory = (input?: string | Buffer, options?: SharpOptions) => Sharp;

let loaded: Promise<SharpFactory> | undefined;

/**
 * sharp, loaded on first use: it is an optional peer dependency, needed only by the image
 * validator and the thumbnail processor, so the rest of the package works without it.
 * @throws FileFieldError (INVALID_FIELD_OPTIONS) when sharp is not installed
 */
export function loadSharp(): Promise<SharpFactory> {
  loaded ??= import("sharp").then(
    (module) => module.default as SharpFactory,
    (cause) => {
      loaded = undefined;
      throw new FileFieldError(
        FileFieldErrorCode.INVALID_FIELD_OPTIONS,
        "image checks and thumbnails need sharp: npm install sharp",
        { cause },
      );
    },
  );
  return loaded;
}
