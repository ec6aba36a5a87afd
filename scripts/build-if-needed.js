// Compiles TypeScript when dist/ is missing or older than any source file, so `npm start` works on a
// fresh clone without a separate build step and costs nothing when the build is current.
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");
const marker = path.join(root, "dist", "src", "main.js");

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (entry.name.endsWith(".ts")) latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

const sources = Math.max(newest(path.join(root, "src")), fs.statSync(path.join(root, "ormconfig.ts")).mtimeMs);
const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
if (built < sources) {
  process.stderr.write("building…\n");
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
  fs.utimesSync(marker, new Date(), new Date());
}
