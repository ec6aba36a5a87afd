/**
 * Subscriptions under load (issue 15): one API instance, 1,000 subscribers of `alertRaised`, end-of-day
 * valuations raising alerts at 100 per second. Prints the delivery latency (p50, p95, p99, max) and the
 * API's peak RSS. Targets: p99 < 200 ms, RSS < 300 MB (figures, not assertions).
 *
 *   npm run bench:subscriptions -- [--subscribers 1000] [--rate 100] [--seconds 20] [--officers 50]
 *                                  [--db mysql://root@127.0.0.1:3306/margin_bench_live]
 *                                  [--workers 1] [--redis redis://127.0.0.1:6379] [--warmup 3]
 *                                  [--contend 0]
 *
 * `--warmup S` first runs S seconds of the same load (0: none), printed apart: like the main bench's
 * BENCH_WARMUP, the figures are those of a process that has run this load before, not its first seconds.
 *
 * `--contend N` keeps N other processes busy (a loop each, at the API's priority) from the warm-up to the
 * end of the measured load: the API then shares the machine's cores with them as well as with MariaDB and
 * this client, as on a host whose cores are busy with other work or slower than this one.
 *
 * `--workers N` runs the API at WORKERS=N (node:cluster, events between the workers through Redis at
 * `--redis`); RSS and CPU are then the sums over the primary and its workers.
 *
 * The database is created afresh and the API seeds its 2,000-client demo book into it. Subscribers are
 * relationship managers spread over the book's branches (each hears its branch's alerts only) and
 * `--officers` risk officers (every alert). Each second, `rate` facilities are valued below their
 * margin-call line in batches of 5 (one alert each); a facility valued back above its lines resolves its
 * Latency is from the alert's `raisedAt` (the API's clock as the write runs) to the moment a
 * subscriber's socket received it, so it includes the commit, the feed's read and each subscriber's
 * execution; the valuation round trip is printed apart. The bench client runs on the same machine and
 * takes CPU from it, which the figures include.
 */
import "reflect-metadata";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import WebSocket from "ws";
import { loadConfig } from "../src/config";
import { Role } from "../src/domain/enums";
import { toGlobalId } from "../src/domain/global-id";
import { mintToken } from "../src/services/access/tokens";
import { freePort } from "./bench/processes";
import { sleep } from "./bench/settings";
import { ROOT as root } from "./root";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const SUBSCRIBERS = Number(option("subscribers", "1000"));
const OFFICERS = Number(option("officers", "50"));
const WORKERS = Number(option("workers", "1"));
const REDIS = option("redis", "redis://127.0.0.1:6379");
const RATE = Number(option("rate", "100"));
const SECONDS = Number(option("seconds", "20"));
const WARMUP = Number(option("warmup", "3"));
const CONTEND = Number(option("contend", "0"));
const DB = option("db", "mysql://root@127.0.0.1:3306/margin_bench_live");
const PER_MUTATION = 5;
const SUBSCRIPTION = `subscription { alertRaised { id kind severity message raisedAt client { clientNo branch } facility { id status maintenanceRatio } } }`;
const NEXT = Buffer.from('"type":"next"');
const RAISED_AT = Buffer.from('"raisedAt":"');
const ACK = Buffer.from('"type":"connection_ack"');
const PING = Buffer.from('"type":"ping"');
const VALUATIONS = `mutation($input: RecordFacilityValuationsInput!) { recordFacilityValuations(input: $input) { alertsRaised userErrors { code } } }`;

/**
 * The demo book has a few dozen active facilities; the load needs `wanted` so that a facility is valued
 * down again only seconds later. Copies of an active facility are given to clients without one (spread
 * over every branch), in one statement.
 */
async function widenBook(db: mysql.Connection, schema: string, wanted: number): Promise<void> {
  const [[{ n }]] = (await db.query(
    "SELECT COUNT(*) AS n FROM `credit_facility` WHERE `status` = 'ACTIVE'",
  )) as unknown as [{ n: number }[]];
  if (Number(n) >= wanted) return;
  const [cols] = (await db.query(
    "SELECT `COLUMN_NAME` AS c FROM information_schema.`COLUMNS` WHERE `TABLE_SCHEMA` = ? AND `TABLE_NAME` = 'credit_facility' AND `COLUMN_NAME` <> 'id' AND `EXTRA` NOT LIKE '%GENERATED%' ORDER BY `ORDINAL_POSITION`",
    [schema],
  )) as unknown as [{ c: string }[]];
  const names = cols.map((r) => `\`${r.c}\``).join(", ");
  const picks = cols.map((r) => (r.c === "clientId" ? "c.`id`" : `f.\`${r.c}\``)).join(", ");
  await db.query(
    `INSERT INTO \`credit_facility\` (${names})
     SELECT ${picks} FROM \`credit_facility\` f
     CROSS JOIN (SELECT x.\`id\` FROM \`client\` x WHERE NOT EXISTS (SELECT 1 FROM \`credit_facility\` y WHERE y.\`clientId\` = x.\`id\`) ORDER BY x.\`id\` LIMIT ?) c
     WHERE f.\`id\` = (SELECT MIN(z.\`id\`) FROM \`credit_facility\` z WHERE z.\`status\` = 'ACTIVE')`,
    [wanted - Number(n)],
  );
}

/** A Prometheus histogram's cumulative buckets: upper bound (ms) and count. */
function histogram(text: string, name: string): { le: number; n: number }[] {
  return [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, "gm"))].map((m) => ({
    le: m[1] === "+Inf" ? Infinity : Number(m[1]) * 1000,
    n: Number(m[2]),
  }));
}

/**
 * The p50 and p99 of what a histogram counted between two readings, as the upper bounds (ms) of the
 * buckets that hold them.
 */
function bucketQuantiles(
  before: { le: number; n: number }[],
  after: { le: number; n: number }[],
): { p50: number; p99: number; count: number } {
  const buckets = after.map((b, i) => ({ le: b.le, n: b.n - (before[i]?.n ?? 0) }));
  const count = buckets.length > 0 ? buckets[buckets.length - 1].n : 0;
  const at = (q: number) => buckets.find((b) => b.n >= q * count)?.le ?? NaN;
  return { p50: at(0.5), p99: at(0.99), count };
}

/** The MariaDB server on the bench's port, if this machine runs it (its CPU is printed beside the API's). */
function mariadbPid(): number | null {
  const port = Number(new URL(DB).port || 3306);
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!cmd.includes("mariadbd") && !cmd.includes("mysqld")) continue;
      const portArg = /--port=(\d+)/.exec(cmd);
      if (Number(portArg?.[1] ?? 3306) === port) return Number(entry);
    } catch {
      /* gone */
    }
  }
  return null;
}

/** A process and its descendants (the cluster's workers), from /proc. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  for (const queue = [root]; queue.length > 0;) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** Write system calls (socket writes included) a process has made, from /proc. */
function writeCalls(pid: number): number {
  return Number(/^syscw: (\d+)/m.exec(fs.readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? 0);
}

/** A figure summed over a process and its descendants (the cluster's workers). */
function treeSum(root: number, figure: (pid: number) => number): number {
  return processTree(root).reduce((sum, pid) => {
    try {
      return sum + figure(pid);
    } catch {
      return sum; // exited meanwhile
    }
  }, 0);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function freshDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const admin = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || "root"),
    password: decodeURIComponent(u.password),
  });
  const name = u.pathname.slice(1);
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
}

async function main(): Promise<void> {
  const secret = loadConfig({ NODE_ENV: "development" }).authJwtSecret;
  console.log(`database ${new URL(DB).pathname.slice(1)} (fresh); the API seeds its demo book…`);
  await freshDatabase(DB);
  const port = await freePort();
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/live-prof" profiles the API.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, "dist/src/main.js")], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: DB,
      PORT: String(port),
      SEED_DEMO: "true",
      LOG_LEVEL: "warn",
      MAX_WS_CONNECTIONS_PER_SUBJECT: "10",
      MAX_CONCURRENT_REQUESTS: "8",
      ...(WORKERS > 1 ? { WORKERS: String(WORKERS), REDIS_URL: REDIS } : {}),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${origin}/readyz`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (i > 1200) throw new Error("the API did not become ready in 120 s");
    await sleep(100);
  }
  let peakRss = 0;
  const rssTimer = setInterval(() => {
    try {
      let kb = 0;
      for (const pid of processTree(child.pid!)) {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      }
      peakRss = Math.max(peakRss, kb / 1024);
    } catch {
      /* exited */
    }
  }, 100);

  const db = await mysql.createConnection(DB);
  const [branchRows] = (await db.query("SELECT DISTINCT `branch` FROM `client` ORDER BY `branch`")) as unknown as [
    { branch: string }[],
  ];
  const branches = branchRows.map((r) => r.branch);
  await widenBook(db, new URL(DB).pathname.slice(1), RATE * SECONDS);
  const [facilityRows] = (await db.query(
    "SELECT f.`id`, f.`usedAmount` FROM `credit_facility` f WHERE f.`status` = 'ACTIVE' ORDER BY f.`id`",
  )) as unknown as [{ id: number; usedAmount: string }[]];
  console.log(`${branches.length} branches, ${facilityRows.length} active facilities`);

  // Subscribers: RMs round-robin over the branches, then the officers.
  // What subscribers received in the current phase (the warm-up, then the measured load).
  let phase = { latencies: [] as number[], received: 0 };
  let closedEarly = 0;
  const sockets: WebSocket[] = [];
  const started = Date.now();
  for (let i = 0; i < SUBSCRIBERS; i += 1) {
    const officer = i >= SUBSCRIBERS - OFFICERS;
    const token = await mintToken(
      secret,
      officer
        ? { sub: `bench-ro-${i}`, roles: [Role.RISK_OFFICER] }
        : { sub: `bench-rm-${i}`, roles: [Role.RELATIONSHIP_MANAGER], branch: branches[i % branches.length] },
    );
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, "graphql-transport-ws", { skipUTF8Validation: true });
    sockets.push(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () =>
        ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })),
      );
      ws.once("error", reject);
      // 17,000 messages a second arrive here on the API's machine: each is looked at as bytes (its
      // type and raisedAt), not parsed, so the bench's own CPU takes as little as it can from the API's.
      ws.on("message", (data: Buffer) => {
        if (data.indexOf(NEXT) >= 0) {
          const at = data.indexOf(RAISED_AT);
          if (at >= 0) {
            const start = at + RAISED_AT.length;
            phase.latencies.push(Date.now() - Date.parse(data.toString("latin1", start, start + 24)));
          }
          phase.received += 1;
        } else if (data.indexOf(ACK) >= 0) {
          ws.send(JSON.stringify({ id: "a", type: "subscribe", payload: { query: SUBSCRIPTION } }));
          resolve();
        } else if (data.indexOf(PING) >= 0) ws.send(JSON.stringify({ type: "pong" }));
      });
      ws.once("close", () => (closedEarly += 1));
    });
  }
  console.log(`${SUBSCRIBERS} subscribers connected in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await sleep(500);
  const rssBefore = peakRss;

  // Valuations: `RATE` alerts per second, PER_MUTATION per request, each facility valued down once.
  const officerToken = await mintToken(secret, { sub: "bench-valuer", roles: [Role.RISK_OFFICER] });
  const gql = (query: string, variables: Record<string, unknown>) =>
    fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${officerToken}` },
      body: JSON.stringify({ query, variables }),
    }).then((r) => r.json() as Promise<{ data?: { recordFacilityValuations?: { alertsRaised: number } } }>);
  const pool = facilityRows.map((f) => ({ id: f.id, used: Number(f.usedAmount) || 500_000 }));
  const ticksPerSecond = RATE / PER_MUTATION;
  const ticks = Math.min(SECONDS * ticksPerSecond, Math.floor(pool.length / PER_MUTATION));
  const asOf = new Date().toISOString().slice(0, 10);
  const valuate = (batch: { id: number; used: number }[], times: number) =>
    gql(VALUATIONS, {
      input: {
        valuations: batch.map((f) => ({
          facilityId: toGlobalId("CreditFacility", f.id),
          asOf,
          usedAmount: f.used.toFixed(2),
          collateralValue: (f.used * times).toFixed(2),
        })),
      },
    });
  /** `count` requests at the rate, each valuing PER_MUTATION facilities of `facilities` below their margin-call line. */
  async function drive(facilities: { id: number; used: number }[], count: number) {
    const out = { raised: 0, roundTrips: [] as number[] };
    const inflight: Promise<unknown>[] = [];
    const start = Date.now();
    for (let tick = 0; tick < count; tick += 1) {
      const wait = start + (tick * 1000) / ticksPerSecond - Date.now();
      if (wait > 0) await sleep(wait);
      const sent = Date.now();
      inflight.push(
        valuate(facilities.slice(tick * PER_MUTATION, (tick + 1) * PER_MUTATION), 1.2).then((r) => {
          out.roundTrips.push(Date.now() - sent);
          out.raised += r.data?.recordFacilityValuations?.alertsRaised ?? 0;
        }),
      );
    }
    await Promise.all(inflight);
    return out;
  }

  // Warm-up: the same load on the same subscribers for WARMUP seconds, on the pool's last facilities,
  // which are then valued back up (ACTIVE again, their alerts resolved) to be valued down again at the
  // end of the measured load. A fresh process runs its first seconds of this load cold (code not yet
  // compiled, the pool's connections not yet open); those figures are printed apart.
  const contenders = Array.from({ length: CONTEND }, () =>
    spawn(process.execPath, ["-e", "for (;;);"], { stdio: "ignore" }),
  );
  process.once("exit", () => contenders.forEach((c) => c.kill("SIGKILL"))); // a failed run leaves none behind
  let warm: { raised: number; roundTrips: number[]; latencies: number[] } | null = null;
  if (WARMUP > 0) {
    const warmTicks = Math.min(WARMUP * ticksPerSecond, Math.floor(pool.length / PER_MUTATION / 2));
    const warmPool = pool.slice(pool.length - warmTicks * PER_MUTATION);
    const driven = await drive(warmPool, warmTicks);
    await sleep(1000);
    warm = { ...driven, latencies: [...phase.latencies].sort((a, b) => a - b) };
    const back = (await valuate(warmPool, 3)) as { errors?: unknown[] };
    if (back.errors) throw new Error("the warm-up facilities could not be valued back up");
    await sleep(1000);
    phase = { latencies: [], received: 0 };
  }

  const loadStart = Date.now();
  const metrics = async () => (await fetch(`${origin}/metrics`)).text();
  const deliveryBefore = histogram(await metrics(), "live_delivery_seconds");
  const cpuStart = treeSum(child.pid!, cpuSeconds);
  const writesStart = treeSum(child.pid!, writeCalls);
  const benchCpuStart = process.cpuUsage();
  const mariadb = mariadbPid();
  const mariadbStart = mariadb === null ? 0 : cpuSeconds(mariadb);
  const { raised, roundTrips } = await drive(pool, ticks);
  await sleep(2000);
  const loadSeconds = (Date.now() - loadStart) / 1000;
  const apiCpu = treeSum(child.pid!, cpuSeconds) - cpuStart;
  const apiWrites = treeSum(child.pid!, writeCalls) - writesStart;
  const benchUsage = process.cpuUsage(benchCpuStart);
  const benchCpu = (benchUsage.user + benchUsage.system) / 1e6;
  const mariadbCpu = mariadb === null ? NaN : cpuSeconds(mariadb) - mariadbStart;
  const contenderCpu = contenders.reduce((sum, c) => sum + treeSum(c.pid!, cpuSeconds), 0);
  for (const c of contenders) c.kill("SIGKILL");
  clearInterval(rssTimer);

  const serverSide = bucketQuantiles(deliveryBefore, histogram(await metrics(), "live_delivery_seconds"));
  const { latencies, received } = phase;
  const sorted = [...latencies].sort((a, b) => a - b);
  const rt = [...roundTrips].sort((a, b) => a - b);
  const expectedPerAlert = OFFICERS + (SUBSCRIBERS - OFFICERS) / branches.length;
  console.log("");
  console.log(`machine: ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? "?"}`);
  console.log(
    `alerts raised: ${raised} in ${loadSeconds.toFixed(1)} s including 2 s of drain (asked ${RATE}/s for ${(ticks / ticksPerSecond).toFixed(0)} s)`,
  );
  console.log(
    `deliveries: ${received} (≈ ${expectedPerAlert.toFixed(0)} subscribers in scope per alert, ${(raised * expectedPerAlert).toFixed(0)} expected)`,
  );
  if (warm !== null) {
    const rt = [...warm.roundTrips].sort((a, b) => a - b);
    const w = warm.latencies;
    console.log(
      `warm-up (the first ${WARMUP} s of load on the fresh process, not in the figures below): ${warm.raised} alerts, delivery p50 ${percentile(w, 50)} ms, p99 ${percentile(w, 99)} ms, max ${w[w.length - 1]} ms; valuation round trip p99 ${percentile(rt, 99)} ms`,
    );
  }
  console.log(`valuation round trip (5 per request): p50 ${percentile(rt, 50)} ms, p99 ${percentile(rt, 99)} ms`);
  console.log(
    `delivery latency (alert raisedAt → subscriber received): p50 ${percentile(sorted, 50)} ms, p95 ${percentile(sorted, 95)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted[sorted.length - 1]} ms  [target p99 < 200 ms]`,
  );
  console.log(
    `delivery after commit (the API's live_delivery_seconds, bucket bounds): p50 ≤ ${serverSide.p50} ms, p99 ≤ ${serverSide.p99} ms over ${serverSide.count} messages`,
  );
  console.log(
    `API RSS${WORKERS > 1 ? ` (primary and ${WORKERS} workers)` : ""}: ${rssBefore.toFixed(0)} MB with ${SUBSCRIBERS} subscribers idle, peak ${peakRss.toFixed(0)} MB under load  [target < 300 MB]`,
  );
  console.log(
    `API CPU under load: ${apiCpu.toFixed(1)} s over ${loadSeconds.toFixed(1)} s (${((apiCpu / loadSeconds) * 100).toFixed(0)}% of one core); ${((apiCpu * 1e6) / Math.max(received, 1)).toFixed(0)} µs per delivered message, valuations included`,
  );
  console.log(
    `API write system calls under load: ${apiWrites} (${(received / Math.max(apiWrites, 1)).toFixed(2)} messages per write: one write per socket and burst)`,
  );
  console.log(
    `the machine's other CPU over the same time: this bench client ${benchCpu.toFixed(1)} s, MariaDB ${mariadbCpu.toFixed(1)} s (of ${(os.cpus().length * loadSeconds).toFixed(0)} s of CPU the machine has)`,
  );
  if (CONTEND > 0) {
    console.log(
      `contention: ${CONTEND} busy process${CONTEND > 1 ? "es" : ""} beside the API, ${contenderCpu.toFixed(1)} s of CPU since the warm-up began`,
    );
  }
  console.log(`sockets closed early: ${closedEarly}; load average ${os.loadavg()[0].toFixed(1)}`);
  for (const ws of sockets) ws.close();
  await db.end();
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
