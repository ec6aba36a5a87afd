import type autocannonType from "autocannon";
import type { ServerCounts, StatusProbe } from "./counters";
import { allocatedBetween, readAllocation } from "./allocation";
import { procMemory, resetPeak, treeCpuMs, treePids, type Child } from "./processes";
import { median, sleep, type Settings } from "./settings";

/** The three GraphQL workloads the API and the floor both answer, and a round of load on one of them. */
const PAGE_QUERY = `query BenchPage($first: Int!, $after: String) {
  clients(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id clientNo name type status investorCategory branch openedAt
      portrait {
        asOf computedAt avgDailyAssets20d totalAssets experienceMonths creditScore creditRating riskLevel horizon
        professionalEligible
      }
      segment { matched score segment { code name } }
      productFits(first: 3) { eligible score recommendedLimit product { code name } blockers { code } }
      reviews(first: 3) { pageInfo { hasNextPage } nodes { id trigger status dueDate recommendation outcome newLimit } }
    }
  }
}`;

const FIT_QUERY = `query BenchFit($clientNo: String!) {
  client(clientNo: $clientNo) {
    clientNo
    segment { matched score segment { code } reasons { code passed message required actual } }
    segmentFits { matched score segment { code } reasons { code passed message required actual } }
    productFits(first: 500) {
      eligible score recommendedLimit product { code } blockers { code } reasons { code passed message required actual }
    }
  }
}`;

const STATS_QUERY = `query BenchStats($code: String!) {
  segment(code: $code) {
    code
    stats {
      clientCount totalAvgDailyAssets meanAvgDailyAssets
      riskLevels { riskLevel count }
      creditRatings { creditRating count }
      activeFacilityCount totalApprovedLimit totalUsedAmount
    }
  }
}`;

export const OPERATIONS = { page: "BenchPage", fit: "BenchFit", stats: "BenchStats" } as const;
export type GqlWorkload = keyof typeof OPERATIONS;

export function body(workload: GqlWorkload, variables: Record<string, unknown>): string {
  const query = workload === "page" ? PAGE_QUERY : workload === "fit" ? FIT_QUERY : STATS_QUERY;
  return JSON.stringify({ operationName: OPERATIONS[workload], query, variables });
}

export interface Target {
  kind: "api" | "floor";
  child: Child;
  counts(operation: string): Promise<ServerCounts>;
}

export interface Round {
  requests: number;
  seconds: number;
  reqPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  sqlPerRequest: number;
  serverSqlPerRequest: number;
  cpuMsPerRequest: number;
  cpuPercent: number;
  /** KB allocated on the V8 heap per request, all the server's processes together (allocation.ts). */
  allocKbPerRequest: number;
  /** Garbage collections per request, all processes. */
  gcPerRequest: number;
  /** The peak RSS of each of the server's processes during the round, added up. */
  peakRssMb: number;
  processes: number;
  errors: number;
}

export async function load(
  port: number,
  token: string,
  bodies: string[],
  seconds: number,
  connections: number,
): Promise<autocannonType.Result> {
  const { default: autocannon } = await import("autocannon");
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/graphql`,
        method: "POST",
        connections,
        duration: seconds,
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        requests: [
          {
            setupRequest: (req) => {
              const b = bodies[next % bodies.length];
              next += 1;
              return { ...req, body: b };
            },
          },
        ],
        verifyBody: (b) => typeof b === "string" && b.startsWith("{") && !b.includes('"errors":['),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

export async function round(
  target: Target,
  token: string,
  workload: GqlWorkload,
  bodies: string[],
  s: Settings,
  probe: StatusProbe,
): Promise<Round> {
  const operation = OPERATIONS[workload];
  const pids = treePids(target.child);
  const c0 = await target.counts(operation);
  // The samplers write every second: wait for a sample taken after the previous load ended.
  await sleep(1100);
  const a0 = readAllocation(target.child.allocDir);
  const q0 = await probe.questions();
  for (const pid of pids) resetPeak(pid);
  const cpu0 = treeCpuMs(pids);
  const result = await load(target.child.port, token, bodies, s.seconds, s.connections);
  const after = treePids(target.child);
  const cpu1 = treeCpuMs(after);
  let cpuMs = 0;
  for (const [pid, ms] of cpu1) cpuMs += ms - (cpu0.get(pid) ?? 0);
  let hwmKb = 0;
  for (const pid of after) hwmKb += procMemory(pid).hwmKb;
  await sleep(1100);
  const a1 = readAllocation(target.child.allocDir);
  let gcs = 0;
  for (const [pid, a] of a1) gcs += a.gcCount - (a0.get(pid)?.gcCount ?? 0);
  const q1 = await probe.questions();
  const c1 = await target.counts(operation);
  const requests = result.requests.total;
  const ok = result["2xx"] - result.mismatches;
  const errors = result.non2xx + result.errors + result.mismatches + (c1.errors - c0.errors);
  return {
    requests,
    seconds: result.duration,
    reqPerSecond: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    sqlPerRequest: probe.delta(q0, q1) / Math.max(requests, 1),
    serverSqlPerRequest:
      target.kind === "api"
        ? (c1.statements - c0.statements) / Math.max(c1.requests - c0.requests, 1)
        : (c1.statements - c0.statements) / Math.max(requests, 1),
    cpuMsPerRequest: cpuMs / Math.max(requests, 1),
    cpuPercent: (cpuMs / (result.duration * 1000)) * 100,
    allocKbPerRequest: allocatedBetween(a0, a1) / 1024 / Math.max(requests, 1),
    gcPerRequest: gcs / Math.max(requests, 1),
    peakRssMb: hwmKb / 1024,
    processes: after.length,
    errors,
  };
}

export function summarise(rounds: Round[]) {
  return {
    reqPerSecond: median(rounds.map((r) => r.reqPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    sqlPerRequest: median(rounds.map((r) => r.sqlPerRequest)),
    serverSqlPerRequest: median(rounds.map((r) => r.serverSqlPerRequest)),
    cpuMsPerRequest: median(rounds.map((r) => r.cpuMsPerRequest)),
    cpuPercent: median(rounds.map((r) => r.cpuPercent)),
    allocKbPerRequest: median(rounds.map((r) => r.allocKbPerRequest)),
    gcPerRequest: median(rounds.map((r) => r.gcPerRequest)),
    processes: Math.max(...rounds.map((r) => r.processes)),
    peakRssMb: Math.max(...rounds.map((r) => r.peakRssMb)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    rounds,
  };
}
export type Summary = ReturnType<typeof summarise>;
