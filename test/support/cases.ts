// The shared object-name sets (shared/cases/object-names.json). The canonical file lives in
// the shared folder beside the repository, where CI lays it; a clone elsewhere falls back to
// the copy kept here, so the suite runs wherever the repository is cloned.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface NameSets {
  roundtrip: string[];
  awkward: string[];
  percent: string[];
  reject: string[];
}

const SHARED = new URL("../../../shared/cases/object-names.json", import.meta.url);
const COPY = new URL("./object-names.json", import.meta.url);

/** The name sets, read once. */
export const nameSets: NameSets = JSON.parse(readFileSync(source(), "utf8")) as NameSets;

function source(): string {
  const shared = fileURLToPath(SHARED);
  return existsSync(shared) ? shared : fileURLToPath(COPY);
}
