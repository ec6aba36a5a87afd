import Decimal from "decimal.js";
import {
  ClientStatus,
  ClientType,
  CreditRating,
  InvestmentHorizon,
  InvestorCategory,
  ProductRiskLevel,
  RiskLevel,
} from "../../../src/domain/enums";
import type {
  FitSubject,
  ProductDef,
  ProductEligibilityDef,
  ProductFitContext,
  SegmentCriteriaDef,
  SegmentDef,
} from "../../../src/services/matching";

export const d = (value: Decimal.Value): Decimal => new Decimal(value);

/** An ordinary C4 individual who passes the default segment and product below. */
export function fitSubject(overrides: Partial<FitSubject> = {}): FitSubject {
  return {
    clientType: ClientType.INDIVIDUAL,
    clientStatus: ClientStatus.ACTIVE,
    investorCategory: InvestorCategory.ORDINARY,
    riskLevel: RiskLevel.C4,
    lowestCategory: false,
    horizon: InvestmentHorizon.MEDIUM,
    avgDailyAssets20d: d("3200000"),
    experienceMonths: 36,
    creditRating: CreditRating.A,
    assessmentValid: true,
    ...overrides,
  };
}

export const NO_CRITERIA: SegmentCriteriaDef = {
  minAvgDailyAssets: null,
  maxAvgDailyAssets: null,
  clientTypes: null,
  investorCategories: null,
  riskLevels: null,
  horizons: null,
  minExperienceMonths: null,
  minCreditRating: null,
};

/** Every criterion set; the default subject passes all of them. */
export const ALL_CRITERIA: SegmentCriteriaDef = {
  minAvgDailyAssets: d("1000000"),
  maxAvgDailyAssets: d("10000000"),
  clientTypes: [ClientType.INDIVIDUAL, ClientType.INSTITUTION],
  investorCategories: [InvestorCategory.ORDINARY],
  riskLevels: [RiskLevel.C3, RiskLevel.C4, RiskLevel.C5],
  horizons: [InvestmentHorizon.MEDIUM, InvestmentHorizon.LONG],
  minExperienceMonths: 12,
  minCreditRating: CreditRating.BBB,
};

export function segmentDef(
  overrides: Partial<Omit<SegmentDef, "criteria">> & { criteria?: Partial<SegmentCriteriaDef> } = {},
): SegmentDef {
  const { criteria, ...rest } = overrides;
  return { code: "B", priority: 20, active: true, ...rest, criteria: { ...ALL_CRITERIA, ...criteria } };
}

/** The default segments of SPEC §9, by assets only. */
export const DEFAULT_SEGMENTS: SegmentDef[] = [
  { code: "A", priority: 10, active: true, criteria: { ...NO_CRITERIA, minAvgDailyAssets: d("10000000") } },
  {
    code: "B",
    priority: 20,
    active: true,
    criteria: { ...NO_CRITERIA, minAvgDailyAssets: d("1000000"), maxAvgDailyAssets: d("10000000") },
  },
  {
    code: "C",
    priority: 30,
    active: true,
    criteria: { ...NO_CRITERIA, minAvgDailyAssets: d("500000"), maxAvgDailyAssets: d("1000000") },
  },
];

/** An R3 MEDIUM product for segments A and B; the default subject is eligible with limit 3,840,000. */
export function productDef(
  overrides: Partial<Omit<ProductDef, "eligibility">> & { eligibility?: Partial<ProductEligibilityDef> } = {},
): ProductDef {
  const { eligibility, ...rest } = overrides;
  return {
    code: "P-STD",
    riskLevel: ProductRiskLevel.R3,
    horizon: InvestmentHorizon.MEDIUM,
    active: true,
    minLimit: d("100000"),
    maxLimit: d("5000000"),
    segmentCodes: ["A", "B"],
    ...rest,
    eligibility: {
      minAvgDailyAssets: d("1000000"),
      minExperienceMonths: 12,
      minCreditRating: CreditRating.BBB,
      clientTypes: null,
      professionalOnly: false,
      ...eligibility,
    },
  };
}

export function fitContext(
  segmentCode: string | null = "B",
  openLimits: Record<string, Decimal.Value> | Decimal.Value = 0,
): ProductFitContext {
  return {
    segmentCode,
    openLimitsExcluding: (productCode) =>
      typeof openLimits === "object" && !Decimal.isDecimal(openLimits)
        ? d(openLimits[productCode] ?? 0)
        : d(openLimits),
  };
}
