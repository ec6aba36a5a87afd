import { CREDIT_RATING_ORDER } from "../domain/enums";
import type { SegmentDef } from "../services/matching";
import { placeholders } from "../db/sql";

/**
 * A segment's criteria as a SQL predicate over `client c JOIN portrait p ON p.id = c.latestPortraitId`,
 * the same checks as services/matching/segment-fit (a property test holds them equal). Every check
 * fails on NULL, as the pure function fails a missing level or horizon.
 */
export interface SqlPredicate {
  sql: string;
  params: unknown[];
}

function matches(segment: SegmentDef): SqlPredicate {
  const parts: string[] = [];
  const params: unknown[] = [];
  const c = segment.criteria;
  const inList = (column: string, values: readonly string[] | null) => {
    if (values === null || values.length === 0) return;
    parts.push(`${column} IN (${placeholders(values.length)})`);
    params.push(...values);
  };
  if (c.minAvgDailyAssets !== null) {
    parts.push("p.`avgDailyAssets20d` >= ?");
    params.push(c.minAvgDailyAssets.toFixed(2));
  }
  if (c.maxAvgDailyAssets !== null) {
    parts.push("p.`avgDailyAssets20d` < ?");
    params.push(c.maxAvgDailyAssets.toFixed(2));
  }
  inList("c.`type`", c.clientTypes);
  inList("c.`investorCategory`", c.investorCategories);
  // COALESCE keeps NULL two-valued: under NOT(...) a NULL would drop the row instead of passing it.
  inList("COALESCE(p.`riskLevel`, '')", c.riskLevels);
  inList("COALESCE(p.`horizon`, '')", c.horizons);
  if (c.minExperienceMonths !== null) {
    parts.push("p.`experienceMonths` >= ?");
    params.push(c.minExperienceMonths);
  }
  if (c.minCreditRating !== null) {
    inList("p.`creditRating`", CREDIT_RATING_ORDER.slice(0, CREDIT_RATING_ORDER.indexOf(c.minCreditRating) + 1));
  }
  return { sql: parts.length === 0 ? "1 = 1" : parts.join(" AND "), params };
}

/**
 * Membership of `target` among the active segments (ordered by priority, then code): it matches
 * and no earlier active segment does. An inactive segment has no members.
 */
export function membershipPredicate(target: SegmentDef, activeSegments: readonly SegmentDef[]): SqlPredicate {
  if (!target.active) return { sql: "1 = 0", params: [] };
  const ordered = [...activeSegments].sort(
    (a, b) => a.priority - b.priority || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  const own = matches(target);
  const parts = [`(${own.sql})`];
  const params = [...own.params];
  for (const earlier of ordered) {
    if (earlier.code === target.code) break;
    const m = matches(earlier);
    parts.push(`NOT (${m.sql})`);
    params.push(...m.params);
  }
  return { sql: parts.join(" AND "), params };
}

/**
 * Each client's segment as one SQL expression over `c` and `p` (its portrait; NULL without one): the
 * id given by `valueOf` of the first active segment, by priority then code, whose criteria match —
 * the segment membershipPredicate places it in — else NULL. Snapshots and previews place every client
 * with it in one statement.
 */
export function segmentCaseSql<S extends SegmentDef>(
  activeSegments: readonly S[],
  valueOf: (segment: S) => number | string,
): SqlPredicate {
  const ordered = [...activeSegments]
    .filter((s) => s.active)
    .sort((a, b) => a.priority - b.priority || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const parts = ["CASE WHEN p.`id` IS NULL THEN NULL"];
  const params: unknown[] = [];
  for (const s of ordered) {
    const m = matches(s);
    parts.push(`WHEN (${m.sql}) THEN ?`);
    params.push(...m.params, valueOf(s));
  }
  parts.push("ELSE NULL END");
  return { sql: parts.join(" "), params };
}
