import Decimal from "decimal.js";
import { ClientType, CreditRating, InvestmentHorizon, InvestorCategory, RiskLevel } from "../../domain/enums";
import { computeCreditScore, CreditFactor } from "./scorecard";
import { assessmentCountsOn } from "../../domain/assessment";
import { startOfDay, wholeMonthsBetween } from "../../domain/dates";

export interface PortraitInput {
  asOf: string;
  client: {
    type: ClientType;
    investorCategory: InvestorCategory;
    tradingSince: string | null;
    annualIncome: Decimal | null;
    financialAssets: Decimal | null;
  };
  /** The latest assessment valid at asOf, chosen by the caller; checked again here. */
  assessment: {
    riskLevel: RiskLevel;
    horizon: InvestmentHorizon;
    lowestCategory: boolean;
    assessedAt: Date;
    validUntil: Date;
  } | null;
  /** Any snapshots; only the last 20 dated on or before asOf are used. */
  snapshots: { date: string; securitiesAssets: Decimal; totalAssets: Decimal }[];
  firstTradeDate: string | null;
  /** Sum of trade amounts dated in (asOf − 365 days, asOf]. */
  tradeAmount365: Decimal;
  marginCallsLast12m: number;
  defaultsCount: number;
}

export interface PortraitValues {
  asOf: string;
  riskLevel: RiskLevel | null;
  horizon: InvestmentHorizon | null;
  lowestCategory: boolean;
  avgDailyAssets20d: Decimal;
  assetDays: number;
  totalAssets: Decimal;
  financialAssets: Decimal | null;
  annualIncome: Decimal | null;
  experienceMonths: number;
  annualTurnover: Decimal;
  marginCallsLast12m: number;
  defaultsCount: number;
  creditScore: number;
  creditRating: CreditRating;
  creditFactors: CreditFactor[];
  professionalEligible: boolean;
}

const AVERAGING_DAYS = 20;

// decimal.js rounds every intermediate result to 20 significant digits, half-up. A quotient rounded there and
// then again to 2 dp can round twice (…4999…96 → …5 → up). Working wide and truncating leaves a single rounding.
const Wide = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_DOWN });

function halfUp2(wide: Decimal): Decimal {
  // Back to the default constructor so callers' arithmetic does not inherit the truncating configuration.
  return new Decimal(wide.toDecimalPlaces(2, Decimal.ROUND_HALF_UP));
}

/** Snapshots dated on or before asOf, newest first; for a repeated date the later in the list wins, as in the store. */
function snapshotsUpTo(snapshots: PortraitInput["snapshots"], asOf: string): PortraitInput["snapshots"] {
  const byDate = new Map<string, PortraitInput["snapshots"][number]>();
  for (const snapshot of snapshots) {
    if (snapshot.date <= asOf) byDate.set(snapshot.date, snapshot);
  }
  // Newest first; YYYY-MM-DD strings sort as dates.
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? 1 : -1));
}

function experienceStart(tradingSince: string | null, firstTradeDate: string | null): string | null {
  if (tradingSince === null) return firstTradeDate;
  if (firstTradeDate === null) return tradingSince;
  return tradingSince < firstTradeDate ? tradingSince : firstTradeDate;
}

const PROFESSIONAL_MIN_EXPERIENCE_MONTHS = 24;
const INDIVIDUAL_MIN_FINANCIAL_ASSETS = new Decimal("5000000");
const INDIVIDUAL_MIN_ANNUAL_INCOME = new Decimal("500000");
const INSTITUTION_MIN_FINANCIAL_ASSETS = new Decimal("10000000");

function isProfessionalEligible(client: PortraitInput["client"], experienceMonths: number): boolean {
  if (experienceMonths < PROFESSIONAL_MIN_EXPERIENCE_MONTHS) return false;
  const assets = client.financialAssets;
  if (client.type === ClientType.INSTITUTION) {
    return assets !== null && assets.gte(INSTITUTION_MIN_FINANCIAL_ASSETS);
  }
  const income = client.annualIncome;
  return (
    (assets !== null && assets.gte(INDIVIDUAL_MIN_FINANCIAL_ASSETS)) ||
    (income !== null && income.gte(INDIVIDUAL_MIN_ANNUAL_INCOME))
  );
}

/** The portrait of SPEC §3 as of a date, from raw data the caller has already gathered. */
export function computePortrait(i: PortraitInput): PortraitValues {
  // asOf is compared with snapshot dates as a string: a malformed one must fail loudly rather than mis-sort.
  startOfDay(i.asOf);
  const recent = snapshotsUpTo(i.snapshots, i.asOf);
  const window = recent.slice(0, AVERAGING_DAYS);
  // Always divided by 20, however few snapshots there are: the regulatory test is conservative.
  const sum = window.reduce((total, snapshot) => total.plus(snapshot.securitiesAssets), new Wide(0));
  const avgDailyAssets20d = halfUp2(sum.dividedBy(AVERAGING_DAYS));
  const totalAssets = recent.length > 0 ? recent[0].totalAssets : new Decimal(0);

  const start = experienceStart(i.client.tradingSince, i.firstTradeDate);
  const experienceMonths = start === null ? 0 : wholeMonthsBetween(start, i.asOf);

  const annualTurnover = avgDailyAssets20d.isZero()
    ? new Decimal(0)
    : halfUp2(new Wide(i.tradeAmount365).dividedBy(avgDailyAssets20d));

  const assessment = i.assessment !== null && assessmentCountsOn(i.assessment, i.asOf) ? i.assessment : null;

  const credit = computeCreditScore({
    avgDailyAssets20d,
    experienceMonths,
    annualIncome: i.client.annualIncome,
    annualTurnover,
    marginCallsLast12m: i.marginCallsLast12m,
    defaultsCount: i.defaultsCount,
  });

  return {
    asOf: i.asOf,
    riskLevel: assessment?.riskLevel ?? null,
    horizon: assessment?.horizon ?? null,
    lowestCategory: assessment?.lowestCategory ?? false,
    avgDailyAssets20d,
    assetDays: window.length,
    totalAssets,
    financialAssets: i.client.financialAssets,
    annualIncome: i.client.annualIncome,
    experienceMonths,
    annualTurnover,
    marginCallsLast12m: i.marginCallsLast12m,
    defaultsCount: i.defaultsCount,
    creditScore: credit.score,
    creditRating: credit.rating,
    creditFactors: credit.factors,
    professionalEligible: isProfessionalEligible(i.client, experienceMonths),
  };
}
