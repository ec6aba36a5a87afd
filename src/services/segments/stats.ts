import type Decimal from "decimal.js";
import { CREDIT_RATING_ORDER, RISK_LEVEL_ORDER, type CreditRating, type RiskLevel } from "../../domain/enums";
import type { SegmentStatsRow } from "../../repositories/segment-membership.reads";

/** Aggregates over a segment's members (SPEC §8), distributions in the order of their scales. */
export interface SegmentStats {
  clientCount: number;
  totalAvgDailyAssets: Decimal;
  /** The total over the count; zero without members. */
  meanAvgDailyAssets: Decimal;
  /** By risk level, lowest first; members without a level last. */
  riskLevels: { riskLevel: RiskLevel | null; count: number }[];
  /** By credit rating, best first. */
  creditRatings: { creditRating: CreditRating | null; count: number }[];
  activeFacilityCount: number;
  totalApprovedLimit: Decimal;
  totalUsedAmount: Decimal;
  computedAt: Date;
}

const levelRank = (k: string | null) => (k === null ? 99 : RISK_LEVEL_ORDER.indexOf(k as RiskLevel));
const ratingRank = (k: string | null) => CREDIT_RATING_ORDER.indexOf(k as CreditRating);

/** The database's aggregates, ordered and with their mean. */
export function statsOf(row: SegmentStatsRow, computedAt: Date): SegmentStats {
  const mean = row.clientCount === 0 ? row.totalAvgDailyAssets : row.totalAvgDailyAssets.div(row.clientCount);
  return {
    clientCount: row.clientCount,
    totalAvgDailyAssets: row.totalAvgDailyAssets,
    meanAvgDailyAssets: mean,
    riskLevels: [...row.riskLevels]
      .sort((a, b) => levelRank(a.key) - levelRank(b.key))
      .map((r) => ({ riskLevel: r.key as RiskLevel | null, count: r.count })),
    creditRatings: [...row.creditRatings]
      .sort((a, b) => ratingRank(a.key) - ratingRank(b.key))
      .map((r) => ({ creditRating: r.key as CreditRating | null, count: r.count })),
    activeFacilityCount: row.activeFacilityCount,
    totalApprovedLimit: row.totalApprovedLimit,
    totalUsedAmount: row.totalUsedAmount,
    computedAt,
  };
}
