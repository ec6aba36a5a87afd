// Compiles TypeScript when dist/ is missing or older than any source file, so `npm start` works on a
// fresh clone without a separate build step and costs nothing when the build is current. With the
// argument `tools`, it then does the same for the tools (tools/tsconfig.json → dist-tools/), which
// import from src/ but are not part of the service's build; with `dashboard` (npm start), it bundles
// the dashboard (dashboard/ → dist/dashboard, Vite) when it is missing or older than its sources.
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (entry.name.endsWith(".ts")) latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

/** The newest modification time of any file under a directory (the dashboard has HTML and CSS too). */
function newestFile(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newestFile(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

function buildIfStale(project, marker, sources) {
  const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
  if (built >= sources) return;
  process.stderr.write(`building ${project}…\n`);
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", project], {
    cwd: root,
    stdio: "inherit",
  });
  fs.utimesSync(marker, new Date(), new Date());
}

const service = Math.max(newest(path.join(root, "src")), fs.statSync(path.join(root, "ormconfig.ts")).mtimeMs);
buildIfStale("tsconfig.build.json", path.join(root, "dist", "src", "main.js"), service);
if (process.argv.includes("tools")) {
  const tools = Math.max(
    service,
    newest(path.join(root, "tools")),
    fs.statSync(path.join(root, "tsconfig.json")).mtimeMs,
  );
  buildIfStale(path.join("tools", "tsconfig.json"), path.join(root, "dist-tools", "tools", "bench", "main.js"), tools);
}
if (process.argv.includes("dashboard")) {
  const sources = Math.max(
    newestFile(path.join(root, "dashboard")),
    fs.statSync(path.join(root, "package-lock.json")).mtimeMs,
  );
  const marker = path.join(root, "dist", "dashboard", "index.html");
  const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
  if (built < sources) {
    process.stderr.write("building dashboard…\n");
    const vite = path.join(path.dirname(require.resolve("vite/package.json")), "bin", "vite.js");
    execFileSync(process.execPath, [vite, "build", "dashboard"], { cwd: root, stdio: "inherit" });
  }
}
