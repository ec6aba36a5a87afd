import Decimal from "decimal.js";
import {
  ClientType,
  CREDIT_RATING_ORDER,
  CreditRating,
  InvestmentHorizon,
  InvestorCategory,
  RiskLevel,
} from "../../src/domain/enums";
import { prng } from "../../src/domain/prng";
import type { FitSubject, SegmentDef } from "../../src/services/matching";

/** Random portraits and segment sets for property tests of matching, from a seeded generator. */
export function randomFitInputs(seed: number) {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = <T>(p: number, f: () => T): T | null => (rnd() < p ? f() : null);
  const subset = <T>(xs: readonly T[]): T[] => xs.filter(() => rnd() < 0.5);
  /** Amounts on round thresholds often, so boundaries (MIN inclusive, MAX exclusive) are exercised. */
  const amount = () =>
    rnd() < 0.3
      ? new Decimal(pick([500_000, 1_000_000, 5_000_000, 10_000_000]))
      : new Decimal(Math.floor(rnd() * 2_000_000_000)).div(100);

  function randomSubject(): FitSubject {
    return {
      clientType: pick([ClientType.INDIVIDUAL, ClientType.INSTITUTION]),
      clientStatus: "ACTIVE" as FitSubject["clientStatus"],
      investorCategory: pick([InvestorCategory.ORDINARY, InvestorCategory.PROFESSIONAL]),
      riskLevel: maybe(0.85, () => pick(Object.values(RiskLevel))),
      lowestCategory: false,
      horizon: maybe(0.85, () => pick(Object.values(InvestmentHorizon))),
      avgDailyAssets20d: amount().toDecimalPlaces(2),
      experienceMonths: pick([0, 6, 12, 23, 24, 25, 60, 120]),
      creditRating: pick(CREDIT_RATING_ORDER),
      assessmentValid: true,
    };
  }

  function randomSegments(): SegmentDef[] {
    const n = 1 + Math.floor(rnd() * 5);
    return Array.from({ length: n }, (_, i) => {
      const min = maybe(0.6, amount);
      const max = maybe(0.5, () => (min ? min.plus(amount()) : amount()));
      return {
        code: `S${i}${pick(["A", "B"])}`,
        priority: pick([10, 20, 20, 30]),
        active: rnd() < 0.85,
        criteria: {
          minAvgDailyAssets: min,
          maxAvgDailyAssets: max,
          clientTypes: maybe(0.3, () => subset(Object.values(ClientType))),
          investorCategories: maybe(0.2, () => subset(Object.values(InvestorCategory))),
          riskLevels: maybe(0.3, () => subset(Object.values(RiskLevel))),
          horizons: maybe(0.3, () => subset(Object.values(InvestmentHorizon))),
          minExperienceMonths: maybe(0.3, () => pick([6, 24, 60])),
          minCreditRating: maybe(0.4, () => pick(Object.values(CreditRating))),
        },
      };
    });
  }

  return { rnd, pick, amount, randomSubject, randomSegments };
}
