// Throughput with Redis up, dead and hung (issue 12, defect 6): the same API, the same 8 concurrent
// clients, three runs. Losing Redis must cost the throttle its shared buckets, not the API its
// throughput: the target is at least 80 % of the Redis-up figure in both outage runs.
//
//   node scripts/redis-outage-bench.js [--seconds 15] [--rounds 2] [--connections 8] [--db <DATABASE_URL>] [--redis <url>]
//
// The three runs alternate, round after round, so a neighbour's load on the machine falls on all
// three alike; each figure is the mean of its rounds.
// Builds dist/ when stale, seeds a demo book into a throwaway SQLite file (or uses --db), starts
// `node dist/src/main.js` once per run with REDIS_URL set to: the real Redis; a port nothing listens
// on; a TCP server of this script that accepts connections and never answers. Exits 1 when an
// outage run falls below the target.
const { execFileSync, spawn } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const SECONDS = Number(option("seconds", "15"));
const ROUNDS = Number(option("rounds", "2"));
const CONNECTIONS = Number(option("connections", "8"));
const REDIS_UP = option("redis", "redis://127.0.0.1:6379");
const TARGET = 0.8;
const QUERY = "{ clients(first: 20) { nodes { clientNo branch portrait { creditRating } } } }";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Accepts every connection and never answers: Redis after SIGSTOP. */
async function hungRedis() {
  const sockets = new Set();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on("data", () => undefined);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((resolve) => srv.listen(0, "127.0.0.1", resolve));
  return {
    url: `redis://127.0.0.1:${srv.address().port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => srv.close(resolve));
    },
  };
}

function redisAnswers(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port || 6379), u.hostname);
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.on("error", () => done(false));
    s.on("connect", () => s.write("PING\r\n"));
    s.on("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}

/** The API child running now, stopped should this script be interrupted. */
let running = null;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    running?.kill("SIGKILL");
    process.exit(130);
  });
}

async function startApi(env) {
  const port = await freePort();
  const child = (running = spawn(process.execPath, ["dist/src/main.js"], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  }));
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}): ${stderr}`);
    const status = await fetch(`http://127.0.0.1:${port}/readyz`)
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return { child, port };
    if (Date.now() > deadline) throw new Error(`the API was not ready within 180 s: ${stderr}`);
    await sleep(250);
  }
}

async function stopApi(api) {
  if (api.child.exitCode !== null) return;
  const exited = new Promise((resolve) => api.child.once("exit", resolve));
  api.child.kill("SIGTERM");
  const timer = setTimeout(() => api.child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

function load(port, token, seconds) {
  const autocannon = require("autocannon");
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/graphql`,
        method: "POST",
        connections: CONNECTIONS,
        duration: seconds,
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: QUERY }),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function metricsOf(port) {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  const value = (re) => Number(re.exec(text)?.[1] ?? 0);
  return {
    redis: value(/^rate_limit_decisions_total\{backend="redis"\} (\d+)/m),
    local: value(/^rate_limit_decisions_total\{backend="local"\} (\d+)/m),
    trips: value(/^rate_limit_breaker_trips_total (\d+)/m),
  };
}

async function run(label, redisUrl, base) {
  const api = await startApi({ ...base, REDIS_URL: redisUrl });
  try {
    const token = execFileSync(process.execPath, ["dist/src/cli/token.js", "--role", "ANALYST", "--sub", "bench"], {
      cwd: root,
      env: { ...process.env, ...base },
    })
      .toString()
      .trim();
    const probe = await fetch(`http://127.0.0.1:${api.port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const answer = await probe.text();
    if (probe.status !== 200 || answer.includes('"errors"'))
      throw new Error(`the query fails: ${answer.slice(0, 300)}`);
    await load(api.port, token, 3); // warm-up: JIT, caches, the breaker's first trip
    const result = await load(api.port, token, SECONDS);
    const ok = result["2xx"];
    const figures = {
      label,
      reqPerSecond: ok / SECONDS,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      ...(await metricsOf(api.port)),
    };
    process.stdout.write(
      `${label.padEnd(34)} ${figures.reqPerSecond.toFixed(1).padStart(8)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  ` +
        `non-2xx ${figures.non2xx}  errors ${figures.errors}  throttle decisions redis ${figures.redis} / local ${figures.local}, breaker trips ${figures.trips}\n`,
    );
    return figures;
  } finally {
    await stopApi(api);
  }
}

async function main() {
  execFileSync(process.execPath, [path.join(root, "scripts/build-if-needed.js")], { cwd: root, stdio: "inherit" });
  if (!(await redisAnswers(REDIS_UP))) throw new Error(`no Redis answers at ${REDIS_UP}: start one, or pass --redis`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "redis-outage-bench-"));
  const base = {
    NODE_ENV: "development",
    LOG_LEVEL: "warn",
    DATABASE_URL: option("db", `sqlite:${path.join(dir, "bench.sqlite")}`),
    SEED_DEMO: "true",
    // The throttle is asked on every request but never refuses: what is measured is asking it.
    RATE_LIMIT_PER_MINUTE: "1000000000",
  };
  const hung = await hungRedis();
  try {
    process.stdout.write(
      `${CONNECTIONS} connections, ${SECONDS} s per run, ${base.DATABASE_URL.startsWith("sqlite") ? "SQLite" : "MySQL"}, ` +
        `MAX_CONCURRENT_REQUESTS ${process.env.MAX_CONCURRENT_REQUESTS ?? "4 (default)"}\n`,
    );
    // Seeds the book (first start on an empty database) before anything is measured.
    await stopApi(await startApi({ ...base, REDIS_URL: REDIS_UP }));
    const runs = { up: [], dead: [], hung: [] };
    for (let round = 1; round <= ROUNDS; round += 1) {
      process.stdout.write(`round ${round} of ${ROUNDS}\n`);
      runs.up.push(await run(`Redis up (${REDIS_UP})`, REDIS_UP, base));
      runs.dead.push(await run("Redis dead (closed port)", `redis://127.0.0.1:${await freePort()}`, base));
      runs.hung.push(await run("Redis hung (accepts, never answers)", hung.url, base));
    }
    const mean = (list) => list.reduce((sum, f) => sum + f.reqPerSecond, 0) / list.length;
    const [up, dead, hang] = [mean(runs.up), mean(runs.dead), mean(runs.hung)];
    process.stdout.write(
      `mean req/s: Redis up ${up.toFixed(1)}, dead ${dead.toFixed(1)}, hung ${hang.toFixed(1)}\n` +
        `ratio dead/up ${((100 * dead) / up).toFixed(1)} %, hung/up ${((100 * hang) / up).toFixed(1)} % ` +
        `(target ≥ ${TARGET * 100} %)\n`,
    );
    if (dead / up < TARGET || hang / up < TARGET) process.exitCode = 1;
  } finally {
    await hung.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
