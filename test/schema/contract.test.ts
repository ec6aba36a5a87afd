import fs from "node:fs";
import path from "node:path";
import { buildSchema, findBreakingChanges } from "graphql";
import { buildApiSchema } from "../../src/schema/build";
import { printApiSchema } from "../../src/schema/print";

const root = path.resolve(__dirname, "../..");
const shared = path.resolve(root, "../shared/contract/schema.graphql");
const vendored = path.join(root, "contract/schema.graphql");

/** What later issues still have to add; this list only ever shrinks. */
const pending: string[] = JSON.parse(fs.readFileSync(path.join(root, "test/contract-pending.json"), "utf8"));

describe("the public GraphQL contract", () => {
  it("the vendored copy of the contract is the shared one", () => {
    if (fs.existsSync(shared)) {
      expect(fs.readFileSync(vendored, "utf8")).toBe(fs.readFileSync(shared, "utf8"));
    }
  });

  it("the emitted schema breaks nothing in the contract beyond the committed pending list", async () => {
    const contract = buildSchema(fs.readFileSync(vendored, "utf8"));
    const emitted = await buildApiSchema();
    const breaking = findBreakingChanges(contract, emitted).map((c) => c.description);
    const unexpected = breaking.filter((d) => !pending.includes(d));
    expect(unexpected).toEqual([]);
    // A pending item that is no longer breaking must leave the list.
    const stale = pending.filter((d) => !breaking.includes(d));
    expect(stale).toEqual([]);
  });

  it("schema.graphql at the project root is the emitted schema (run npm run emit-schema)", async () => {
    const committed = fs.readFileSync(path.join(root, "schema.graphql"), "utf8");
    expect(committed).toBe(printApiSchema(await buildApiSchema()));
  });
});
