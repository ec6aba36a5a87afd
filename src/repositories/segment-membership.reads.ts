import { Readable, Transform } from "node:stream";
import type { DataSource, QueryRunner } from "typeorm";
import DecimalValue from "decimal.js";
import type Decimal from "decimal.js";
import { placeholders, toCount } from "../db/sql";
import { IN_FORCE } from "../domain/facility-status";
import type { BranchScope } from "../domain/scope";
import { clientWhere } from "./client.reads";
import { scopeClause, Where } from "./paging.reads";
import type { ReadPool } from "./read-pool";
import type { SqlPredicate } from "./segment-membership.sql";

/** Aggregates over a segment's members as the database returns them (groups unordered). */
export interface SegmentStatsRow {
  clientCount: number;
  totalAvgDailyAssets: Decimal;
  riskLevels: { key: string | null; count: number }[];
  creditRatings: { key: string | null; count: number }[];
  activeFacilityCount: number;
  totalApprovedLimit: Decimal;
  totalUsedAmount: Decimal;
}

/** SUM is a DECIMAL string on MariaDB, a number (or null over no rows) on SQLite. */
function decimalOf(v: unknown): Decimal {
  if (v === null || v === undefined) return new DecimalValue(0);
  return new DecimalValue(typeof v === "number" ? v.toFixed(2) : String(v));
}

/** Aggregates over a segment's members, in the database (SPEC §8). */
export async function segmentStats(
  db: ReadPool,
  membership: SqlPredicate,
  scope: BranchScope,
): Promise<SegmentStatsRow> {
  const { where, join } = clientWhere(null, scope, membership);
  const base = `FROM \`client\` c ${join} ${where.sql()}`;
  // One scan of the members grouped by (risk level, rating) gives the count, the total and both
  // distributions; a second statement sums their facilities.
  const [groups, facilities] = await Promise.all([
    db.query<{ r: string | null; cr: string | null; n: unknown; total: unknown }>(
      `SELECT p.\`riskLevel\` AS r, p.\`creditRating\` AS cr, COUNT(*) AS n, SUM(p.\`avgDailyAssets20d\`) AS total
         ${base} GROUP BY p.\`riskLevel\`, p.\`creditRating\``,
      where.params,
    ),
    db.query<{ n: unknown; approved: unknown; used: unknown }>(
      `SELECT COUNT(*) AS n, SUM(f.\`approvedLimit\`) AS approved, SUM(f.\`usedAmount\`) AS used
         FROM \`credit_facility\` f JOIN \`client\` c ON c.\`id\` = f.\`clientId\` ${join}
         ${where.sql()} ${where.parts.length === 0 ? "WHERE" : "AND"} f.\`status\` IN (${placeholders(IN_FORCE.length)})`,
      [...where.params, ...IN_FORCE],
    ),
  ]);
  const f = facilities[0];
  let clientCount = 0;
  let total = new DecimalValue(0);
  const levels = new Map<string | null, number>();
  const ratings = new Map<string | null, number>();
  for (const g of groups) {
    const n = toCount(g.n);
    clientCount += n;
    total = total.plus(decimalOf(g.total));
    levels.set(g.r, (levels.get(g.r) ?? 0) + n);
    ratings.set(g.cr, (ratings.get(g.cr) ?? 0) + n);
  }
  const counts = (m: Map<string | null, number>) => [...m].map(([key, count]) => ({ key, count }));
  return {
    clientCount,
    totalAvgDailyAssets: total,
    riskLevels: counts(levels),
    creditRatings: counts(ratings),
    activeFacilityCount: toCount(f.n),
    totalApprovedLimit: decimalOf(f.approved),
    totalUsedAmount: decimalOf(f.used),
  };
}

/** A member as the export reads it: raw column values, no personal data. */
export type MemberRow = Record<string, unknown>;

const BATCH = 2000;

function membersQuery(
  membership: SqlPredicate,
  scope: BranchScope,
  afterClientNo: string | null,
  limit: number | null,
) {
  const where = new Where().add(`(${membership.sql})`, ...membership.params);
  scopeClause(where, scope, "c.`branch`");
  if (afterClientNo !== null) where.add("c.`clientNo` > ?", afterClientNo);
  const text = `SELECT c.\`clientNo\`, c.\`type\`, c.\`branch\`, p.\`riskLevel\`, p.\`creditRating\`, p.\`avgDailyAssets20d\`,
      p.\`experienceMonths\`, p.\`asOf\`
    FROM \`client\` c JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\`
    ${where.sql()} ORDER BY c.\`clientNo\`${limit === null ? "" : " LIMIT ?"}`;
  return { text, params: limit === null ? where.params : [...where.params, limit] };
}

/**
 * Every member of a segment as a stream of rows (each raw row through `map`) with flat memory: on MySQL one streaming query
 * on a connection of its own (destroyed at once when the reader goes away); on SQLite keyset
 * batches. Back-pressure is the stream's: rows are read only as fast as they are consumed.
 */
export async function streamMembers<T>(
  ds: DataSource,
  membership: SqlPredicate,
  scope: BranchScope,
  map: (row: MemberRow) => T,
): Promise<Readable> {
  if (ds.options.type === "better-sqlite3") {
    let after: string | null = null;
    let done = false;
    return new Readable({
      objectMode: true,
      highWaterMark: BATCH,
      async read() {
        if (done) return;
        try {
          const q = membersQuery(membership, scope, after, BATCH);
          const rows = (await ds.query(q.text, q.params)) as MemberRow[];
          if (rows.length < BATCH) done = true;
          if (rows.length > 0) after = String(rows[rows.length - 1].clientNo);
          for (const r of rows) this.push(map(r));
          if (done) this.push(null);
        } catch (err) {
          this.destroy(err as Error);
        }
      },
    });
  }
  const runner: QueryRunner = ds.createQueryRunner("slave");
  const q = membersQuery(membership, scope, null, null);
  let source: Readable;
  try {
    source = (await runner.stream(q.text, q.params)) as unknown as Readable;
  } catch (err) {
    await runner.release();
    throw err;
  }
  let released = false;
  const release = (abort: boolean) => {
    if (released) return;
    released = true;
    if (abort) {
      // A half-read result set would poison a pooled connection: drop it instead of returning it.
      (runner as unknown as { databaseConnection?: { destroy(): void } }).databaseConnection?.destroy();
    }
    void runner.release();
  };
  const rows = new Transform({
    objectMode: true,
    transform(raw: MemberRow, _enc, cb) {
      cb(null, map(raw));
    },
  });
  source.on("end", () => release(false));
  source.on("error", (err) => {
    release(true);
    rows.destroy(err);
  });
  rows.on("close", () => {
    if (!source.readableEnded) {
      source.destroy();
      release(true);
    }
  });
  return source.pipe(rows);
}
