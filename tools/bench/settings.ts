import path from "node:path";
import { ROOT } from "../root";

/** The bench's settings, from the environment (documented in `main.ts` and `npm run bench -- --help`). */

export const RESULTS_DIR = path.join(ROOT, "bench", "results");
/** The API as it is built and run in production: `npm run build`'s output, not a copy in the tools' build. */
export const MAIN_JS = path.join(ROOT, "dist", "src", "main.js");
export const MB = 1024 * 1024;

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    console.error(`${name} must be a whole number between ${min} and ${max}`);
    process.exit(2);
  }
  return Number(raw.trim());
}

export type Workload = "page" | "fit" | "stats" | "export";
export const ALL_WORKLOADS: Workload[] = ["page", "fit", "stats", "export"];

export function settings() {
  const url = (process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/margin_bench").trim();
  if (!/^mysql:\/\/[^/\s]+\/[A-Za-z0-9_$-]+$/.test(url)) {
    console.error("BENCH_MYSQL_URL must be mysql://user[:pass]@host:port/database");
    process.exit(2);
  }
  const workloads = (process.env.BENCH_WORKLOADS ?? ALL_WORKLOADS.join(","))
    .split(",")
    .map((w) => w.trim())
    .filter((w) => w !== "");
  for (const w of workloads) {
    if (!(ALL_WORKLOADS as string[]).includes(w)) {
      console.error(`BENCH_WORKLOADS: unknown workload ${w} (page, fit, stats, export)`);
      process.exit(2);
    }
  }
  return {
    url,
    clients: intEnv("BENCH_CLIENTS", 100_000, 100, 1_000_000),
    seconds: intEnv("BENCH_SECONDS", 10, 1, 600),
    rounds: intEnv("BENCH_ROUNDS", 3, 1, 50),
    connections: intEnv("BENCH_CONNECTIONS", 16, 1, 1000),
    warmup: intEnv("BENCH_WARMUP", 3, 0, 60),
    workloads: workloads as Workload[],
    out: path.resolve(ROOT, (process.env.BENCH_OUT ?? "").trim() || path.join(RESULTS_DIR, "latest.json")),
    cpuProfile: ["1", "true", "yes"].includes((process.env.BENCH_CPU_PROF ?? "").trim().toLowerCase()),
    /** After the other workloads, the page again at WORKERS=auto against the floor at as many workers. */
    workersRow: !["0", "false", "no"].includes((process.env.BENCH_WORKERS_ROW ?? "").trim().toLowerCase()),
    /** The Redis the API's workers share in that row (WORKERS above 1 requires REDIS_URL). */
    redisUrl: (process.env.BENCH_REDIS_URL ?? "").trim() || "redis://127.0.0.1:6379",
  };
}
export type Settings = ReturnType<typeof settings>;

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const fmt = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(digits);

/** The workload the CPU profile covers: the page query when it runs, else the first one. */
export function w0(s: Settings): Workload {
  return s.workloads.includes("page") ? "page" : s.workloads[0];
}
