import Decimal from "decimal.js";
import { FitCode } from "../../domain/enums";
import {
  compareCodes,
  creditRatingCheck,
  isSet,
  maxAssetsCheck,
  minAssetsCheck,
  minExperienceCheck,
  oneOfCheck,
} from "./checks";
import type { FitReason, FitSubject, SegmentDef, SegmentFitResult } from "./types";

/**
 * How well a client fits one segment (SPEC §4): one reason per set criterion, matched when all
 * pass. Uses portrait fields only — not `assessmentValid` or `clientStatus` — because segment
 * membership is also computed in SQL over the stored portraits and the two must agree exactly.
 */
export function segmentFit<S extends SegmentDef>(subject: FitSubject, segment: S): SegmentFitResult<S> {
  const c = segment.criteria;
  const reasons: FitReason[] = [];
  if (c.minAvgDailyAssets !== null) reasons.push(minAssetsCheck(subject.avgDailyAssets20d, c.minAvgDailyAssets));
  if (c.maxAvgDailyAssets !== null) reasons.push(maxAssetsCheck(subject.avgDailyAssets20d, c.maxAvgDailyAssets));
  if (isSet(c.clientTypes)) {
    reasons.push(oneOfCheck(FitCode.CLIENT_TYPE, "client type", subject.clientType, c.clientTypes));
  }
  if (isSet(c.investorCategories)) {
    reasons.push(
      oneOfCheck(FitCode.INVESTOR_CATEGORY, "investor category", subject.investorCategory, c.investorCategories),
    );
  }
  if (isSet(c.riskLevels)) {
    reasons.push(oneOfCheck(FitCode.RISK_LEVEL, "risk level", subject.riskLevel, c.riskLevels));
  }
  if (isSet(c.horizons)) {
    reasons.push(oneOfCheck(FitCode.HORIZON, "horizon", subject.horizon, c.horizons));
  }
  if (c.minExperienceMonths !== null) {
    reasons.push(minExperienceCheck(subject.experienceMonths, c.minExperienceMonths));
  }
  if (c.minCreditRating !== null) reasons.push(creditRatingCheck(subject.creditRating, c.minCreditRating));

  const passed = reasons.filter((r) => r.passed).length;
  const score =
    reasons.length === 0
      ? 1
      : new Decimal(passed).div(reasons.length).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toNumber();
  return { segment, matched: passed === reasons.length, score, reasons };
}

/** Every active segment: matched first, then by priority, then by code. */
export function segmentFits<S extends SegmentDef>(subject: FitSubject, segments: readonly S[]): SegmentFitResult<S>[] {
  return segments
    .filter((s) => s.active)
    .map((s) => segmentFit(subject, s))
    .sort((a, b) => Number(b.matched) - Number(a.matched) || bySegmentPrecedence(a.segment, b.segment));
}

/** The client's segment: the matched active segment of lowest priority (ties by code); null if none. */
export function bestSegment<S extends SegmentDef>(subject: FitSubject, segments: readonly S[]): S | null {
  let best: S | null = null;
  for (const segment of segments) {
    if (!segment.active || !segmentFit(subject, segment).matched) continue;
    if (best === null || bySegmentPrecedence(segment, best) < 0) best = segment;
  }
  return best;
}

function bySegmentPrecedence(a: SegmentDef, b: SegmentDef): number {
  return a.priority - b.priority || compareCodes(a.code, b.code);
}
