import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../root";
import { adminConfig } from "./database";
import type { ExportResult } from "./export";
import { PHASES, summariseAllocation, summariseProfile } from "./profile";
import { heapProfileFile } from "./profiler";
import { fmt, MB, w0, type Settings } from "./settings";
import type { Verification } from "./verification";
import type { GqlWorkload, Summary } from "./workloads";

export type Summaries = Partial<
  Record<GqlWorkload, { api: Summary; floor: Summary; ratio: number; roundRatios: number[] }>
>;

/** The page with the API at WORKERS=auto against the floor at as many workers. */
export interface WorkersRow {
  workers: number;
  api: Summary;
  floor: Summary;
  ratio: number;
  roundRatios: number[];
}

/** What a run measured, for the report. */
export interface Outcome {
  s: Settings;
  startedAt: Date;
  database: string;
  db: { clients: number; seeded: boolean; seedSeconds: number | null };
  mariadb: string;
  startupRssMb: { api: number; floor: number };
  verifications: Verification[];
  statementProbe: { first: number; api: number; apiServerCount: number; floor: number }[];
  backgroundPerSecond: number;
  summaries: Summaries;
  exportResult: ExportResult | null;
  apiExitedOnSigterm: boolean;
  profileFile: string;
  floorProfileFile: string;
  workersRow: WorkersRow | null;
}

function packageVersion(name: string): string | null {
  try {
    const file = path.join(ROOT, "node_modules", name, "package.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

function git(): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" }).trim() !== "";
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Prints the tables, the targets and the profile summary, and writes the results as JSON (BENCH_OUT). */
export function report(o: Outcome): void {
  const { s, startedAt, database, db, mariadb, startupRssMb, verifications, statementProbe } = o;
  const { backgroundPerSecond, summaries, exportResult, apiExitedOnSigterm, profileFile, workersRow } = o;
  const results: Record<string, unknown> = {};
  const header = [
    "workload",
    "server",
    "req/s",
    "p50 ms",
    "p99 ms",
    "SQL/req",
    "CPU ms/req",
    "CPU %",
    "alloc KB/req",
    "GC/req",
    "peak RSS MB",
    "÷ floor",
  ];
  const rows: string[][] = [];
  const labels: Record<GqlWorkload, string> = {
    page: "(a) page of 50",
    fit: "(b) one client's fit",
    stats: "(c) segment.stats",
  };
  const rowsOf = (
    label: string,
    sw: { api: Summary; floor: Summary; ratio: number },
    names: { api: string; floor: string },
  ) => {
    for (const kind of ["api", "floor"] as const) {
      const x = sw[kind];
      rows.push([
        kind === "api" ? label : "",
        names[kind],
        fmt(x.reqPerSecond),
        fmt(x.p50Ms),
        fmt(x.p99Ms),
        kind === "api" ? `${fmt(x.sqlPerRequest, 2)} (${fmt(x.serverSqlPerRequest, 1)})` : fmt(x.sqlPerRequest, 2),
        fmt(x.cpuMsPerRequest, 2),
        fmt(x.cpuPercent, 0),
        fmt(x.allocKbPerRequest, 0),
        fmt(x.gcPerRequest, 2),
        fmt(x.peakRssMb),
        kind === "api" ? `${fmt(sw.ratio, 2)}×` : "1.00×",
      ]);
    }
  };
  for (const w of Object.keys(summaries) as GqlWorkload[]) {
    rowsOf(labels[w], summaries[w]!, { api: "API", floor: "floor (mysql2)" });
  }
  if (workersRow !== null) {
    rowsOf(`(a) page, ${workersRow.workers} workers`, workersRow, {
      api: `API WORKERS=${workersRow.workers}`,
      floor: `floor ×${workersRow.workers}`,
    });
  }
  const out: string[] = [];
  out.push(
    `\nmargin API bench — ${db.clients} clients in ${database} (MariaDB ${mariadb}), ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ` +
      `${s.rounds} rounds × ${s.seconds} s, ${s.connections} connections, medians\n`,
  );
  if (rows.length > 0) {
    out.push(table(header, rows));
    out.push(
      "SQL/req: MariaDB Questions per request (the API's own tally in brackets; one worker's under WORKERS). " +
        "CPU, alloc (V8 heap bytes allocated, tools/bench/allocation.ts), GC and peak RSS: all the server's processes " +
        "(peak RSS added up over them)." +
        (backgroundPerSecond > 0
          ? ` Other clients ran ${fmt(backgroundPerSecond)} statements/s on this MariaDB while idle: SQL/req overstated.`
          : ""),
    );
  }
  if (exportResult !== null) {
    const e = exportResult as {
      segment: string;
      rows: number;
      sameBytes: boolean;
      ratio: number;
      api: {
        rowsPerSecond: number;
        cpuMsPer1000Rows: number;
        allocKbPer1000Rows: number;
        rssGrowthMb: number;
        peakRssMb: number;
      };
      raw: { rowsPerSecond: number; cpuMsPer1000Rows: number; allocKbPer1000Rows: number };
      million: { rows: number; downloads: number; rssGrowthMb: number };
    };
    out.push("");
    out.push(
      table(
        ["(d) export", "source", "rows/s", "CPU ms/1000 rows", "alloc KB/1000 rows", "RSS growth MB", "÷ raw"],
        [
          [
            `segment ${e.segment}, ${e.rows} rows`,
            "API NDJSON route",
            fmt(e.api.rowsPerSecond, 0),
            fmt(e.api.cpuMsPer1000Rows, 1),
            fmt(e.api.allocKbPer1000Rows, 0),
            fmt(e.api.rssGrowthMb),
            `${fmt(e.ratio, 2)}×`,
          ],
          [
            "",
            "raw mysql2 stream",
            fmt(e.raw.rowsPerSecond, 0),
            fmt(e.raw.cpuMsPer1000Rows, 1),
            fmt(e.raw.allocKbPer1000Rows, 0),
            "-",
            "1.00×",
          ],
        ],
      ),
    );
    out.push(`NDJSON of both ${e.sameBytes ? "byte-identical" : "DIFFERENT"}.`);
    out.push(
      `Memory: ${e.million.rows} rows exported through the route back to back (${e.million.downloads} downloads): ` +
        `RSS +${fmt(e.million.rssGrowthMb)} MB.`,
    );
  }
  const allocation: Record<string, { api: number; floor: number; ratio: number }> = {};
  for (const w of Object.keys(summaries) as GqlWorkload[]) {
    const sw = summaries[w]!;
    allocation[w] = {
      api: sw.api.allocKbPerRequest,
      floor: sw.floor.allocKbPerRequest,
      ratio: sw.api.allocKbPerRequest / sw.floor.allocKbPerRequest,
    };
  }
  if (exportResult !== null) {
    allocation.export = {
      api: exportResult.api.allocKbPer1000Rows,
      floor: exportResult.raw.allocKbPer1000Rows,
      ratio: exportResult.api.allocKbPer1000Rows / exportResult.raw.allocKbPer1000Rows,
    };
  }
  if (Object.keys(allocation).length > 0) {
    out.push("");
    out.push(
      "Allocation per request, API ÷ floor (export: per 1,000 rows ÷ the raw stream): " +
        Object.entries(allocation)
          .map(([w, a]) => `${w} ${fmt(a.api, 0)} KB ÷ ${fmt(a.floor, 0)} KB = ${fmt(a.ratio, 2)}×`)
          .join("; "),
    );
  }
  if (statementProbe.length > 0) {
    out.push("");
    out.push(
      `SQL statements per page request by page size (MariaDB, least of 5 single requests): ` +
        statementProbe
          .map((p) => `first ${p.first}: API ${p.api} (own tally ${p.apiServerCount}), floor ${p.floor}`)
          .join("; "),
    );
  }

  const targetsMet: { target: string; value: number | null; met: boolean | null }[] = [];
  const page = summaries.page;
  if (page) {
    targetsMet.push({ target: "page query ≥ 0.8× the floor's req/s", value: page.ratio, met: page.ratio >= 0.8 });
    const counts = statementProbe.map((p) => p.api);
    const constant = counts.length > 0 && counts.every((c) => c === counts[0]);
    const perReq = Math.max(...counts);
    targetsMet.push({
      target: "SQL statements per page request constant (10/50/100), ≤ 6",
      value: perReq,
      met: constant && perReq <= 6,
    });
    targetsMet.push({
      target: "peak RSS ≤ 200 MB under the page-query load",
      value: page.api.peakRssMb,
      met: page.api.peakRssMb <= 200,
    });
    const a = allocation.page;
    if (Number.isFinite(a.ratio))
      targetsMet.push({ target: "page allocation per request ≤ 2× the floor's", value: a.ratio, met: a.ratio <= 2 });
  }
  if (exportResult !== null) {
    const ratio = (exportResult as { ratio: number }).ratio;
    targetsMet.push({ target: "export ≥ 0.8× the raw mysql2 stream's rows/s", value: ratio, met: ratio >= 0.8 });
    const growth = (exportResult as { million: { rssGrowthMb: number } }).million.rssGrowthMb;
    targetsMet.push({
      target: "RSS grows < 50 MB while exporting 1,000,000 members",
      value: growth,
      met: growth < 50,
    });
  }
  const mismatched = verifications.filter((v) => !v.equal);
  out.push("");
  out.push(
    `Same JSON from API and floor: ${verifications.length - mismatched.length}/${verifications.length} checks` +
      (mismatched.length > 0
        ? ` — DIFFERENCES: ${mismatched.map((v) => `${v.workload}: ${v.difference}`).join("; ")}`
        : ""),
  );
  out.push("Targets:");
  for (const t of targetsMet) out.push(`  ${t.met ? "MET    " : "NOT MET"}  ${t.target}: ${fmt(t.value, 2)}`);

  if (!apiExitedOnSigterm) out.push("Note: the API child did not exit within 10 s of SIGTERM and was killed.");
  let profile: ReturnType<typeof summariseProfile> | null = null;
  let floorProfile: ReturnType<typeof summariseProfile> | null = null;
  let phases: { phase: string; apiMs: number; floorMs: number; apiKb: number | null; floorKb: number | null }[] | null =
    null;
  if (s.cpuProfile) {
    const file = profileFile;
    if (fs.existsSync(file)) {
      profile = summariseProfile(file);
      out.push("");
      const line = (x: { name: string; ms: number; percentOfBusy: number }) =>
        `  ${fmt(x.percentOfBusy, 1).padStart(5)} %  ${fmt(x.ms, 0).padStart(7)} ms  ${x.name}`;
      out.push(`API CPU profile during the ${w0(s)} rounds (${profile.file}, ${fmt(profile.busyMs / 1000, 1)} s busy)`);
      out.push("top self time:");
      out.push(...profile.selfTime.map(line));
      out.push("self time by package:");
      out.push(...profile.selfTimeByPackage.map(line));
      out.push("app functions, inclusive time:");
      out.push(...profile.appInclusive.map(line));
      const sw = w0(s) === "export" ? undefined : summaries[w0(s) as GqlWorkload];
      if (sw !== undefined && fs.existsSync(o.floorProfileFile)) {
        floorProfile = summariseProfile(o.floorProfileFile);
        const fp = floorProfile;
        // Allocation by phase: each heap profile's share of the sampled bytes × the server's KB/req.
        const apiHeap = fs.existsSync(heapProfileFile(file)) ? summariseAllocation(heapProfileFile(file)) : null;
        const floorHeapFile = heapProfileFile(o.floorProfileFile);
        const floorHeap = fs.existsSync(floorHeapFile) ? summariseAllocation(floorHeapFile) : null;
        const kb = (share: number | undefined, perRequest: number) =>
          share === undefined || !Number.isFinite(perRequest) ? null : share * perRequest;
        phases = PHASES.map((phase) => ({
          phase,
          apiMs: profile!.phases[phase] * sw.api.cpuMsPerRequest,
          floorMs: fp.phases[phase] * sw.floor.cpuMsPerRequest,
          apiKb: kb(apiHeap?.phases[phase], sw.api.allocKbPerRequest),
          floorKb: kb(floorHeap?.phases[phase], sw.floor.allocKbPerRequest),
        }));
        out.push("");
        out.push(
          `CPU and allocation per ${w0(s)} request by phase (each CPU profile's share of busy samples × the ` +
            `server's CPU ms/req; each heap profile's share of sampled bytes × its alloc KB/req; GC allocates nothing):`,
        );
        const k = (v: number | null) => (v === null || !Number.isFinite(v) ? "-" : fmt(v, 0));
        out.push(
          table(
            ["phase", "", "API ms", "floor ms", "API − floor", "API KB", "floor KB", "API − floor KB"],
            [
              ...phases.map((p) => [
                p.phase,
                "",
                fmt(p.apiMs, 2),
                fmt(p.floorMs, 2),
                fmt(p.apiMs - p.floorMs, 2),
                k(p.apiKb),
                k(p.floorKb),
                p.apiKb === null || p.floorKb === null ? "-" : fmt(p.apiKb - p.floorKb, 0),
              ]),
              [
                "total",
                "",
                fmt(sw.api.cpuMsPerRequest, 2),
                fmt(sw.floor.cpuMsPerRequest, 2),
                fmt(sw.api.cpuMsPerRequest - sw.floor.cpuMsPerRequest, 2),
                k(sw.api.allocKbPerRequest),
                k(sw.floor.allocKbPerRequest),
                k(sw.api.allocKbPerRequest - sw.floor.allocKbPerRequest),
              ],
            ],
          ),
        );
        if (apiHeap !== null) {
          out.push(`API allocation during the ${w0(s)} rounds (${apiHeap.file}), top frames by bytes:`);
          out.push(...apiHeap.topFunctions.map((f) => `  ${fmt(f.percentOfBytes, 1).padStart(5)} %  ${f.name}`));
        }
      }
    } else out.push(`(no CPU profile found at ${file})`);
  }
  console.log(out.join("\n"));

  Object.assign(results, {
    date: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: {
      database,
      host: adminConfig(s.url).host,
      clients: db.clients,
      seeded: db.seeded,
      seedSeconds: db.seedSeconds,
      seconds: s.seconds,
      rounds: s.rounds,
      connections: s.connections,
      warmupSeconds: s.warmup,
      workloads: s.workloads,
      viewer: "ADMIN token (book-wide, personal data masked)",
    },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      cpuMHz: os.cpus()[0]?.speed ?? null,
      totalMemMb: Math.round(os.totalmem() / MB),
      platform: `${os.platform()} ${os.release()}`,
      loadavg: os.loadavg(),
    },
    versions: {
      node: process.version,
      mariadb,
      ...Object.fromEntries(
        ["@apollo/server", "graphql", "type-graphql", "typeorm", "mysql2", "dataloader", "autocannon"].map((p) => [
          p,
          packageVersion(p),
        ]),
      ),
    },
    git: git(),
    startupRssMb,
    workloads: summaries,
    workersRow,
    allocation,
    export: exportResult,
    statementProbe,
    backgroundStatementsPerSecond: backgroundPerSecond,
    apiExitedOnSigterm,
    verifications,
    targets: targetsMet,
    profile,
    floorProfile,
    phases,
  });
  const file = s.out;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten ${path.relative(ROOT, file)}`);
}
