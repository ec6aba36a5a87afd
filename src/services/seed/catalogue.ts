import Decimal from "decimal.js";
import {
  ApprovalTier,
  ClientType,
  CreditRating,
  InvestmentHorizon,
  ProductKind,
  ProductRiskLevel,
} from "../../domain/enums";
import type { ProductDef, SegmentDef } from "../matching";

/** The default segments of SPEC §9 and the demo product shelf. */

export interface SeedSegment extends SegmentDef {
  id: number;
  name: string;
  description: string;
  approvalTier: ApprovalTier;
  reviewIntervalDays: number;
  advisoryService: boolean;
}

const noCriteria = {
  clientTypes: null,
  investorCategories: null,
  riskLevels: null,
  horizons: null,
  minExperienceMonths: null,
  minCreditRating: null,
};

export const SEED_SEGMENTS: readonly SeedSegment[] = [
  {
    id: 1,
    code: "A",
    name: "尊享客户",
    description: "日均资产1000万元（含）以上的高净值客户：投委会审批，每30天贷后检查，配备专属投顾服务",
    priority: 10,
    active: true,
    criteria: { ...noCriteria, minAvgDailyAssets: new Decimal("10000000"), maxAvgDailyAssets: null },
    approvalTier: ApprovalTier.COMMITTEE,
    reviewIntervalDays: 30,
    advisoryService: true,
  },
  {
    id: 2,
    code: "B",
    name: "核心客户",
    description: "日均资产100万元（含）至1000万元的核心客户：标准审批，每90天贷后检查",
    priority: 20,
    active: true,
    criteria: { ...noCriteria, minAvgDailyAssets: new Decimal("1000000"), maxAvgDailyAssets: new Decimal("10000000") },
    approvalTier: ApprovalTier.STANDARD,
    reviewIntervalDays: 90,
    advisoryService: false,
  },
  {
    id: 3,
    code: "C",
    name: "成长客户",
    description: "日均资产50万元（含）至100万元的成长型客户：系统自动审批，每180天贷后检查",
    priority: 30,
    active: true,
    criteria: { ...noCriteria, minAvgDailyAssets: new Decimal("500000"), maxAvgDailyAssets: new Decimal("1000000") },
    approvalTier: ApprovalTier.AUTO,
    reviewIntervalDays: 180,
    advisoryService: false,
  },
];

export interface SeedProduct extends ProductDef {
  id: number;
  name: string;
  kind: ProductKind;
  termDays: number;
  maxExtensions: number;
  annualRate: string;
  initialMarginRatio: string;
  warningLine: string;
  marginCallLine: string;
  liquidationLine: string;
  withdrawalLine: string;
}

const LINES = {
  initialMarginRatio: "1.0000",
  warningLine: "1.5000",
  marginCallLine: "1.3000",
  liquidationLine: "1.1000",
  withdrawalLine: "3.0000",
};

function product(p: {
  id: number;
  code: string;
  name: string;
  kind: ProductKind;
  riskLevel: ProductRiskLevel;
  horizon: InvestmentHorizon;
  minLimit: string;
  maxLimit: string;
  termDays: number;
  maxExtensions: number;
  annualRate: string;
  minAvg: string;
  minExperienceMonths: number;
  minCreditRating: CreditRating;
  clientTypes?: ClientType[];
  professionalOnly?: boolean;
  segmentCodes: string[];
}): SeedProduct {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    kind: p.kind,
    riskLevel: p.riskLevel,
    horizon: p.horizon,
    active: true,
    minLimit: new Decimal(p.minLimit),
    maxLimit: new Decimal(p.maxLimit),
    termDays: p.termDays,
    maxExtensions: p.maxExtensions,
    annualRate: p.annualRate,
    ...LINES,
    eligibility: {
      minAvgDailyAssets: new Decimal(p.minAvg),
      minExperienceMonths: p.minExperienceMonths,
      minCreditRating: p.minCreditRating,
      clientTypes: p.clientTypes ?? null,
      professionalOnly: p.professionalOnly ?? false,
    },
    segmentCodes: p.segmentCodes,
  };
}

export const SEED_PRODUCTS: readonly SeedProduct[] = [
  product({
    id: 1,
    code: "MF-STD",
    name: "标准融资融券",
    kind: ProductKind.STANDARD_CREDIT,
    riskLevel: ProductRiskLevel.R3,
    horizon: InvestmentHorizon.MEDIUM,
    minLimit: "100000",
    maxLimit: "20000000",
    termDays: 180,
    maxExtensions: 3,
    annualRate: "0.0835",
    minAvg: "500000",
    minExperienceMonths: 6,
    minCreditRating: CreditRating.BB,
    segmentCodes: [],
  }),
  product({
    id: 2,
    code: "MF-SMALL",
    name: "小额融资",
    kind: ProductKind.SMALL_CREDIT,
    riskLevel: ProductRiskLevel.R2,
    horizon: InvestmentHorizon.SHORT,
    minLimit: "100000",
    maxLimit: "5000000",
    termDays: 90,
    maxExtensions: 2,
    annualRate: "0.0860",
    minAvg: "500000",
    minExperienceMonths: 6,
    minCreditRating: CreditRating.B,
    segmentCodes: ["B", "C"],
  }),
  product({
    id: 3,
    code: "SF-VIP",
    name: "尊享结构化融资",
    kind: ProductKind.STRUCTURED_FINANCING,
    riskLevel: ProductRiskLevel.R4,
    horizon: InvestmentHorizon.LONG,
    minLimit: "1000000",
    maxLimit: "50000000",
    termDays: 180,
    maxExtensions: 1,
    annualRate: "0.0650",
    minAvg: "10000000",
    minExperienceMonths: 24,
    minCreditRating: CreditRating.A,
    segmentCodes: ["A"],
  }),
  product({
    id: 4,
    code: "SL-PLUS",
    name: "融券通",
    kind: ProductKind.SECURITIES_LENDING,
    riskLevel: ProductRiskLevel.R5,
    horizon: InvestmentHorizon.SHORT,
    minLimit: "100000",
    maxLimit: "10000000",
    termDays: 180,
    maxExtensions: 2,
    annualRate: "0.1060",
    minAvg: "1000000",
    minExperienceMonths: 24,
    minCreditRating: CreditRating.BBB,
    segmentCodes: ["A", "B"],
  }),
  product({
    id: 5,
    code: "MF-INST",
    name: "机构融资专项",
    kind: ProductKind.STANDARD_CREDIT,
    riskLevel: ProductRiskLevel.R4,
    horizon: InvestmentHorizon.MEDIUM,
    minLimit: "500000",
    maxLimit: "50000000",
    termDays: 120,
    maxExtensions: 1,
    annualRate: "0.0735",
    minAvg: "5000000",
    minExperienceMonths: 12,
    minCreditRating: CreditRating.BBB,
    clientTypes: [ClientType.INSTITUTION],
    segmentCodes: [],
  }),
];
