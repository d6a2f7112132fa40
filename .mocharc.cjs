// Tests import the packages' TypeScript sources directly (the "@stowage/source" export
// condition), so a test run never depends on a stale build.
module.exports = {
  "node-option": ["conditions=@stowage/source", "import=tsx"],
  spec: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
  extension: ["ts"],
  timeout: 60_000,
  reporter: "test/support/reporter.cjs",
  exit: true,
};
