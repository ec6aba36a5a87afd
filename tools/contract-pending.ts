import "reflect-metadata";
import fs from "node:fs";
import { buildSchema, findBreakingChanges } from "graphql";
import { buildApiSchema } from "../src/schema/build";

/**
 * Development tool: prints what the emitted schema still lacks from contract/schema.graphql;
 * with --write it records that as test/contract-pending.json (which may only shrink over time).
 */
async function run(): Promise<void> {
  const contract = buildSchema(fs.readFileSync("contract/schema.graphql", "utf8"));
  const breaking = findBreakingChanges(contract, await buildApiSchema()).map((c) => c.description);
  if (process.argv.includes("--write")) {
    fs.writeFileSync("test/contract-pending.json", `${JSON.stringify(breaking, null, 2)}\n`);
  }
  console.log(breaking.length === 0 ? "the contract is fully served" : breaking.join("\n"));
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
