#!/usr/bin/env node
// Runs the whole suite, or the test files given as arguments. Each driver's tests start the
// server they need on 127.0.0.1 (test/support/servers.ts) and stop it afterwards, so
// nothing else has to be running.
import { spawnSync } from "node:child_process";

const ALL = ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"];

const args = process.argv.slice(2);
const files = args.some((arg) => !arg.startsWith("-")) ? [] : ALL;
const result = spawnSync("npx", ["mocha", ...args, ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
