import "reflect-metadata";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../src/config";
import { openDataSource } from "../../src/db/data-source";
import { FixedClock } from "../../src/domain/clock";
import { addDays } from "../../src/domain/dates";
import { Role } from "../../src/domain/enums";
import { createLogger } from "../../src/log";
import { buildApiSchema } from "../../src/schema/build";
import { seedDemoBook } from "../../src/seed/demo-book";
import { cohortDate } from "../../src/seed/tracking";
import { createApp } from "../../src/server/app";
import { createServices } from "../../src/services";
import { mintToken } from "../../src/services/access/tokens";

/**
 * npm run bench:tracking — SPEC §13's heavy reads and the snapshot job on the 100,000-client MariaDB
 * book, through the API in this process: segmentPerformance over 12 months, previewSegmentChange, and
 * snapshotSegments for one date (run twice: the first writes the date, the second finds it done).
 * Prints each timing (figures, not assertions; targets ≤ 2 s, ≤ 2 s, ≤ 10 s).
 *
 *   BENCH_MYSQL_URL   mysql://root@127.0.0.1:3306/margin_bench (seeded with BENCH_CLIENTS when empty)
 *   BENCH_CLIENTS     100000
 *   BENCH_AS_OF       2026-11-27, the book's as-of date (the clock of the run)
 *   BENCH_ROUNDS      3 timed runs of each read, after one warm-up
 */
async function main(): Promise<void> {
  const url = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/margin_bench";
  const clients = Number(process.env.BENCH_CLIENTS ?? 100_000);
  const asOf = process.env.BENCH_AS_OF ?? "2026-11-27";
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const ds = await openDataSource({ url });
  await ds.runMigrations({ transaction: "each" });
  const [{ n }] = (await ds.query("SELECT COUNT(*) AS n FROM `client`")) as { n: unknown }[];
  if (Number(n) === 0) {
    console.log(`seeding ${clients} clients as of ${asOf}…`);
    const s = await seedDemoBook(ds, { clients, seed: 42, asOf });
    console.log(`seeded in ${(s.ms / 1000).toFixed(1)} s`);
  }
  const config = loadConfig({ ...process.env, NODE_ENV: "development", LOG_LEVEL: "silent", DATABASE_URL: url });
  const clock = new FixedClock(new Date(`${asOf}T09:30:00.000Z`));
  const app = await createApp({
    schema: await buildApiSchema(),
    services: createServices(config, ds, clock),
    logger: createLogger("silent"),
  });
  await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
  const token = await mintToken(config.authJwtSecret, { sub: "bench-tracking", roles: [Role.RISK_OFFICER] });
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const started = process.hrtime.bigint();
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { ms, data: body.data };
  };
  const timed = async (name: string, target: number, query: string, variables: Record<string, unknown> = {}) => {
    await gql(query, variables);
    const runs: number[] = [];
    let last: unknown = null;
    for (let i = 0; i < rounds; i += 1) {
      const r = await gql(query, variables);
      runs.push(r.ms);
      last = r.data;
    }
    const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    console.log(
      `${name.padEnd(34)} median ${(median / 1000).toFixed(2)} s  (runs ${runs.map((r) => (r / 1000).toFixed(2)).join(", ")} s; target ≤ ${target} s)`,
    );
    return last;
  };
  try {
    const from = addDays(asOf, -365);
    const perf = (await timed(
      "segmentPerformance, 12 months",
      2,
      `query($from: Date!, $to: Date!) { segmentPerformance(from: $from, to: $to) { segment { code } clientCount
        facilitiesInForce facilitiesOpened utilization marginCallRate defaultRate interestIncome satisfactionResponses nps } }`,
      { from, to: asOf },
    )) as { segmentPerformance: unknown[] };
    console.table(perf.segmentPerformance);
    const preview = (await timed(
      "previewSegmentChange (C to 2,000,000)",
      2,
      `query($input: UpsertSegmentInput!) { previewSegmentChange(input: $input) { clientsAssessed
        moves { fromSegment { code } toSegment { code } clientCount } productEligibility { product { code } gaining losing } } }`,
      {
        input: {
          code: "C",
          name: "中小客户",
          priority: 15,
          criteria: { minAvgDailyAssets: "500000", maxAvgDailyAssets: "2000000" },
          strategy: { approvalTier: "AUTO", reviewIntervalDays: 180, advisoryService: false },
        },
      },
    )) as { previewSegmentChange: { clientsAssessed: number } };
    console.log(JSON.stringify(preview.previewSegmentChange));
    const model = await gql(
      `query($d: Date!) { creditModelPerformance(cohortDate: $d) { clients bads auc ks ratings { creditRating clients bads badRate } } }`,
      { d: cohortDate(asOf) },
    );
    console.log(`creditModelPerformance ${(model.ms / 1000).toFixed(2)} s`, JSON.stringify(model.data));
    const snapshotDate = addDays(asOf, -1);
    await ds.query("DELETE FROM `segment_snapshot` WHERE `asOf` = ?", [snapshotDate]);
    for (const label of ["first run", "second run (idempotent)"]) {
      const r = (await gql(
        `mutation($input: SnapshotSegmentsInput!) { snapshotSegments(input: $input) { count userErrors { code } } }`,
        { input: { asOf: snapshotDate } },
      )) as { ms: number; data: { snapshotSegments: { count: number } } };
      console.log(
        `snapshotSegments ${snapshotDate}, ${label}`.padEnd(34),
        `${(r.ms / 1000).toFixed(2)} s, ${r.data.snapshotSegments.count} rows written (target ≤ 10 s)`,
      );
    }
  } finally {
    await app.close();
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
