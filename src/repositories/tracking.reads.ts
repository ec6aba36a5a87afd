import { AlertKind, FacilityStatus, HistoryInterval } from "../domain/enums";
import { addDays } from "../domain/dates";
import type { BranchScope } from "../domain/scope";
import { toCount } from "../db/sql";
import { scopeClause, Where } from "./paging.reads";
import type { ReadPool } from "./read-pool";
import type { SqlPredicate } from "./segment-membership.sql";
import { dayAfter, dayStart, inForceAt, inForceDuring, sumCents } from "./tracking.sql";

/**
 * The tracking reads of SPEC §13, each a handful of set-based statements that group in the database
 * and hand back a few rows per segment: counts and exact sums in cents (integers). What is left for
 * Node is dividing those into rates, NPS, AUC and KS (services/tracking/figures.ts).
 */

const isMysql = (db: ReadPool) => db.ds.options.type !== "better-sqlite3";
const num = (v: unknown): number => toCount(v);
const idOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** A DATE as YYYY-MM-DD (the drivers hand it back as text; a computed one may be a Date). */
export const dateText = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
/** Cents as a bigint: MariaDB sums DECIMAL to text ("123.00"), SQLite to an integer. */
const cents = (v: unknown): bigint => {
  if (v === null || v === undefined) return 0n;
  const text = typeof v === "number" ? v.toFixed(0) : String(v);
  return BigInt(text.includes(".") ? text.slice(0, text.indexOf(".")) : text);
};

/** Each client's last snapshot dated on or before `date`: (clientId, segmentId). */
function lastSnapshot(date: string): SqlPredicate {
  return {
    sql: `SELECT s.\`clientId\`, s.\`segmentId\` FROM \`segment_snapshot\` s
      JOIN (SELECT \`clientId\`, MAX(\`asOf\`) AS d FROM \`segment_snapshot\` WHERE \`asOf\` <= ? GROUP BY \`clientId\`) m
        ON m.\`clientId\` = s.\`clientId\` AND m.d = s.\`asOf\``,
    params: [date],
  };
}

/** Every client opened by `to` in scope, with `k`: the segment of its last snapshot on or before `to` (NULL: none). */
function clientSegments(to: string, scope: BranchScope): SqlPredicate {
  const last = lastSnapshot(to);
  const where = new Where().add("c.`openedAt` <= ?", to);
  scopeClause(where, scope, "c.`branch`");
  return {
    sql: `SELECT c.\`id\` AS \`clientId\`, ls.\`segmentId\` AS k FROM \`client\` c
      LEFT JOIN (${last.sql}) ls ON ls.\`clientId\` = c.\`id\` ${where.sql()}`,
    params: [...last.params, ...where.params],
  };
}

/**
 * The segment of `clientCol`'s last snapshot on or before `to` (NULL: none), looked up per row on the
 * (clientId, asOf, segmentId) index: cheaper than grouping every client when the rows are facilities.
 */
function segmentAt(clientCol: string, to: string): SqlPredicate {
  return {
    sql: `(SELECT s.\`segmentId\` FROM \`segment_snapshot\` s WHERE s.\`clientId\` = ${clientCol} AND s.\`asOf\` <= ?
      ORDER BY s.\`asOf\` DESC LIMIT 1)`,
    params: [to],
  };
}

/** The clients a figure counts: opened by `to`, in the viewer's scope. */
function clientFilter(to: string, scope: BranchScope): Where {
  const where = new Where().add("c.`openedAt` <= ?", to);
  scopeClause(where, scope, "c.`branch`");
  return where;
}

export interface HistoryRow {
  date: string;
  clientCount: number;
  avgCents: bigint;
  facilities: number;
  limitCents: bigint;
}

function periodOf(mysql: boolean, interval: HistoryInterval, col: string): string {
  if (interval === HistoryInterval.DAY) return col;
  if (interval === HistoryInterval.MONTH) return mysql ? `DATE_FORMAT(${col}, '%Y-%m')` : `substr(${col}, 1, 7)`;
  // The Monday of the date's week.
  return mysql
    ? `DATE_SUB(${col}, INTERVAL WEEKDAY(${col}) DAY)`
    : `date(${col}, '-' || ((CAST(strftime('%w', ${col}) AS INTEGER) + 6) % 7) || ' days')`;
}

/**
 * Segment.history: for each period with a snapshot in [from, to], the figures of `segmentId` on the
 * period's last snapshot date (zeros when the segment had no client then).
 */
export async function segmentHistory(
  db: ReadPool,
  segmentId: number,
  from: string,
  to: string,
  interval: HistoryInterval,
  scope: BranchScope,
): Promise<HistoryRow[]> {
  const mysql = isMysql(db);
  const where = new Where().add("c.`id` = s.`clientId`");
  scopeClause(where, scope, "c.`branch`");
  const inScope = scope.all ? "" : `AND EXISTS (SELECT 1 FROM \`client\` c ${where.sql()})`;
  const rows = await db.query<{ d: unknown; n: unknown; avg: unknown; f: unknown; lim: unknown }>(
    `SELECT d.\`asOf\` AS d, COUNT(s.\`clientId\`) AS n, ${sumCents(mysql, "s.`avgDailyAssets20d`")} AS avg,
        SUM(s.\`facilitiesInForce\`) AS f, ${sumCents(mysql, "s.`approvedLimit`")} AS lim
       FROM (SELECT MAX(x.\`asOf\`) AS \`asOf\` FROM (SELECT DISTINCT \`asOf\` FROM \`segment_snapshot\` WHERE \`asOf\` BETWEEN ? AND ?) x
              GROUP BY ${periodOf(mysql, interval, "x.`asOf`")}) d
       LEFT JOIN \`segment_snapshot\` s ON s.\`asOf\` = d.\`asOf\` AND s.\`segmentId\` = ? ${inScope}
      GROUP BY d.\`asOf\` ORDER BY d.\`asOf\``,
    [from, to, segmentId, ...(scope.all ? [] : where.params)],
  );
  return rows.map((r) => ({
    date: dateText(r.d),
    clientCount: num(r.n),
    avgCents: cents(r.avg),
    facilities: num(r.f),
    limitCents: cents(r.lim),
  }));
}

export interface MigrationRow {
  fromSegmentId: number | null;
  toSegmentId: number | null;
  clientCount: number;
}

/** segmentMigration: clients with a snapshot on or before `to`, by (segment then ≤ from, segment then ≤ to). */
export async function segmentMigration(
  db: ReadPool,
  from: string,
  to: string,
  scope: BranchScope,
): Promise<MigrationRow[]> {
  const a = lastSnapshot(from);
  const b = lastSnapshot(to);
  const where = new Where();
  scopeClause(where, scope, "c.`branch`");
  const rows = await db.query<{ f: unknown; t: unknown; n: unknown }>(
    `SELECT a.\`segmentId\` AS f, b.\`segmentId\` AS t, COUNT(*) AS n
       FROM (${b.sql}) b LEFT JOIN (${a.sql}) a ON a.\`clientId\` = b.\`clientId\`
       ${scope.all ? "" : "JOIN `client` c ON c.`id` = b.`clientId`"} ${where.sql()}
      GROUP BY a.\`segmentId\`, b.\`segmentId\``,
    [...b.params, ...a.params, ...where.params],
  );
  return rows.map((r) => ({ fromSegmentId: idOrNull(r.f), toSegmentId: idOrNull(r.t), clientCount: num(r.n) }));
}

/** What segmentPerformance adds up per segment key (null: no segment), before any division. */
export interface PerformanceRow {
  clientCount: number;
  facilitiesInForce: number;
  facilitiesOpened: number;
  marginCalls: number;
  defaults: number;
  inForceAtTo: number;
  approvedCentsAtTo: bigint;
  usedCentsAtTo: bigint;
  /** Σ usedAmount (cents) × days it held, per annual rate (as stored text). */
  centDaysByRate: Map<string, bigint>;
  responses: number;
  promoters: number;
  detractors: number;
}

export const emptyPerformance = (): PerformanceRow => ({
  clientCount: 0,
  facilitiesInForce: 0,
  facilitiesOpened: 0,
  marginCalls: 0,
  defaults: 0,
  inForceAtTo: 0,
  approvedCentsAtTo: 0n,
  usedCentsAtTo: 0n,
  centDaysByRate: new Map(),
  responses: 0,
  promoters: 0,
  detractors: 0,
});

/**
 * segmentPerformance's sums per segment key, a client counted in the segment of its last snapshot on
 * or before `to`; satisfaction answers by the segment on their survey date (last snapshot on or before
 * it, else `liveSegment` of the latest portrait). Four grouped statements.
 */
export async function segmentPerformance(
  db: ReadPool,
  from: string,
  to: string,
  scope: BranchScope,
  liveSegment: SqlPredicate,
): Promise<Map<number | null, PerformanceRow>> {
  const mysql = isMysql(db);
  const out = new Map<number | null, PerformanceRow>();
  const rowOf = (k: unknown) => {
    const key = idOrNull(k);
    let row = out.get(key);
    if (!row) out.set(key, (row = emptyPerformance()));
    return row;
  };
  const cs = clientSegments(to, scope);
  const k = segmentAt("f.`clientId`", to);
  const counted = clientFilter(to, scope);
  const during = inForceDuring("f", from, to);
  const atTo = inForceAt("f", to);
  const periodStart = dayStart(from);
  const periodEnd = dayAfter(to);

  const [clients, facilities, interest, answers] = await Promise.all([
    db.query<{ k: unknown; n: unknown }>(`SELECT cs.k, COUNT(*) AS n FROM (${cs.sql}) cs GROUP BY cs.k`, cs.params),
    db.query<Record<string, unknown>>(
      `SELECT x.k, SUM(x.during) AS during, SUM(x.opened) AS opened, SUM(x.mc) AS mc, SUM(x.dflt) AS dflt,
          SUM(x.atTo) AS atTo, ${sumCents(mysql, "x.approved")} AS approved, ${sumCents(mysql, "x.used")} AS used
         FROM (SELECT ${k.sql} AS k,
             CASE WHEN ${during.sql} THEN 1 ELSE 0 END AS during,
             CASE WHEN f.\`startDate\` BETWEEN ? AND ? THEN 1 ELSE 0 END AS opened,
             CASE WHEN ${during.sql} AND EXISTS (SELECT 1 FROM \`alert\` a WHERE a.\`facilityId\` = f.\`id\` AND a.\`kind\` = ?
               AND a.\`raisedAt\` >= ? AND a.\`raisedAt\` < ?) THEN 1 ELSE 0 END AS mc,
             CASE WHEN ${during.sql} AND f.\`defaultedAt\` >= ? AND f.\`defaultedAt\` < ? THEN 1 ELSE 0 END AS dflt,
             CASE WHEN ${atTo.sql} THEN 1 ELSE 0 END AS atTo,
             CASE WHEN ${atTo.sql} THEN f.\`approvedLimit\` ELSE 0 END AS approved,
             CASE WHEN ${atTo.sql} THEN COALESCE((SELECT v.\`usedAmount\` FROM \`facility_valuation\` v
               WHERE v.\`facilityId\` = f.\`id\` AND v.\`asOf\` <= ? ORDER BY v.\`asOf\` DESC LIMIT 1), 0) ELSE 0 END AS used
           FROM \`credit_facility\` f JOIN \`client\` c ON c.\`id\` = f.\`clientId\`
          ${counted.sql()} AND f.\`startDate\` IS NOT NULL AND f.\`startDate\` <= ?) x
        GROUP BY x.k`,
      [
        ...k.params,
        ...during.params,
        from,
        to,
        ...during.params,
        AlertKind.MARGIN_CALL,
        periodStart,
        periodEnd,
        ...during.params,
        periodStart,
        periodEnd,
        ...atTo.params,
        ...atTo.params,
        ...atTo.params,
        to,
        ...counted.params,
        to,
      ],
    ),
    // Each valuation holds from its date until the next one; its days inside [from, to] accrue at the facility's rate.
    db.query<{ k: unknown; rate: unknown; cd: unknown }>(
      mysql
        ? `SELECT y.k, y.rate, SUM(y.cd) AS cd FROM (SELECT ${k.sql} AS k, f.\`annualRate\` AS rate,
              iv.\`usedAmount\` * 100 * GREATEST(0, DATEDIFF(LEAST(COALESCE(iv.b, ?), ?), GREATEST(iv.a, ?))) AS cd
             FROM (SELECT v.\`facilityId\`, v.\`usedAmount\`, v.\`asOf\` AS a,
                     LEAD(v.\`asOf\`) OVER (PARTITION BY v.\`facilityId\` ORDER BY v.\`asOf\`) AS b
                     FROM \`facility_valuation\` v WHERE v.\`asOf\` <= ?) iv
             JOIN \`credit_facility\` f ON f.\`id\` = iv.\`facilityId\` JOIN \`client\` c ON c.\`id\` = f.\`clientId\`
             ${counted.sql()}) y
            GROUP BY y.k, y.rate`
        : `SELECT y.k, y.rate, SUM(y.cd) AS cd FROM (SELECT ${k.sql} AS k, f.\`annualRate\` AS rate,
              CAST(ROUND(iv.\`usedAmount\` * 100) AS INTEGER) * MAX(0, CAST(julianday(MIN(COALESCE(iv.b, ?), ?)) - julianday(MAX(iv.a, ?)) AS INTEGER)) AS cd
             FROM (SELECT v.\`facilityId\`, v.\`usedAmount\`, v.\`asOf\` AS a,
                     LEAD(v.\`asOf\`) OVER (PARTITION BY v.\`facilityId\` ORDER BY v.\`asOf\`) AS b
                     FROM \`facility_valuation\` v WHERE v.\`asOf\` <= ?) iv
             JOIN \`credit_facility\` f ON f.\`id\` = iv.\`facilityId\` JOIN \`client\` c ON c.\`id\` = f.\`clientId\`
             ${counted.sql()}) y
            GROUP BY y.k, y.rate`,
      [...k.params, addDays(to, 1), addDays(to, 1), from, to, ...counted.params],
    ),
    satisfactionBySegment(db, from, to, scope, liveSegment),
  ]);
  for (const r of clients) rowOf(r.k).clientCount = num(r.n);
  for (const r of facilities) {
    const row = rowOf(r.k);
    row.facilitiesInForce = num(r.during);
    row.facilitiesOpened = num(r.opened);
    row.marginCalls = num(r.mc);
    row.defaults = num(r.dflt);
    row.inForceAtTo = num(r.atTo);
    row.approvedCentsAtTo = cents(r.approved);
    row.usedCentsAtTo = cents(r.used);
  }
  for (const r of interest) {
    const row = rowOf(r.k);
    const rate = typeof r.rate === "number" ? r.rate.toFixed(4) : String(r.rate);
    row.centDaysByRate.set(rate, (row.centDaysByRate.get(rate) ?? 0n) + cents(r.cd));
  }
  for (const r of answers) {
    const row = rowOf(r.k);
    row.responses = r.responses;
    row.promoters = r.promoters;
    row.detractors = r.detractors;
  }
  return out;
}

/** Satisfaction answers of [from, to] by the segment on their survey date. */
async function satisfactionBySegment(
  db: ReadPool,
  from: string,
  to: string,
  scope: BranchScope,
  liveSegment: SqlPredicate,
): Promise<{ k: number | null; responses: number; promoters: number; detractors: number }[]> {
  const where = new Where().add("r.`surveyedOn` BETWEEN ? AND ?", from, to);
  scopeClause(where, scope, "c.`branch`");
  // -1: a snapshot in no segment; NULL: no snapshot by then, so the latest portrait's segment counts.
  const rows = await db.query<{ k: unknown; n: unknown; pro: unknown; det: unknown }>(
    `SELECT CASE WHEN x.snap IS NULL THEN x.live WHEN x.snap = -1 THEN NULL ELSE x.snap END AS k,
        COUNT(*) AS n, SUM(CASE WHEN x.score >= 9 THEN 1 ELSE 0 END) AS pro, SUM(CASE WHEN x.score <= 6 THEN 1 ELSE 0 END) AS det
       FROM (SELECT r.\`score\` AS score,
               (SELECT COALESCE(s.\`segmentId\`, -1) FROM \`segment_snapshot\` s WHERE s.\`clientId\` = r.\`clientId\`
                 AND s.\`asOf\` <= r.\`surveyedOn\` ORDER BY s.\`asOf\` DESC LIMIT 1) AS snap,
               ${liveSegment.sql} AS live
             FROM \`satisfaction_response\` r JOIN \`client\` c ON c.\`id\` = r.\`clientId\`
             LEFT JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\` ${where.sql()}) x
      GROUP BY CASE WHEN x.snap IS NULL THEN x.live WHEN x.snap = -1 THEN NULL ELSE x.snap END`,
    [...liveSegment.params, ...where.params],
  );
  return rows.map((r) => ({ k: idOrNull(r.k), responses: num(r.n), promoters: num(r.pro), detractors: num(r.det) }));
}

export interface CohortRow {
  score: number;
  rating: string;
  bad: boolean;
  clients: number;
}

/**
 * creditModelPerformance's cohort, grouped by (score, rating, bad): the clients with a facility open on
 * `cohortDate` (created by then and not yet REJECTED or CLOSED — both final, so a final facility's
 * updatedAt is when it got there), scored by their latest portrait dated on or before it; bad when a
 * facility of theirs had a MARGIN_CALL alert or went to LIQUIDATING in (cohortDate, cohortDate + horizon].
 */
export async function creditCohort(
  db: ReadPool,
  cohortDate: string,
  horizonDays: number,
  scope: BranchScope,
): Promise<CohortRow[]> {
  const next = dayAfter(cohortDate);
  const end = dayAfter(addDays(cohortDate, horizonDays));
  const where = new Where().add(
    `EXISTS (SELECT 1 FROM \`credit_facility\` f WHERE f.\`clientId\` = c.\`id\` AND f.\`createdAt\` < ?
      AND NOT (f.\`status\` IN (?, ?) AND f.\`updatedAt\` < ?))`,
    next,
    FacilityStatus.REJECTED,
    FacilityStatus.CLOSED,
    next,
  );
  scopeClause(where, scope, "c.`branch`");
  const rows = await db.query<{ score: unknown; rating: string; bad: unknown; n: unknown }>(
    `SELECT x.score, x.rating, x.bad, COUNT(*) AS n FROM (
       SELECT p.\`creditScore\` AS score, p.\`creditRating\` AS rating,
         CASE WHEN EXISTS (SELECT 1 FROM \`alert\` a WHERE a.\`clientId\` = c.\`id\` AND a.\`kind\` = ? AND a.\`facilityId\` IS NOT NULL
                AND a.\`raisedAt\` >= ? AND a.\`raisedAt\` < ?)
           OR EXISTS (SELECT 1 FROM \`credit_facility\` d WHERE d.\`clientId\` = c.\`id\` AND d.\`defaultedAt\` >= ? AND d.\`defaultedAt\` < ?)
         THEN 1 ELSE 0 END AS bad
       FROM \`client\` c
       JOIN (SELECT p2.\`id\`, p2.\`clientId\`, ROW_NUMBER() OVER (PARTITION BY p2.\`clientId\`
         ORDER BY p2.\`asOf\` DESC, p2.\`computedAt\` DESC, p2.\`id\` DESC) AS rn
         FROM \`portrait\` p2 WHERE p2.\`asOf\` <= ?) lp ON lp.\`clientId\` = c.\`id\` AND lp.rn = 1
       JOIN \`portrait\` p ON p.\`id\` = lp.\`id\`
       ${where.sql()}) x
     GROUP BY x.score, x.rating, x.bad`,
    [AlertKind.MARGIN_CALL, next, end, next, end, cohortDate, ...where.params],
  );
  return rows.map((r) => ({ score: num(r.score), rating: r.rating, bad: num(r.bad) === 1, clients: num(r.n) }));
}
