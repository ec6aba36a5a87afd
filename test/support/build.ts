import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

/** The newest modification time under a directory (ms). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

/**
 * A compiled build of src/ for tests that run the real entry points as processes: dist/ when it is
 * newer than every source file, otherwise one compiled into a temporary directory once per test run
 * (the directory is passed on through the environment, so later test files reuse it).
 */
export function compiledBuild(): string {
  const dist = path.join(root, "dist");
  if (
    fs.existsSync(path.join(dist, "src/main.js")) &&
    newest(path.join(dist, "src")) >= newest(path.join(root, "src"))
  ) {
    return dist;
  }
  const cached = process.env.MARGIN_TEST_BUILD;
  if (cached && fs.existsSync(path.join(cached, "src/main.js"))) return cached;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "margin-build-"));
  execFileSync(
    process.execPath,
    [
      path.join(root, "node_modules/typescript/bin/tsc"),
      "-p",
      "tsconfig.build.json",
      "--outDir",
      out,
      "--incremental",
      "false",
      "--tsBuildInfoFile",
      "null",
    ],
    { cwd: root, stdio: "pipe" },
  );
  process.env.MARGIN_TEST_BUILD = out;
  return out;
}
