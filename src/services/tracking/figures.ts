import Decimal from "decimal.js";
import { CREDIT_RATING_ORDER, type CreditRating } from "../../domain/enums";

/**
 * The divisions of SPEC §13's figures, from the integer counts and cent sums the database grouped:
 * exact (decimal.js, never a float), rounded half-up as SPEC §2 rounds.
 */

/** numerator ÷ denominator at 4 dp; null when the denominator is 0. */
export function rate(numerator: number | bigint, denominator: number | bigint): Decimal | null {
  if (BigInt(denominator) === 0n) return null;
  return new Decimal(numerator.toString()).div(denominator.toString()).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
}

/** % promoters (9–10) − % detractors (0–6), 2 dp; null without answers. */
export function netPromoterScore(responses: number, promoters: number, detractors: number): Decimal | null {
  if (responses === 0) return null;
  return new Decimal(promoters - detractors).times(100).div(responses).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Wide enough that a book's cent-days times a rate stay exact before the one rounding. */
const Wide = Decimal.clone({ precision: 40 });

/** Σ cents × days × rate ÷ 365, in money at 2 dp: interest accrued day by day on the latest usedAmount. */
export function interestOf(centDaysByRate: ReadonlyMap<string, bigint>): Decimal {
  let total = new Wide(0);
  for (const [annualRate, centDays] of centDaysByRate) {
    total = total.plus(new Wide(centDays.toString()).times(annualRate));
  }
  return new Decimal(total.div(36500).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toString());
}

export interface ScoreGroup {
  score: number;
  rating: string;
  bad: boolean;
  clients: number;
}

export interface ModelFigures {
  clients: number;
  bads: number;
  auc: Decimal | null;
  ks: Decimal | null;
  ratings: { creditRating: CreditRating; clients: number; bads: number; badRate: Decimal }[];
}

/**
 * AUC by Mann–Whitney — the share of (good, bad) pairs in which the good client scored higher, a tie
 * counting half — and KS, the largest gap between the cumulative score distributions of bads and goods;
 * both 4 dp, null unless there are goods and bads. Over at most 101 distinct scores, in integers.
 */
export function modelFigures(groups: readonly ScoreGroup[]): ModelFigures {
  const byScore = new Map<number, { goods: number; bads: number }>();
  const byRating = new Map<string, { clients: number; bads: number }>();
  let goods = 0;
  let bads = 0;
  for (const g of groups) {
    const s = byScore.get(g.score) ?? { goods: 0, bads: 0 };
    const r = byRating.get(g.rating) ?? { clients: 0, bads: 0 };
    r.clients += g.clients;
    if (g.bad) {
      s.bads += g.clients;
      r.bads += g.clients;
      bads += g.clients;
    } else {
      s.goods += g.clients;
      goods += g.clients;
    }
    byScore.set(g.score, s);
    byRating.set(g.rating, r);
  }
  let auc: Decimal | null = null;
  let ks: Decimal | null = null;
  if (goods > 0 && bads > 0) {
    // Twice the Mann–Whitney U, so that ties stay integers; and the KS gap as bads·goods × |Fb − Fg|.
    let twiceU = 0n;
    let badsBelow = 0n;
    let goodsUpTo = 0n;
    let badsUpTo = 0n;
    let widest = 0n;
    for (const score of [...byScore.keys()].sort((a, b) => a - b)) {
      const s = byScore.get(score)!;
      twiceU += 2n * BigInt(s.goods) * badsBelow + BigInt(s.goods) * BigInt(s.bads);
      badsBelow += BigInt(s.bads);
      goodsUpTo += BigInt(s.goods);
      badsUpTo += BigInt(s.bads);
      const gap = badsUpTo * BigInt(goods) - goodsUpTo * BigInt(bads);
      const abs = gap < 0n ? -gap : gap;
      if (abs > widest) widest = abs;
    }
    const pairs = BigInt(goods) * BigInt(bads);
    auc = new Decimal(twiceU.toString()).div((2n * pairs).toString()).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
    ks = new Decimal(widest.toString()).div(pairs.toString()).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
  }
  const ratings = CREDIT_RATING_ORDER.filter((r) => byRating.has(r)).map((creditRating) => {
    const r = byRating.get(creditRating)!;
    return { creditRating, clients: r.clients, bads: r.bads, badRate: rate(r.bads, r.clients)! };
  });
  return { clients: goods + bads, bads, auc, ks, ratings };
}
