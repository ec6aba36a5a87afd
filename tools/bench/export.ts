import { createHash } from "node:crypto";
import http from "node:http";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import mysql from "mysql2";
import type { RowDataPacket } from "mysql2/promise";
import { membershipPredicate, type SqlPredicate } from "../../src/repositories/segment-membership.sql";
import type { SegmentDef } from "../../src/services/matching";
import { allocatedBetween, readAllocation, startOwnAllocation } from "./allocation";
import { procCpuMs, procMemory, resetPeak, stopProfile, type Child } from "./processes";
import { fmt, log, median, sleep, type Settings } from "./settings";

/** The export workload: the API's NDJSON route against mysql2's query().stream() of the same rows. */
const EXPORT_SELECT = `SELECT c.\`clientNo\`, c.\`type\`, c.\`branch\`, p.\`riskLevel\`, p.\`creditRating\`, p.\`avgDailyAssets20d\`,
    p.\`experienceMonths\`, p.\`asOf\`
  FROM \`client\` c JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\``;

/** Counts lines and hashes bytes, discarding them. */
class Sink extends Writable {
  rows = 0;
  bytes = 0;
  readonly hash = createHash("sha1");
  _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.bytes += buf.length;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) this.rows += 1;
    this.hash.update(buf);
    cb();
  }
}

export interface ExportRun {
  downloads: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  bytes: number;
  sha1: string;
  cpuMsPer1000Rows: number;
  /** KB allocated on the V8 heap per 1,000 rows: the API's processes, or this process for the raw stream. */
  allocKbPer1000Rows: number;
  rssGrowthMb?: number;
  peakRssMb?: number;
}

interface Download {
  rows: number;
  bytes: number;
  sha1: string;
}

/** One export through the raw driver: the same SELECT, streamed, each row as a line of NDJSON. */
async function rawDownload(url: string, segmentCode: string, m: SqlPredicate): Promise<Download> {
  const conn = mysql.createConnection({ uri: url, dateStrings: true, timezone: "Z", charset: "utf8mb4_unicode_ci" });
  const sink = new Sink();
  try {
    const rows = conn
      .query(`${EXPORT_SELECT} WHERE ${m.sql} ORDER BY c.\`clientNo\``, m.params)
      .stream({ highWaterMark: 1000 });
    const encode = new Transform({
      writableObjectMode: true,
      transform(r: RowDataPacket, _enc, cb) {
        cb(
          null,
          `${JSON.stringify({
            clientNo: r.clientNo,
            type: r.type,
            branch: r.branch,
            riskLevel: r.riskLevel,
            creditRating: r.creditRating,
            avgDailyAssets20d: r.avgDailyAssets20d,
            experienceMonths: r.experienceMonths,
            segment: segmentCode,
            asOf: r.asOf,
          })}\n`,
        );
      },
    });
    await pipeline(rows, encode, sink);
  } finally {
    conn.end();
  }
  return { rows: sink.rows, bytes: sink.bytes, sha1: sink.hash.digest("hex") };
}

/** One export through the API's route. */
async function apiDownload(port: number, token: string, segmentCode: string): Promise<Download> {
  const sink = new Sink();
  await new Promise<void>((resolve, reject) => {
    const req = http.get(
      {
        host: "127.0.0.1",
        port,
        path: `/export/segments/${encodeURIComponent(segmentCode)}/members?format=ndjson`,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`export answered ${res.statusCode}`));
          res.resume();
          return;
        }
        pipeline(res, sink).then(resolve, reject);
      },
    );
    req.on("error", reject);
  });
  return { rows: sink.rows, bytes: sink.bytes, sha1: sink.hash.digest("hex") };
}

/**
 * Exports one after another for at least `minSeconds` (a segment can take well under a second):
 * rows/s over them all, CPU of the process doing the work (the API child, or this process for the
 * raw stream), and for the API its RSS growth over the round.
 */
async function exportRound(
  minSeconds: number,
  download: () => Promise<Download>,
  api: Child | null,
  minRows = 0,
): Promise<ExportRun> {
  const apiPid = api === null ? null : api.pid;
  if (api !== null) await sleep(1100);
  const a0 = api === null ? null : readAllocation(api.allocDir);
  const ownAllocation = api === null ? startOwnAllocation() : null;
  const rss0 = apiPid === null ? 0 : procMemory(apiPid).rssKb;
  if (apiPid !== null) resetPeak(apiPid);
  const cpu0 = apiPid === null ? 0 : procCpuMs(apiPid);
  const own0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let rows = 0;
  let bytes = 0;
  let downloads = 0;
  let sha1 = "";
  while (downloads === 0 || rows < minRows || Number(process.hrtime.bigint() - t0) / 1e9 < minSeconds) {
    const d = await download();
    rows += d.rows;
    bytes += d.bytes;
    if (downloads === 0) sha1 = d.sha1;
    else if (d.sha1 !== sha1) sha1 = "differs between downloads";
    downloads += 1;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const own = process.cpuUsage(own0);
  const cpuMs = apiPid === null ? (own.user + own.system) / 1000 : procCpuMs(apiPid) - cpu0;
  let allocated = ownAllocation?.() ?? 0;
  if (api !== null && a0 !== null) {
    await sleep(1100);
    allocated = allocatedBetween(a0, readAllocation(api.allocDir));
  }
  const run: ExportRun = {
    downloads,
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    bytes,
    sha1,
    cpuMsPer1000Rows: (cpuMs / Math.max(rows, 1)) * 1000,
    allocKbPer1000Rows: (allocated / 1024 / Math.max(rows, 1)) * 1000,
  };
  if (apiPid !== null) {
    const mem = procMemory(apiPid);
    run.rssGrowthMb = Math.max(0, mem.hwmKb - rss0) / 1024;
    run.peakRssMb = mem.hwmKb / 1024;
  }
  return run;
}
export interface ExportResult {
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
    runs: ExportRun[];
  };
  raw: { rowsPerSecond: number; cpuMsPer1000Rows: number; allocKbPer1000Rows: number; runs: ExportRun[] };
  million: { rows: number; downloads: number; rssGrowthMb: number };
}

/**
 * (d) Export of the largest segment: the API's NDJSON route against a raw mysql2 stream of the same
 * SELECT, in alternating rounds, then 1,000,000 members through the route for its memory. With
 * `profileFile`, the API is CPU-profiled during the rounds.
 */
export async function benchExport(
  s: Settings,
  api: Child,
  token: string,
  segments: SegmentDef[],
  memberCounts: Record<string, number>,
  profileFile: string | null,
  withoutGcProfiler: () => Promise<Child>,
): Promise<{ result: ExportResult; api: Child }> {
  const activeCodes = segments.filter((x) => x.active).map((x) => x.code);
  const code = Object.entries(memberCounts).sort((a, b) => b[1] - a[1])[0]?.[0] ?? activeCodes[0] ?? segments[0]?.code;
  const target = segments.find((x) => x.code === code)!;
  const m = membershipPredicate(
    target,
    segments.filter((x) => x.active),
  );
  log(`export: segment ${code} (${memberCounts[code] ?? "?"} members), ${s.rounds} rounds`);
  const minSeconds = Math.max(2, Math.min(s.seconds, 5));
  await apiDownload(api.port, token, code); // warm-up
  await rawDownload(s.url, code, m);
  const runs: { api: ExportRun[]; raw: ExportRun[] } = { api: [], raw: [] };
  if (profileFile !== null) {
    log("CPU profile of the API during the export rounds");
    process.kill(api.pid, "SIGUSR2");
  }
  for (let r = 0; r < s.rounds; r += 1) {
    const order: ("api" | "raw")[] = r % 2 === 0 ? ["api", "raw"] : ["raw", "api"];
    for (const kind of order) {
      const run =
        kind === "api"
          ? await exportRound(minSeconds, () => apiDownload(api.port, token, code), api)
          : await exportRound(minSeconds, () => rawDownload(s.url, code, m), null);
      runs[kind].push(run);
      log(
        `  ${kind}: ${run.downloads} × ${run.rows / run.downloads} rows in ${fmt(run.seconds, 2)} s = ` +
          `${fmt(run.rowsPerSecond, 0)} rows/s` +
          (run.rssGrowthMb !== undefined ? `, RSS +${fmt(run.rssGrowthMb)} MB` : ""),
      );
    }
  }
  if (profileFile !== null) await stopProfile(api.pid, profileFile);
  // Memory: at least 1,000,000 members through the route back to back, RSS peak against the start.
  // The memory round runs on an API restarted without the GC profiler of allocation.ts, which raises RSS
  // under download after download (+38–53 MB over 1,000,000 rows against +4 MB without it).
  log("  restarting the API without the GC profiler for the memory round");
  api = await withoutGcProfiler();
  await apiDownload(api.port, token, code); // warm-up
  const million = await exportRound(0, () => apiDownload(api.port, token, code), api, 1_000_000);
  log(
    `  memory: ${million.downloads} × ${million.rows / million.downloads} = ${million.rows} rows exported, ` +
      `RSS +${fmt(million.rssGrowthMb ?? 0)} MB (peak ${fmt(million.peakRssMb ?? 0)} MB)`,
  );
  const sameBytes = runs.api[0].sha1 === runs.raw[0].sha1;
  if (!sameBytes) log("WARNING: the API's NDJSON and the raw stream's NDJSON differ");
  const apiRate = median(runs.api.map((x) => x.rowsPerSecond));
  const rawRate = median(runs.raw.map((x) => x.rowsPerSecond));
  const result: ExportResult = {
    segment: code,
    rows: runs.api[0].rows / runs.api[0].downloads,
    sameBytes,
    api: {
      rowsPerSecond: apiRate,
      cpuMsPer1000Rows: median(runs.api.map((x) => x.cpuMsPer1000Rows)),
      allocKbPer1000Rows: median(runs.api.map((x) => x.allocKbPer1000Rows)),
      rssGrowthMb: Math.max(...runs.api.map((x) => x.rssGrowthMb ?? 0)),
      peakRssMb: Math.max(...runs.api.map((x) => x.peakRssMb ?? 0)),
      runs: runs.api,
    },
    raw: {
      rowsPerSecond: rawRate,
      cpuMsPer1000Rows: median(runs.raw.map((x) => x.cpuMsPer1000Rows)),
      allocKbPer1000Rows: median(runs.raw.map((x) => x.allocKbPer1000Rows)),
      runs: runs.raw,
    },
    ratio: apiRate / rawRate,
    million: { rows: million.rows, downloads: million.downloads, rssGrowthMb: million.rssGrowthMb ?? 0 },
  };
  return { result, api };
}
