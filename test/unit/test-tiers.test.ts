import fs from "node:fs";
import path from "node:path";

/** Issue 13: every test folder belongs to exactly one tier, so no test silently falls outside the run. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require("../tiers.js") as { TIERS: Record<string, string[]> };

describe("test tiers", () => {
  it("every folder of test/ that holds tests is in exactly one tier", () => {
    const root = path.resolve(__dirname, "..");
    const folders = fs
      .readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== "support")
      .filter((d) =>
        fs.readdirSync(path.join(root, d.name), { recursive: true }).some((f) => String(f).endsWith(".test.ts")),
      )
      .map((d) => d.name);
    const tierOf = (folder: string) => Object.keys(config.TIERS).filter((t) => config.TIERS[t].includes(folder));
    expect(folders.filter((f) => tierOf(f).length !== 1)).toEqual([]);
  });
});
