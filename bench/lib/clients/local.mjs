// Plain fs streams doing what the local driver does, minus its guarantees (atomic replace,
// fsync, metadata records): the floor the driver is measured against.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export function rawLocalClient(spec) {
  // A directory of its own, beside the driver's container, so neither sees the other.
  const root = join(spec.root, `plain-${spec.container}`);
  const made = new Set();

  const parent = async (path) => {
    const dir = dirname(path);
    if (made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    made.add(dir);
  };

  return {
    name: "raw",
    async put(key, body) {
      const path = join(root, key);
      await parent(path);
      const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
      await pipeline(source, createWriteStream(path));
    },
    async get(key) {
      return createReadStream(join(root, key));
    },
    async list(prefix) {
      try {
        const entries = await readdir(join(root, prefix), { recursive: true, withFileTypes: true });
        return entries.filter((entry) => entry.isFile()).length;
      } catch (error) {
        if (error.code === "ENOENT") return 0;
        throw error;
      }
    },
    async deleteAll(prefix) {
      await rm(join(root, prefix), { recursive: true, force: true });
      made.clear();
    },
    close() {},
  };
}
