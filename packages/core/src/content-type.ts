import { lookup } from "mime-types";

/** The fallback for names whose extension says nothing. */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** Guesses a content type from an object name's extension, as Libcloud does on upload. */
export function contentTypeFor(objectName: string): string {
  return lookup(objectName) || DEFAULT_CONTENT_TYPE;
}
