import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import mysql from "mysql2";
import type { RowDataPacket } from "mysql2/promise";
import { DEV_BLIND_INDEX_KEY, DEV_DATA_KEYS } from "../../src/crypto/sealing";
import { DEV_JWT_SECRET } from "../../src/config";
import { Role } from "../../src/domain/enums";
import { mintToken } from "../../src/services/access/tokens";
import { encodeCursor } from "../../src/domain/paging";
import { apiCounts, floorCounts, StatusProbe } from "./counters";
import { adminConfig, prepareDatabase, sample } from "./database";
import { benchExport, type ExportResult } from "./export";
import { SEGMENTS_SQL, segmentDef } from "./floor/sql";
import { freePort, procMemory, startChild, stopChild, stopProfile, type Child } from "./processes";
import { report, type Summaries, type WorkersRow } from "./report";
import { fmt, log, MAIN_JS, RESULTS_DIR, settings, sleep, w0 } from "./settings";
import { verify, post, type Verification } from "./verification";
import { body, load, OPERATIONS, round, summarise, type GqlWorkload, type Round, type Target } from "./workloads";

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Prepares the database, starts the API and the floor, checks they answer the same JSON, counts SQL
 * statements per page size, runs alternating rounds of each workload (and the export), stops both
 * children and hands what it measured to the report.
 */
export async function runBench(): Promise<void> {
  const s = settings();
  const startedAt = new Date();
  const { database } = adminConfig(s.url);
  const db = await prepareDatabase(s);
  const token = await mintToken(DEV_JWT_SECRET, { sub: "bench", roles: [Role.ADMIN] });

  const probe = await StatusProbe.open(s.url);
  const mariadb = await probe.version();
  const segConn = mysql.createConnection({ uri: s.url, dateStrings: true }).promise();
  const [segRows] = await segConn.query<RowDataPacket[]>(SEGMENTS_SQL);
  await segConn.end();
  const segments = segRows.map(segmentDef);
  const activeCodes = segments.filter((x) => x.active).map((x) => x.code);
  const clientNos = await sample(s.url, 500);
  const cursors = clientNos.slice(0, 200).map((no, i) => (i === 0 ? null : encodeCursor("client", [no])));

  const bodies: Record<GqlWorkload, string[]> = {
    page: cursors.map((after) => body("page", { first: 50, after })),
    fit: clientNos.map((clientNo) => body("fit", { clientNo })),
    stats: activeCodes.map((code) => body("stats", { code })),
  };

  const [apiPort, floorPort] = [await freePort(), await freePort()];
  const profileFile = path.join(RESULTS_DIR, "profiles", `api-${w0(s)}-${process.pid}.cpuprofile`);
  // The floor is profiled during the same workload's rounds, for the per-phase comparison.
  const floorProfileFile = path.join(RESULTS_DIR, "profiles", `floor-${w0(s)}-${process.pid}.cpuprofile`);
  if (s.cpuProfile) fs.mkdirSync(path.dirname(profileFile), { recursive: true });
  log(`starting the API (node dist/src/main.js, port ${apiPort}) and the floor (port ${floorPort})`);
  // BENCH_NODE_OPTIONS (V8 flags, say) go to both servers alike.
  const nodeOptions = (process.env.BENCH_NODE_OPTIONS ?? "").trim();
  const base = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    ...(nodeOptions === "" ? {} : { NODE_OPTIONS: nodeOptions }),
  };
  // Each server's processes write their allocation samples here (allocation.ts).
  const allocRoot = fs.mkdtempSync(path.join(os.tmpdir(), "margin-bench-alloc-"));
  const startApi = (port: number, workers: number, profile: boolean, gcProfiler = true) =>
    startChild(
      "api",
      profile ? ["-r", path.join(__dirname, "profiler.js"), MAIN_JS] : [MAIN_JS],
      {
        ...base,
        NODE_ENV: "production",
        AUTH_JWT_SECRET: DEV_JWT_SECRET,
        // SPEC §14: production needs its data keys; the bench's book is seeded under the development ones.
        DATA_KEYS: DEV_DATA_KEYS,
        BLIND_INDEX_KEY: DEV_BLIND_INDEX_KEY,
        DATABASE_URL: s.url,
        PORT: String(port),
        SEED_DEMO: "false",
        LOG_LEVEL: "warn",
        RATE_LIMIT_PER_MINUTE: "1000000000",
        WORKERS: String(workers),
        // WORKERS above 1 needs Redis (shared throttle buckets, persisted queries, subscription events).
        ...(workers > 1 ? { REDIS_URL: s.redisUrl } : {}),
        ...(process.env.BENCH_API_CONCURRENCY ? { MAX_CONCURRENT_REQUESTS: process.env.BENCH_API_CONCURRENCY } : {}),
        ...(process.env.BENCH_READ_PLANNER ? { READ_PLANNER: process.env.BENCH_READ_PLANNER } : {}),
        ...(profile ? { BENCH_INTERNAL_PROFILE_TO: profileFile } : {}),
        ...(gcProfiler ? {} : { BENCH_INTERNAL_ALLOC_MEASURE: "0" }),
      },
      port,
      path.join(allocRoot, `api-${workers}${gcProfiler ? "" : "-plain"}`),
      workers === 1 ? 1 : workers + 1,
    );
  const startFloor = (port: number, workers: number, profile: boolean) =>
    startChild(
      "floor",
      profile
        ? ["-r", path.join(__dirname, "profiler.js"), path.join(__dirname, "floor", "server.js")]
        : [path.join(__dirname, "floor", "server.js")],
      {
        ...base,
        NODE_ENV: "production",
        BENCH_FLOOR_DB: s.url,
        BENCH_FLOOR_PORT: String(port),
        BENCH_FLOOR_WORKERS: String(workers),
        ...(profile ? { BENCH_INTERNAL_PROFILE_TO: floorProfileFile } : {}),
      },
      port,
      path.join(allocRoot, `floor-${workers}`),
      workers === 1 ? 1 : workers + 1,
    );
  let api: Child = await startApi(apiPort, 1, s.cpuProfile);
  let floor: Child = await startFloor(floorPort, 1, s.cpuProfile && w0(s) !== "export");
  const targets: Record<"api" | "floor", Target> = {
    api: { kind: "api", child: api, counts: (op) => apiCounts(api.port, op) },
    floor: { kind: "floor", child: floor, counts: () => floorCounts(floor.port) },
  };
  const startupRssMb = { api: procMemory(api.pid).rssKb / 1024, floor: procMemory(floor.pid).rssKb / 1024 };

  const verifications: Verification[] = [];
  const statementProbe: { first: number; api: number; apiServerCount: number; floor: number }[] = [];
  let exportResult: ExportResult | null = null;
  const summaries: Summaries = {};
  let memberCounts: Record<string, number> = {};
  let backgroundPerSecond = 0;
  let apiExitedOnSigterm = true;
  let workersRow: WorkersRow | null = null;

  try {
    // 1. Same JSON from both, once per workload (a few variables each).
    log("verifying that the floor answers the same JSON as the API");
    for (const after of [null, cursors[1], cursors[cursors.length - 1]]) {
      verifications.push((await verify(api, floor, token, "page", { first: 50, after })).check);
    }
    for (const clientNo of [clientNos[0], clientNos[137], clientNos[clientNos.length - 1]]) {
      verifications.push((await verify(api, floor, token, "fit", { clientNo })).check);
    }
    for (const code of activeCodes) {
      const v = await verify(api, floor, token, "stats", { code });
      verifications.push(v.check);
      const count = (v.data as { segment?: { stats?: { clientCount?: number } } })?.segment?.stats?.clientCount;
      memberCounts = { ...memberCounts, [code]: count ?? 0 };
    }

    // 2. SQL statements per page request at several page sizes: one request at a time, the least of
    // 5 tries (Questions is global: another client of the same MariaDB can only add to it).
    const q0 = await probe.questions();
    await sleep(2000);
    backgroundPerSecond = probe.delta(q0, await probe.questions()) / 2;
    if (backgroundPerSecond > 0)
      log(`note: other clients ran ${backgroundPerSecond} statements/s on this MariaDB while idle`);
    log("counting SQL statements per page request at page sizes 10, 50, 100");
    for (const first of [10, 50, 100]) {
      const one = async (t: Target) => {
        let best = Infinity;
        let server = Infinity;
        for (let i = 0; i < 5; i += 1) {
          const c0 = await t.counts(OPERATIONS.page);
          const q0 = await probe.questions();
          await post(t.child.port, token, body("page", { first, after: cursors[50] }));
          const q1 = await probe.questions();
          const c1 = await t.counts(OPERATIONS.page);
          best = Math.min(best, probe.delta(q0, q1));
          server = Math.min(server, c1.statements - c0.statements);
        }
        return { questions: best, server };
      };
      const a = await one(targets.api);
      const f = await one(targets.floor);
      statementProbe.push({ first, api: a.questions, apiServerCount: a.server, floor: f.questions });
    }

    // 3. Alternating rounds per workload: api, floor, floor, api, ...
    const gql = s.workloads.filter((w): w is GqlWorkload => w !== "export");
    if (s.warmup > 0 && gql.length > 0) {
      log(`warming up (${s.warmup} s per workload and server)`);
      for (const w of gql) {
        for (const t of [targets.api, targets.floor])
          await load(t.child.port, token, bodies[w], s.warmup, s.connections);
      }
    }
    for (const w of gql) {
      const profiled = s.cpuProfile && w === w0(s);
      if (profiled) {
        log(`CPU profile of the API during the ${w} rounds`);
        process.kill(api.pid, "SIGUSR2");
        process.kill(floor.pid, "SIGUSR2");
      }
      const rounds: Record<"api" | "floor", Round[]> = { api: [], floor: [] };
      for (let r = 0; r < s.rounds; r += 1) {
        const order: ("api" | "floor")[] = r % 2 === 0 ? ["api", "floor"] : ["floor", "api"];
        for (const kind of order) {
          log(`${w}: round ${r + 1}/${s.rounds} ${kind} (${s.seconds} s, ${s.connections} connections)`);
          const res = await round(targets[kind], token, w, bodies[w], s, probe);
          rounds[kind].push(res);
          log(
            `  ${fmt(res.reqPerSecond)} req/s, p50 ${fmt(res.p50Ms)} ms, p99 ${fmt(res.p99Ms)} ms, ` +
              `${fmt(res.sqlPerRequest, 2)} SQL/req, ${fmt(res.cpuMsPerRequest, 2)} CPU ms/req, ` +
              `${fmt(res.allocKbPerRequest, 0)} KB alloc/req, peak RSS ${fmt(res.peakRssMb)} MB` +
              (res.errors > 0 ? `, ${res.errors} ERRORS` : ""),
          );
        }
      }
      if (profiled) {
        await stopProfile(api.pid, profileFile);
        await stopProfile(floor.pid, floorProfileFile);
      }
      const apiSum = summarise(rounds.api);
      const floorSum = summarise(rounds.floor);
      summaries[w] = {
        api: apiSum,
        floor: floorSum,
        ratio: apiSum.reqPerSecond / floorSum.reqPerSecond,
        roundRatios: rounds.api.map((a, i) => a.reqPerSecond / rounds.floor[i].reqPerSecond),
      };
    }

    if (s.workloads.includes("export")) {
      const profiled = s.cpuProfile && w0(s) === "export" ? profileFile : null;
      const exported = await benchExport(s, api, token, segments, memberCounts, profiled, async () => {
        apiExitedOnSigterm = (await stopChild(api)) && apiExitedOnSigterm;
        api = await startApi(await freePort(), 1, false, false);
        return api;
      });
      exportResult = exported.result;
      api = exported.api;
    }

    // A final check that the API still answers without errors.
    verifications.push((await verify(api, floor, token, "page", { first: 50, after: cursors[10] })).check);

    // 4. Every core: the page again with the API at WORKERS=auto against the floor at as many workers.
    const redisUp = s.workersRow && (await reachable(s.redisUrl));
    if (s.workersRow && !redisUp) log(`skipping the WORKERS=auto row: no Redis at ${s.redisUrl} (BENCH_REDIS_URL)`);
    if (s.workersRow && redisUp && s.workloads.includes("page")) {
      const workers = os.availableParallelism();
      log(`page at WORKERS=auto (${workers}): restarting the API and the floor with ${workers} workers each`);
      apiExitedOnSigterm = (await stopChild(api)) && apiExitedOnSigterm;
      await stopChild(floor);
      api = await startApi(await freePort(), workers, false);
      floor = await startFloor(await freePort(), workers, false);
      const clustered: Record<"api" | "floor", Target> = {
        api: { kind: "api", child: api, counts: async () => ({ statements: 0, requests: 0, errors: 0 }) },
        floor: { kind: "floor", child: floor, counts: async () => ({ statements: 0, requests: 0, errors: 0 }) },
      };
      verifications.push((await verify(api, floor, token, "page", { first: 50, after: cursors[20] })).check);
      if (s.warmup > 0) {
        for (const t of [clustered.api, clustered.floor])
          await load(t.child.port, token, bodies.page, s.warmup, s.connections);
      }
      const rounds: Record<"api" | "floor", Round[]> = { api: [], floor: [] };
      for (let r = 0; r < s.rounds; r += 1) {
        const order: ("api" | "floor")[] = r % 2 === 0 ? ["api", "floor"] : ["floor", "api"];
        for (const kind of order) {
          log(`page ×${workers}: round ${r + 1}/${s.rounds} ${kind} (${s.seconds} s, ${s.connections} connections)`);
          const res = await round(clustered[kind], token, "page", bodies.page, s, probe);
          rounds[kind].push(res);
          log(
            `  ${fmt(res.reqPerSecond)} req/s, ${fmt(res.sqlPerRequest, 2)} SQL/req, ${fmt(res.cpuMsPerRequest, 2)} CPU ms/req, ` +
              `${fmt(res.allocKbPerRequest, 0)} KB alloc/req, ${res.processes} processes, peak RSS ${fmt(res.peakRssMb)} MB` +
              (res.errors > 0 ? `, ${res.errors} ERRORS` : ""),
          );
        }
      }
      const apiSum = summarise(rounds.api);
      const floorSum = summarise(rounds.floor);
      workersRow = {
        workers,
        api: apiSum,
        floor: floorSum,
        ratio: apiSum.reqPerSecond / floorSum.reqPerSecond,
        roundRatios: rounds.api.map((a, i) => a.reqPerSecond / rounds.floor[i].reqPerSecond),
      };
    }
  } finally {
    apiExitedOnSigterm = (await stopChild(api)) && apiExitedOnSigterm;
    await stopChild(floor);
    probe.close();
    fs.rmSync(allocRoot, { recursive: true, force: true });
  }

  report({
    s,
    startedAt,
    database,
    db,
    mariadb,
    startupRssMb,
    verifications,
    statementProbe,
    backgroundPerSecond,
    summaries,
    exportResult,
    apiExitedOnSigterm,
    profileFile,
    floorProfileFile,
    workersRow,
  });
}
