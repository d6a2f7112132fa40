// Tests import the packages' TypeScript sources directly (the "@stowage/source" export
// condition), so a test run never depends on a stale build. The files to run come from the
// command line: `npx mocha packages/s3/test/contract.test.ts` runs one file, and
// `npm test` (scripts/test.mjs) runs them all.
module.exports = {
  "node-option": ["conditions=@stowage/source", "import=tsx"],
  extension: ["ts"],
  timeout: 60_000,
  reporter: "test/support/reporter.cjs",
  exit: true,
};
