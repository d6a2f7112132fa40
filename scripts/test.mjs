#!/usr/bin/env node
// Runs the whole suite. Each driver's tests start the server they need on 127.0.0.1
// (test/support/servers.ts) and stop it afterwards, so nothing else has to be running.
import { spawnSync } from "node:child_process";

const args = ["mocha", ...process.argv.slice(2)];
const result = spawnSync("npx", args, { stdio: "inherit" });
process.exit(result.status ?? 1);
