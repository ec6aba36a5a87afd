import type { DataSource } from "typeorm";
import { seal } from "../crypto/personal-data";
import { SatisfactionChannel } from "../domain/enums";
import { addDays } from "../domain/dates";
import { SegmentEntity } from "../entities";
import { activeSegments } from "../services/fit/catalogue";
import { segmentCaseSql } from "../repositories/segment-membership.sql";
import { inForceAt } from "../repositories/tracking.sql";
import type { Draws } from "./history";
import type { SeedIds } from "./rows";

/**
 * The demo book's history for SPEC §13 (§9, second revision): month ends of the 13 months before the
 * as-of date, a segment snapshot at each and at the as-of date, satisfaction answers with a different
 * NPS per segment, and a cohort portrait three month ends back so that creditModelPerformance has
 * clients to score. Per-client rows are drawn in Node with each client's own generator; the snapshots
 * a set-based INSERT … SELECT per chunk of clients.
 */

/** The last day of each of the `n` months before the month of `asOf`, oldest first. */
export function monthEnds(asOf: string, n = 13): string[] {
  const out: string[] = [];
  let d = addDays(`${asOf.slice(0, 7)}-01`, -1);
  for (let i = 0; i < n; i += 1) {
    out.unshift(d);
    d = addDays(`${d.slice(0, 7)}-01`, -1);
  }
  return out;
}

/** The cohort date of the demo's credit model: three month ends back (2026-08-31 for 2026-11-27). */
export function cohortDate(asOf: string): string {
  const ends = monthEnds(asOf);
  return ends[ends.length - 3];
}

/** Chance that a facility in force on the cohort date meets a margin call afterwards, by the cohort score. */
export function badChance(score: number): number {
  return score < 50 ? 0.6 : score < 65 ? 0.35 : score < 80 ? 0.12 : 0.04;
}

/** Share of the facilities drawn MARGIN_CALL or LIQUIDATING that keep that state, by the cohort score. */
export function troubleKept(score: number): number {
  return score < 65 ? 1 : score < 80 ? 0.5 : 0.2;
}

/** Per segment (null: none), the share of promoters and of promoters + passives among answers. */
const ANSWERS: Record<string, [number, number]> = { A: [0.62, 0.9], B: [0.45, 0.78], C: [0.3, 0.6], "": [0.16, 0.42] };
const COMMENTS = ["客户经理服务周到", "两融利率偏高", "App 追保提醒很及时", "希望增加投顾服务", "网点办理排队时间长"];
const CHANNELS = Object.values(SatisfactionChannel);

export const SATISFACTION_COLUMNS = [
  "id",
  "clientId",
  "surveyedOn",
  "score",
  "channel",
  "comment",
  "recordedBy",
  "createdAt",
];
export const VALUATION_COLUMNS = [
  "facilityId",
  "asOf",
  "usedAmount",
  "collateralValue",
  "maintenanceRatio",
  "recordedAt",
];

/** About a third of the clients answered one survey in the 13 months; scores lean by segment. */
export function seedSatisfaction(
  draw: Draws,
  id: number,
  segment: string | null,
  asOf: string,
  ids: SeedIds,
  out: unknown[][],
): void {
  const { rnd, pick, between } = draw;
  if (rnd() >= 0.35) return;
  const [promoters, passives] = ANSWERS[segment ?? ""];
  const u = rnd();
  const score =
    u < promoters ? 9 + Math.floor(rnd() * 2) : u < passives ? 7 + Math.floor(rnd() * 2) : Math.floor(rnd() * 7);
  const surveyedOn = addDays(asOf, -Math.floor(between(1, 395)));
  out.push([
    ++ids.satisfactionId,
    id,
    surveyedOn,
    score,
    pick(CHANNELS),
    // A comment is personal data, sealed at rest (SPEC §14).
    rnd() < 0.25 ? seal(pick(COMMENTS)) : null,
    "rm-demo",
    `${surveyedOn} 06:00:00.000`,
  ]);
}

/**
 * A segment snapshot for every client at each month end and at the as-of date, set-based. A month end
 * places the client by its as-of portrait with the average drifted by a fixed per-client and per-month
 * factor (0.80–1.20, falling back 1.2 % a month), so clients near a threshold move between segments
 * from month to month; the as-of date places it by its portrait as it is, like snapshotSegments.
 * Writing a portrait per month end for every client would not fit §9's 60 s at 100,000 clients, so the
 * month-end rows carry no portraitId. Returns the writer of the clients of ids [fromId, toId], called
 * with each chunk in the chunk's transaction while its rows are still in the buffer pool: one
 * INSERT … SELECT per date over all clients made the snapshots' secondary indexes 14 passes of
 * scattered writes over the whole book.
 */
export async function segmentSnapshotWriter(
  ds: DataSource,
  asOf: string,
): Promise<
  (
    exec: (sql: string, params: unknown[]) => Promise<{ affected?: number }>,
    fromId: number,
    toId: number,
  ) => Promise<number>
> {
  const segments = await ds.getRepository(SegmentEntity).find({ order: { priority: "ASC", code: "ASC" } });
  const segmentCase = segmentCaseSql(activeSegments(segments), (s) => s.entity.id);
  const dates = [...monthEnds(asOf), asOf];
  const last = dates.length - 1;
  // Each date with its month's factor as a DECIMAL literal (a bound value would be text, which MariaDB
  // multiplies in floating point), the as-of date last and undrifted.
  const dated = dates
    .map((_, k) => `SELECT ${k} AS \`k\`, ? AS \`asOf\`, ${(1 - 0.012 * (last - k)).toFixed(3)} AS \`factor\``)
    .join(" UNION ALL ");
  const drift = `((0.80 + ((c.\`id\` * 7919 + d.\`k\` * 104729) % 41) / 100.0) * d.\`factor\`)`;
  // SQLite compares a computed value with the thresholds (bound as text) only through NUMERIC affinity,
  // which a CAST gives it; without it every month end fell in "no segment".
  const drifted = `CASE WHEN d.\`k\` = ${last} THEN p.\`avgDailyAssets20d\` ELSE ROUND(p.\`avgDailyAssets20d\` * ${drift}, 2) END`;
  const avg = ds.options.type === "better-sqlite3" ? `CAST(${drifted} AS NUMERIC)` : drifted;
  const forces = dates.map((date) => inForceAt("f", date));
  const inForce = forces
    .map(
      (force, k) =>
        `SELECT ${k} AS \`k\`, f.\`clientId\`, COUNT(*) AS \`n\`, SUM(f.\`approvedLimit\`) AS \`approved\` FROM \`credit_facility\` f
          WHERE f.\`clientId\` BETWEEN ? AND ? AND ${force.sql} GROUP BY f.\`clientId\``,
    )
    .join(" UNION ALL ");
  // The portrait joined by its primary key, the drifted average written into the segment's CASE; every
  // date of a client from one read of its client and portrait rows.
  const sql = `INSERT INTO \`segment_snapshot\` (\`asOf\`, \`clientId\`, \`segmentId\`, \`portraitId\`, \`avgDailyAssets20d\`, \`facilitiesInForce\`, \`approvedLimit\`)
     SELECT d.\`asOf\`, c.\`id\`, ${segmentCase.sql.split("p.`avgDailyAssets20d`").join(avg)},
         CASE WHEN d.\`k\` = ${last} THEN p.\`id\` END, ${avg}, COALESCE(fa.\`n\`, 0), COALESCE(fa.\`approved\`, 0)
       FROM \`client\` c JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\`
       JOIN (${dated}) d ON c.\`openedAt\` <= d.\`asOf\`
       LEFT JOIN (${inForce}) fa ON fa.\`clientId\` = c.\`id\` AND fa.\`k\` = d.\`k\`
      WHERE c.\`id\` BETWEEN ? AND ?`;
  return async (exec, fromId, toId) => {
    const params = [
      ...segmentCase.params,
      ...dates,
      ...forces.flatMap((force) => [fromId, toId, ...force.params]),
      fromId,
      toId,
    ];
    return (await exec(sql, params)).affected ?? 0;
  };
}
