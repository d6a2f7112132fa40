export { maxSize, fileTooLarge } from "./size.js";
export { contentTypes } from "./content-type.js";
export { image, type ImageRules } from "./image.js";
export type {
  Candidate,
  WholeCandidate,
  FileValidator,
  FileProcessor,
  DerivedContent,
} from "./types.js";
