// Starts the built server on a fresh database, waits for /readyz, sends one authenticated GraphQL
// request and one without a token, then stops it with SIGTERM. Exits non-zero on any surprise.
const { spawn, execFileSync } = require("node:child_process");
const path = require("node:path");

const url = process.argv[2] ?? "sqlite::memory:";
const port = 4400 + Math.floor(Math.random() * 500);
const env = { ...process.env, DATABASE_URL: url, PORT: String(port), LOG_LEVEL: "warn", NODE_ENV: "development" };
const root = path.resolve(__dirname, "..");
const child = spawn(process.execPath, ["dist/src/main.js"], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
let out = "";
child.stdout.on("data", (d) => (out += d));

async function waitReady() {
  for (let i = 0; i < 240; i += 1) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not become ready");
}

async function main() {
  await waitReady();
  const token = execFileSync(process.execPath, ["dist/src/cli/token.js", "--role", "VIEWER", "--sub", "smoke"], {
    cwd: root,
    env,
  })
    .toString()
    .trim();
  const query = "{ clients(first: 5) { totalCount nodes { clientNo name portrait { creditRating } } } }";
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = await res.json();
  if (res.status !== 200 || body.errors || body.data.clients.nodes.length !== 5) {
    throw new Error(`unexpected answer ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  }
  if (!body.data.clients.nodes.every((n) => n.name.includes("*"))) throw new Error("a VIEWER saw an unmasked name");
  const anon = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  if (anon.status !== 401) throw new Error(`no token gave ${anon.status}, not 401`);
  if (!out.includes("RISK_OFFICER")) throw new Error("the demo tokens were not printed");
  // The dashboard (SPEC §13) is served by the API itself, bundle included: `npm run build` made it.
  const dashboard = await fetch(`http://127.0.0.1:${port}/dashboard`);
  const page = await dashboard.text();
  const bundle = /\/dashboard\/assets\/[A-Za-z0-9_.-]+\.js/.exec(page);
  if (dashboard.status !== 200 || !bundle)
    throw new Error(`/dashboard answered ${dashboard.status} without its bundle`);
  const script = await fetch(`http://127.0.0.1:${port}${bundle[0]}`);
  if (script.status !== 200) throw new Error(`${bundle[0]} answered ${script.status}`);
  console.log(
    `smoke: ready, ${body.data.clients.totalCount} clients served, names masked, 401 without a token, /dashboard served`,
  );
}

main()
  .then(
    () =>
      new Promise((resolve, reject) => {
        // Graceful shutdown: SIGTERM stops the server and closes the pool, exiting 0.
        const timer = setTimeout(() => reject(new Error("the server did not stop within 10 s of SIGTERM")), 10_000);
        child.on("exit", (code) => {
          clearTimeout(timer);
          if (code === 0) {
            console.log("smoke: SIGTERM → clean exit 0");
            resolve();
          } else reject(new Error(`the server exited ${code} after SIGTERM`));
        });
        child.kill("SIGTERM");
      }),
  )
  .catch((err) => {
    console.error(`smoke failed: ${err.message}`);
    child.kill("SIGTERM");
    process.exitCode = 1;
  });
