/**
 * Which test folders make each tier (issue 13); jest.config.js builds one Jest project per tier, and
 * test/unit/test-tiers.test.ts holds every folder to exactly one.
 */
const TIERS = {
  unit: ["unit", "matching", "profile", "schema"],
  service: ["db", "demo", "matching-db", "profile-db", "replica", "service"],
  graphql: ["graphql", "hostile", "lifecycle"],
  http: ["http", "outage"],
};
/** Files whose folder is in one tier but which belong to another. */
const MOVED = { service: ["lifecycle/races.test.ts"] };

module.exports = { TIERS, MOVED };
