/**
 * Throughput with Redis up, dead and hung (issue 12, defect 6): the same API, the same 8 concurrent
 * clients, three runs. Losing Redis must cost the throttle its shared buckets, not the API its
 * throughput: the target is at least 80 % of the Redis-up figure in both outage runs.
 *
 *   npm run redis-outage-bench -- [--seconds 15] [--rounds 2] [--connections 8] [--db <DATABASE_URL>] [--redis <url>]
 *
 * The three runs alternate, round after round, so a neighbour's load on the machine falls on all
 * three alike; each figure is the mean of its rounds.
 *
 * Seeds a demo book into a throwaway SQLite file (or uses --db), starts `node dist/src/main.js` once per run with REDIS_URL set to: the real Redis; a port nothing listens
 * on; a TCP server of this script that accepts connections and never answers. Exits 1 when an
 * outage run falls below the target.
 */
import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { loadConfig } from "../src/config";
import { Role } from "../src/domain/enums";
import { mintToken } from "../src/services/access/tokens";
import { freePort } from "./bench/processes";
import { sleep } from "./bench/settings";
import { ROOT as root } from "./root";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const SECONDS = Number(option("seconds", "15"));
const ROUNDS = Number(option("rounds", "2"));
const CONNECTIONS = Number(option("connections", "8"));
const REDIS_UP = option("redis", "redis://127.0.0.1:6379");
const TARGET = 0.8;
const QUERY = "{ clients(first: 20) { nodes { clientNo branch portrait { creditRating } } } }";

type Env = Record<string, string>;
interface Api {
  child: ChildProcess;
  port: number;
}

/** Accepts every connection and never answers: Redis after SIGSTOP. */
async function hungRedis(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on("data", () => undefined);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const address = srv.address();
  return {
    url: `redis://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
}

function redisAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port || 6379), u.hostname);
    const done = (ok: boolean) => {
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
let running: ChildProcess | null = null;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    running?.kill("SIGKILL");
    process.exit(130);
  });
}

async function startApi(env: Env): Promise<Api> {
  const port = await freePort();
  const child = (running = spawn(process.execPath, ["dist/src/main.js"], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  }));
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
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

async function stopApi(api: Api): Promise<void> {
  if (api.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => api.child.once("exit", () => resolve()));
  api.child.kill("SIGTERM");
  const timer = setTimeout(() => api.child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

function load(port: number, token: string, seconds: number): Promise<autocannon.Result> {
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

async function metricsOf(port: number): Promise<{ redis: number; local: number; trips: number }> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return {
    redis: value(/^rate_limit_decisions_total\{backend="redis"\} (\d+)/m),
    local: value(/^rate_limit_decisions_total\{backend="local"\} (\d+)/m),
    trips: value(/^rate_limit_breaker_trips_total (\d+)/m),
  };
}

async function run(label: string, redisUrl: string, base: Env) {
  const api = await startApi({ ...base, REDIS_URL: redisUrl });
  try {
    const secret = loadConfig({ ...process.env, ...base }).authJwtSecret;
    const token = await mintToken(secret, { sub: "bench", roles: [Role.ANALYST] }, 12 * 3600);
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

async function main(): Promise<void> {
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
    const runs: Record<"up" | "dead" | "hung", { reqPerSecond: number }[]> = { up: [], dead: [], hung: [] };
    for (let round = 1; round <= ROUNDS; round += 1) {
      process.stdout.write(`round ${round} of ${ROUNDS}\n`);
      runs.up.push(await run(`Redis up (${REDIS_UP})`, REDIS_UP, base));
      runs.dead.push(await run("Redis dead (closed port)", `redis://127.0.0.1:${await freePort()}`, base));
      runs.hung.push(await run("Redis hung (accepts, never answers)", hung.url, base));
    }
    const mean = (list: { reqPerSecond: number }[]) => list.reduce((sum, f) => sum + f.reqPerSecond, 0) / list.length;
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

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
