import {
  InvalidArgumentError,
  InvalidContainerNameError,
  InvalidObjectNameError,
} from "./errors.js";

/**
 * The portable object-name rule, checked before any request on every driver. Names are
 * otherwise opaque: never decoded, re-encoded or Unicode-normalized. What is refused here is
 * what some backend would alias (`a//b` and `a/b` on a filesystem) or let escape (`..`).
 * Returns the reason a name is refused, or undefined when it is acceptable.
 */
export function objectNameProblem(name: string): string | undefined {
  if (typeof name !== "string") return "the name must be a string";
  if (name.length === 0) return "the name is empty";
  if (name.includes("\0")) return "the name contains a NUL character";
  if (name.startsWith("/")) return "the name starts with '/'";
  if (name.endsWith("/")) return "the name ends with '/'";

  for (const segment of name.split("/")) {
    if (segment === "") return "the name contains an empty segment ('//')";
    if (segment === "." || segment === "..") return `the name contains a '${segment}' segment`;
  }

  if (!isWellFormed(name)) return "the name contains an unpaired UTF-16 surrogate";
  return undefined;
}

/** Throws InvalidObjectNameError unless `name` passes the portable rule. */
export function assertValidObjectName(name: string, driver?: string): void {
  const problem = objectNameProblem(name);
  if (problem) throw new InvalidObjectNameError(name, problem, { driver });
}

/**
 * The rule every driver applies to container names before any request. Drivers add their
 * provider's own rules (S3 bucket names, Azure container names) on top.
 */
export function containerNameProblem(name: string): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "the name is empty";
  if (name.includes("\0")) return "the name contains a NUL character";
  if (name.includes("/") || name.includes("\\")) return "the name contains a path separator";
  if (name === "." || name === "..") return `"${name}" is not a container`;
  return undefined;
}

/** Throws InvalidContainerNameError unless `name` passes the portable container rule. */
export function assertValidContainerName(name: string, driver?: string): void {
  const problem = containerNameProblem(name);
  if (problem) throw new InvalidContainerNameError(String(name), problem, { driver });
}

/**
 * Turns a "directory" given by the caller into the prefix that selects only what is inside
 * it: `reports/2024` becomes `reports/2024/`, so that `reports/2024-old/` is left alone.
 */
export function directoryPrefix(directory: string): string {
  if (typeof directory !== "string" || directory === "" || directory === "/") {
    throw new InvalidArgumentError(
      "An empty directory selects the whole container; pass { wholeContainer: true } to mean that",
    );
  }
  return directory.endsWith("/") ? directory : `${directory}/`;
}

function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}
