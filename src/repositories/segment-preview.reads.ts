import {
  ClientStatus,
  ClientType,
  CREDIT_RATING_ORDER,
  InvestorCategory,
  PRODUCT_RISK_ORDER,
  ProductRiskLevel,
  RISK_LEVEL_ORDER,
} from "../domain/enums";
import type { BranchScope } from "../domain/scope";
import { LIMIT_HOLDING } from "../domain/facility-status";
import { placeholders, sqlInstant, toCount } from "../db/sql";
import type { ProductDef } from "../services/matching";
import { scopeClause, Where } from "./paging.reads";
import type { ReadPool } from "./read-pool";
import type { SqlPredicate } from "./segment-membership.sql";

/**
 * previewSegmentChange in the database (SPEC §13): every client with a portrait placed under the
 * segments now and as they would be after the change, and — for the clients whose segment would
 * change — whether each product's other ten checks (SPEC §4, all but SEGMENT, which is the only one
 * the change can move) pass. Two statements; nothing is written.
 */

/** Borrowing capacity multiples ×10 by rating (SPEC §4: AAA 2.0 … C 0), so they stay integers. */
const COEF10: Record<string, number> = { AAA: 20, AA: 15, A: 12, BBB: 10, BB: 8, B: 5, C: 0 };

/** `x` (DECIMAL(20,2)) in whole cents on either engine. */
const centsOf = (mysql: boolean, x: string) => (mysql ? `(${x} * 100)` : `CAST(ROUND(${x} * 100) AS INTEGER)`);

/**
 * SPEC §4's product checks but SEGMENT as a predicate over c, p, at `now`: client ACTIVE; for ordinary
 * investors a valid assessment, the lowest category only on R1, a valid level at least the product's;
 * for all but professional institutions the product's assets and experience minimums; the rating; the
 * client types; professional only; and a recommended limit (capacity less open limits on other
 * products) of at least minLimit — all in cents, as integers.
 */
export function eligibleButSegment(mysql: boolean, product: ProductDef & { id: number }, now: Date): SqlPredicate {
  const e = product.eligibility;
  const parts: string[] = ["c.`status` = ?"];
  const params: unknown[] = [ClientStatus.ACTIVE];
  const levels = RISK_LEVEL_ORDER.slice(PRODUCT_RISK_ORDER.indexOf(product.riskLevel));
  parts.push(`(c.\`investorCategory\` = ? OR ((SELECT ra.\`validUntil\` FROM \`risk_assessment\` ra WHERE ra.\`clientId\` = c.\`id\`
      ORDER BY ra.\`assessedAt\` DESC, ra.\`id\` DESC LIMIT 1) > ?
    ${product.riskLevel === ProductRiskLevel.R1 ? "" : "AND p.`lowestCategory` = 0"}
    AND p.\`riskLevel\` IN (${placeholders(levels.length)})))`);
  params.push(InvestorCategory.PROFESSIONAL, sqlInstant(now), ...levels);
  parts.push(
    `((c.\`investorCategory\` = ? AND c.\`type\` = ?) OR (p.\`avgDailyAssets20d\` >= ? AND p.\`experienceMonths\` >= ?))`,
  );
  params.push(
    InvestorCategory.PROFESSIONAL,
    ClientType.INSTITUTION,
    e.minAvgDailyAssets.toFixed(2),
    e.minExperienceMonths,
  );
  const ratings = CREDIT_RATING_ORDER.slice(0, CREDIT_RATING_ORDER.indexOf(e.minCreditRating) + 1);
  parts.push(`p.\`creditRating\` IN (${placeholders(ratings.length)})`);
  params.push(...ratings);
  if (e.clientTypes !== null && e.clientTypes.length > 0) {
    parts.push(`c.\`type\` IN (${placeholders(e.clientTypes.length)})`);
    params.push(...e.clientTypes);
  }
  if (e.professionalOnly) {
    parts.push("c.`investorCategory` = ?");
    params.push(InvestorCategory.PROFESSIONAL);
  }
  // limit = max(0, min(maxLimit, capacity − open)) ≥ minLimit
  if (product.minLimit.gt(0)) {
    if (product.maxLimit.lt(product.minLimit)) parts.push("1 = 0");
    else {
      const coef = `(CASE p.\`creditRating\` ${Object.entries(COEF10)
        .map(([r, c]) => `WHEN '${r}' THEN ${c}`)
        .join(" ")} ELSE 0 END)`;
      const capacityCents = mysql
        ? `(FLOOR(p.\`avgDailyAssets20d\` * ${coef} / 100000) * 1000000)`
        : `(((CAST(ROUND(p.\`avgDailyAssets20d\` * 100) AS INTEGER) * ${coef}) / 10000000) * 1000000)`;
      const openCents = `(SELECT COALESCE(SUM(${centsOf(mysql, "f.`approvedLimit`")}), 0) FROM \`credit_facility\` f
        WHERE f.\`clientId\` = c.\`id\` AND f.\`approvedLimit\` IS NOT NULL AND f.\`productId\` <> ?
          AND f.\`status\` IN (${placeholders(LIMIT_HOLDING.length)}))`;
      parts.push(`${capacityCents} - ${openCents} >= ?`);
      // A number, not text: SQLite compares an expression with a text parameter as text.
      params.push(product.id, ...LIMIT_HOLDING, product.minLimit.times(100).toNumber());
    }
  }
  return { sql: parts.join(" AND "), params };
}

export interface PreviewCell {
  before: string | null;
  after: string | null;
  clients: number;
  /** Per product (in the order given), clients of the cell passing every check but SEGMENT. */
  eligible: number[];
}

/**
 * Clients with a latest portrait in scope, by (segment code now, segment code after), and for the
 * cells that move, per product, how many pass every check but SEGMENT.
 */
export async function previewCells(
  db: ReadPool,
  before: SqlPredicate,
  after: SqlPredicate,
  products: (ProductDef & { id: number })[],
  scope: BranchScope,
  now: Date,
): Promise<PreviewCell[]> {
  const mysql = db.ds.options.type !== "better-sqlite3";
  const where = new Where();
  scopeClause(where, scope, "c.`branch`");
  const from = "FROM `client` c JOIN `portrait` p ON p.`id` = c.`latestPortraitId`";
  const moves = await db.query<{ b: string | null; a: string | null; n: unknown }>(
    `SELECT x.b, x.a, COUNT(*) AS n FROM (SELECT ${before.sql} AS b, ${after.sql} AS a ${from} ${where.sql()}) x
      GROUP BY x.b, x.a`,
    [...before.params, ...after.params, ...where.params],
  );
  const cells = new Map<string, PreviewCell>();
  const key = (b: string | null, a: string | null) => `${b ?? ""}|${a ?? ""}`;
  for (const m of moves) {
    cells.set(key(m.b, m.a), { before: m.b, after: m.a, clients: toCount(m.n), eligible: products.map(() => 0) });
  }
  if (products.length > 0 && moves.some((m) => (m.b ?? "") !== (m.a ?? ""))) {
    const checks = products.map((p) => eligibleButSegment(mysql, p, now));
    const moved = new Where().add(
      `COALESCE(${before.sql}, '') <> COALESCE(${after.sql}, '')`,
      ...before.params,
      ...after.params,
    );
    scopeClause(moved, scope, "c.`branch`");
    const rows = await db.query<Record<string, unknown>>(
      `SELECT x.b, x.a, ${checks.map((_, i) => `SUM(x.e${i}) AS e${i}`).join(", ")} FROM (
         SELECT ${before.sql} AS b, ${after.sql} AS a, ${checks.map((c, i) => `CASE WHEN ${c.sql} THEN 1 ELSE 0 END AS e${i}`).join(", ")}
         ${from} ${moved.sql()}) x
       GROUP BY x.b, x.a`,
      [...before.params, ...after.params, ...checks.flatMap((c) => c.params), ...moved.params],
    );
    for (const r of rows) {
      const cell = cells.get(key(r.b as string | null, r.a as string | null));
      if (cell) cell.eligible = products.map((_, i) => toCount(r[`e${i}`]));
    }
  }
  return [...cells.values()];
}
