import Decimal from "decimal.js";
import { CREDIT_RATING_ORDER, CreditRating } from "../../domain/enums";

export interface ScorecardInput {
  avgDailyAssets20d: Decimal;
  experienceMonths: number;
  annualIncome: Decimal | null;
  annualTurnover: Decimal;
  marginCallsLast12m: number;
  defaultsCount: number;
}

export interface CreditFactor {
  name: string;
  value: string;
  points: number;
}

export interface CreditScore {
  score: number;
  rating: CreditRating;
  factors: CreditFactor[];
}

/** First threshold the value reaches wins; thresholds run from the highest down. */
function pointsAtLeast(value: Decimal.Value, steps: [threshold: Decimal.Value, points: number][]): number {
  const step = steps.find(([threshold]) => new Decimal(value).gte(threshold));
  return step ? step[1] : 0;
}

function money(value: Decimal): string {
  return value.toFixed(2, Decimal.ROUND_HALF_UP);
}

function assetsPoints(avg: Decimal): number {
  return pointsAtLeast(avg, [
    ["10000000", 30],
    ["5000000", 25],
    ["1000000", 18],
    ["500000", 10],
  ]);
}

function experiencePoints(months: number): number {
  return pointsAtLeast(months, [
    [60, 20],
    [24, 15],
    [12, 10],
    [6, 5],
  ]);
}

const INCOME_STEPS: [threshold: Decimal.Value, points: number][] = [
  ["1000000", 15],
  ["500000", 12],
  ["300000", 8],
  ["100000", 4],
];

function incomePoints(income: Decimal | null): number {
  if (income === null) return 0;
  return pointsAtLeast(income, INCOME_STEPS);
}

/**
 * The band the declared income scored in (`≥500000.00`, `<100000.00`), never the amount: the income is
 * personal data (SPEC §11, sealed at rest by SPEC §14) and the factors are stored and shown to every viewer.
 */
export function incomeBand(income: Decimal | null): string {
  if (income === null) return "unknown";
  const step = INCOME_STEPS.find(([threshold]) => income.gte(threshold));
  return step ? `≥${money(new Decimal(step[0]))}` : `<${money(new Decimal(INCOME_STEPS[INCOME_STEPS.length - 1][0]))}`;
}

// Low turnover scores best: a client who churns the account is a riskier borrower. Nobody scores 0 here.
function turnoverPoints(turnover: Decimal): number {
  if (turnover.lte(5)) return 10;
  if (turnover.lte(20)) return 6;
  return 2;
}

function marginCallPoints(calls: number): number {
  if (calls <= 0) return 15;
  if (calls === 1) return 8;
  if (calls === 2) return 3;
  return 0;
}

function defaultPoints(defaults: number): number {
  return defaults > 0 ? 0 : 10;
}

/** The default credit scorecard of SPEC §3: six factors adding to 0–100, one line a factor, in table order. */
export function computeCreditScore(i: ScorecardInput): CreditScore {
  const factors: CreditFactor[] = [
    { name: "avgDailyAssets20d", value: money(i.avgDailyAssets20d), points: assetsPoints(i.avgDailyAssets20d) },
    { name: "experienceMonths", value: String(i.experienceMonths), points: experiencePoints(i.experienceMonths) },
    {
      name: "annualIncome",
      value: incomeBand(i.annualIncome),
      points: incomePoints(i.annualIncome),
    },
    // A ratio, not money: shown in full so the value always agrees with the band it scored in.
    { name: "annualTurnover", value: i.annualTurnover.toFixed(), points: turnoverPoints(i.annualTurnover) },
    {
      name: "marginCallsLast12m",
      value: String(i.marginCallsLast12m),
      points: marginCallPoints(i.marginCallsLast12m),
    },
    { name: "defaultsCount", value: String(i.defaultsCount), points: defaultPoints(i.defaultsCount) },
  ];
  const score = factors.reduce((sum, factor) => sum + factor.points, 0);
  return { score, rating: ratingForScore(score, i.defaultsCount), factors };
}

const RATING_BANDS: [minScore: number, rating: CreditRating][] = [
  [90, CreditRating.AAA],
  [80, CreditRating.AA],
  [70, CreditRating.A],
  [60, CreditRating.BBB],
  [50, CreditRating.BB],
  [40, CreditRating.B],
];

/** Rating bands of SPEC §3; a client who has ever defaulted is never rated better than B. */
export function ratingForScore(score: number, defaultsCount: number): CreditRating {
  if (!Number.isInteger(score) || score < 0 || score > 100) {
    throw new RangeError("a credit score is a whole number from 0 to 100");
  }
  const band = RATING_BANDS.find(([minScore]) => score >= minScore);
  const rating = band ? band[1] : CreditRating.C;
  if (defaultsCount > 0 && isBetter(rating, CreditRating.B)) return CreditRating.B;
  return rating;
}

function isBetter(a: CreditRating, b: CreditRating): boolean {
  return CREDIT_RATING_ORDER.indexOf(a) < CREDIT_RATING_ORDER.indexOf(b);
}

/** True when `next` is worse than `previous`; a first rating is never a downgrade. */
export function isDowngrade(previous: CreditRating | null, next: CreditRating): boolean {
  return previous !== null && isBetter(previous, next);
}
