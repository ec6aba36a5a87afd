import Decimal from "decimal.js";
import {
  ClientStatus,
  ClientType,
  CreditRating,
  InvestmentHorizon,
  InvestorCategory,
  PRODUCT_RISK_ORDER,
  RiskLevel,
} from "../src/domain/enums";
import {
  bestSegment,
  productFits,
  segmentFits,
  type FitSubject,
  type ProductDef,
  type SegmentDef,
} from "../src/services/matching";

/**
 * Micro-benchmark of the pure matching: CPU time of one client's full fit (best segment, every
 * segment fit, every product fit) against 10 segments and 20 products. Prints figures; asserts nothing.
 */
const segments: SegmentDef[] = Array.from({ length: 10 }, (_, i) => ({
  code: `SEG${i}`,
  priority: i * 10,
  active: true,
  criteria: {
    minAvgDailyAssets: new Decimal(500_000 * (10 - i)),
    maxAvgDailyAssets: i % 3 === 0 ? null : new Decimal(50_000_000),
    clientTypes: i % 4 === 0 ? [ClientType.INDIVIDUAL] : null,
    investorCategories: null,
    riskLevels: i % 2 === 0 ? [RiskLevel.C3, RiskLevel.C4, RiskLevel.C5] : null,
    horizons: i % 5 === 0 ? [InvestmentHorizon.MEDIUM, InvestmentHorizon.LONG] : null,
    minExperienceMonths: i % 3 === 1 ? 24 : null,
    minCreditRating: i % 2 === 1 ? CreditRating.BBB : null,
  },
}));

const products: ProductDef[] = Array.from({ length: 20 }, (_, i) => ({
  code: `PRD${String(i).padStart(2, "0")}`,
  riskLevel: PRODUCT_RISK_ORDER[i % 5],
  horizon: [InvestmentHorizon.SHORT, InvestmentHorizon.MEDIUM, InvestmentHorizon.LONG][i % 3],
  active: true,
  minLimit: new Decimal(100_000),
  maxLimit: new Decimal(1_000_000 * (i + 1)),
  eligibility: {
    minAvgDailyAssets: new Decimal(500_000),
    minExperienceMonths: 6,
    minCreditRating: CreditRating.BB,
    clientTypes: i % 7 === 0 ? [ClientType.INSTITUTION] : null,
    professionalOnly: i % 9 === 0,
  },
  segmentCodes: i % 2 === 0 ? ["SEG2", "SEG3"] : [],
}));

const subject: FitSubject = {
  clientType: ClientType.INDIVIDUAL,
  clientStatus: ClientStatus.ACTIVE,
  investorCategory: InvestorCategory.ORDINARY,
  riskLevel: RiskLevel.C4,
  lowestCategory: false,
  horizon: InvestmentHorizon.MEDIUM,
  avgDailyAssets20d: new Decimal("3200000.00"),
  experienceMonths: 48,
  creditRating: CreditRating.A,
  assessmentValid: true,
};

function fitOnce(): number {
  const best = bestSegment(subject, segments);
  const sf = segmentFits(subject, segments);
  const pf = productFits(subject, products, {
    segmentCode: best?.code ?? null,
    openLimitsExcluding: () => new Decimal(0),
  });
  return sf.length + pf.length;
}

const WARMUP = 2000;
const ROUNDS = 5;
const PER_ROUND = 5000;
for (let i = 0; i < WARMUP; i += 1) fitOnce();
const perFit: number[] = [];
for (let r = 0; r < ROUNDS; r += 1) {
  const start = process.cpuUsage();
  for (let i = 0; i < PER_ROUND; i += 1) fitOnce();
  const used = process.cpuUsage(start);
  perFit.push((used.user + used.system) / 1000 / PER_ROUND);
}
perFit.sort((a, b) => a - b);
console.log(
  `one client's full fit (10 segments, 20 products): median ${perFit[Math.floor(ROUNDS / 2)].toFixed(4)} ms CPU, ` +
    `best ${perFit[0].toFixed(4)} ms, worst ${perFit[ROUNDS - 1].toFixed(4)} ms over ${ROUNDS} rounds of ${PER_ROUND} (target ≤ 0.2 ms)`,
);
