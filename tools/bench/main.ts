import "reflect-metadata";
import { runBench } from "./run";

const USAGE = `npm run bench: the API (a child process, as in production) against a floor — a node:http server
on mysql2 with hand-written SQL returning the same JSON — in alternating rounds, for four workloads:
(a) a page of 50 clients with portrait, segment, 3 product fits and 3 reviews; (b) one client's full
fit; (c) segment stats; (d) a segment's NDJSON export against a raw mysql2 stream; then (a) again with both
servers at one worker per CPU.

Environment:
  BENCH_MYSQL_URL      mysql://root@127.0.0.1:3306/margin_bench
  BENCH_CLIENTS        100000, seeded only into an empty database
  BENCH_SECONDS        10 per round
  BENCH_ROUNDS         3
  BENCH_CONNECTIONS    16
  BENCH_WARMUP         3 s per workload and server
  BENCH_WORKLOADS      page,fit,stats,export
  BENCH_CPU_PROF=1     CPU-profile the API child during the page rounds and print its top functions
  BENCH_OUT            bench/results/latest.json
  BENCH_NODE_OPTIONS   NODE_OPTIONS for both servers
  BENCH_API_CONCURRENCY  the API's MAX_CONCURRENT_REQUESTS
  BENCH_READ_PLANNER   the API's READ_PLANNER (on, its default, or off: client pages field by field)
  BENCH_WORKERS_ROW=0  skip the last row: the page with the API at WORKERS=auto against the floor at as
                       many workers (node:cluster both; on by default)
  BENCH_REDIS_URL      redis://127.0.0.1:6379, which the API's workers share in that row (skipped
                       when it does not answer)

Each server runs with tools/bench/allocation.js preloaded: V8 heap bytes allocated per request (all its
processes; GCProfiler before/after each collection plus the heap's growth), printed per workload;
BENCH_ALLOCATION=0 leaves the GC profiler out (to see what it costs; allocation then prints "-").`;

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(USAGE);
} else {
  runBench().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
