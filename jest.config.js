/**
 * Tests in tiers (issue 13), each a Jest project (`npx jest --selectProjects service`):
 * unit — pure code, no database or server; service — services and SQL on both engines, no HTTP;
 * graphql — the schema and resolvers over a real server; http — the HTTP edge, processes, outages.
 * Every folder of test/ belongs to exactly one tier (test/unit/test-tiers.test.ts holds it).
 */
const { TIERS, MOVED } = require("./test/tiers.js");

const transform = {
  "^.+\\.ts$": [
    "@swc/jest",
    {
      jsc: {
        parser: { syntax: "typescript", decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: "es2022",
      },
      module: { type: "commonjs" },
    },
  ],
};

const moved = Object.values(MOVED).flat();

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: "<rootDir>/test/global-setup.ts",
  testTimeout: 60000,
  projects: Object.entries(TIERS).map(([tier, folders]) => ({
    displayName: tier,
    testEnvironment: "node",
    roots: ["<rootDir>/test"],
    testMatch: [
      ...folders.map((f) => `<rootDir>/test/${f}/**/*.test.ts`),
      ...(MOVED[tier] ?? []).map((f) => `<rootDir>/test/${f}`),
    ],
    testPathIgnorePatterns: ["/node_modules/", ...moved.filter((f) => !(MOVED[tier] ?? []).includes(f))],
    transform,
    setupFiles: ["<rootDir>/test/setup.ts"],
  })),
};
