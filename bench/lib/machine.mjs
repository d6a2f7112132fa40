// The machine a run measured, for the results header.
import { cpus, totalmem, platform, release } from "node:os";
import { readFileSync } from "node:fs";

import { serverVersions } from "./servers.mjs";

/** CPU model, cores, memory, OS, Node and the servers' versions. */
export function machineInfo() {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryGiB: +(totalmem() / 1024 ** 3).toFixed(1),
    os: `${platform()} ${release()}`,
    node: process.version,
    disk: rootFilesystem(),
    servers: serverVersions(),
  };
}

/** The filesystem type of the scratch directory's mount, where /proc tells it. */
function rootFilesystem() {
  try {
    const mounts = readFileSync("/proc/mounts", "utf8").split("\n");
    const root = mounts.map((line) => line.split(" ")).find((fields) => fields[1] === "/");
    return root ? root[2] : "unknown";
  } catch {
    return "unknown";
  }
}
