import Decimal from "decimal.js";
import { idNumberIndex, phoneIndex, seal } from "../crypto/personal-data";
import { sqlInstant } from "../db/sql";
import { ClientStatus, ClientType, InvestorCategory, TradeSide } from "../domain/enums";
import { prng } from "../domain/prng";
import { addDays } from "../domain/dates";
import { isAssessmentValidAt, validUntilFor } from "../domain/assessment";
import { computePortrait, type PortraitInput } from "../services/profile/portrait";
import { PORTRAIT_COLUMNS, portraitRow } from "../services/profile/portrait-refresh";
import { creditCodeCheckChar, residentIdCheckChar } from "../services/profile/identity";
import { RISK_QUESTIONNAIRE, scoreAnswers } from "../services/profile/questionnaire";
import type { SeedOptions } from "./demo-book";
import { seedFacilityHistory } from "./history";
import { cohortDate, SATISFACTION_COLUMNS, seedSatisfaction, VALUATION_COLUMNS } from "./tracking";
import {
  BRANCHES,
  COMPANY,
  COMPANY_KIND,
  creditCodeSerial,
  GIVEN,
  REGIONS,
  residentSerial,
  SURNAMES,
  SYMBOLS,
} from "./people";
import {
  ALERT_COLUMNS,
  ASSESSMENT_COLUMNS,
  CLIENT_COLUMNS,
  FACILITY_COLUMNS,
  money,
  REVIEW_COLUMNS,
  SNAPSHOT_COLUMNS,
  TRADE_COLUMNS,
  type SeedIds,
} from "./rows";
import { centsAverage, centsOf, centsText, centsTimes } from "./cents";

const isWeekday = (d: string) => {
  const day = new Date(`${d}T00:00:00.000Z`).getUTCDay();
  return day !== 0 && day !== 6;
};

/** Weekdays ending at asOf, newest first. */
function tradingDays(asOf: string, n: number): string[] {
  const out: string[] = [];
  for (let d = asOf; out.length < n; d = addDays(d, -1)) if (isWeekday(d)) out.push(d);
  return out;
}

/** The rows of a chunk of clients, table by table in the order they are written (references first). */
export const CHUNK_TABLES = [
  ["client", CLIENT_COLUMNS],
  ["risk_assessment", ASSESSMENT_COLUMNS],
  ["asset_snapshot", SNAPSHOT_COLUMNS],
  ["trade", TRADE_COLUMNS],
  ["portrait", ["id", ...PORTRAIT_COLUMNS]],
  ["credit_facility", FACILITY_COLUMNS],
  ["alert", ALERT_COLUMNS],
  ["post_loan_review", REVIEW_COLUMNS],
  ["facility_valuation", VALUATION_COLUMNS],
  ["satisfaction_response", SATISFACTION_COLUMNS],
] as const;

export type ChunkTable = (typeof CHUNK_TABLES)[number][0];
export type ChunkRows = Record<ChunkTable, unknown[][]>;

export function emptyChunk(): ChunkRows {
  return Object.fromEntries(CHUNK_TABLES.map(([table]) => [table, []])) as unknown as ChunkRows;
}

/** The dates a book draws from, worked out once: the trading days ending at asOf and asOf minus n days. */
export interface BookCalendar {
  tradingDays: string[];
  daysBefore: (n: number) => string;
}

export function bookCalendar(asOf: string): BookCalendar {
  const before: string[] = [];
  return {
    tradingDays: tradingDays(asOf, 25),
    daysBefore: (n) => (before[n] ??= addDays(asOf, -n)),
  };
}

/**
 * Draws clients [from + 1, from + count] with their snapshots, trades, assessment, facility history and
 * portrait into `out`; synchronous, so a caller can write one chunk while it draws the next.
 */
export function drawClients(
  out: ChunkRows,
  opts: SeedOptions,
  calendar: BookCalendar,
  from: number,
  count: number,
  state: SeedIds,
): void {
  const {
    client: clients,
    asset_snapshot: snapshots,
    trade: trades,
    risk_assessment: assessments,
    portrait: portraits,
    credit_facility: facilities,
    alert: alerts,
    post_loan_review: reviews,
    facility_valuation: valuations,
    satisfaction_response: satisfaction,
  } = out;
  const asOfStart = new Date(`${opts.asOf}T00:00:00.000Z`);
  const { tradingDays: days, daysBefore } = calendar;

  for (let k = 0; k < count; k += 1) {
    const id = from + k + 1;
    // One generator per client: a client's data depends only on the seed and its number.
    const rnd = prng((opts.seed * 2654435761) ^ (id * 40503));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
    const instant = (daysAgo: number) =>
      new Date(asOfStart.getTime() - daysAgo * 86_400_000 + Math.floor(rnd() * 8 * 3600_000) + 3600_000);

    const institution = rnd() < 0.1;
    const branchIndex = Math.floor(rnd() * BRANCHES.length);
    const tier = rnd();
    const base =
      tier < 0.05
        ? between(10_000_000, 60_000_000)
        : tier < 0.35
          ? between(1_000_000, 10_000_000)
          : tier < 0.6
            ? between(500_000, 1_000_000)
            : between(30_000, 500_000);
    const professional = rnd() < 0.05;
    const openedAt = daysBefore(Math.floor(between(60, 4000)));
    const tradingSince = rnd() < 0.85 ? addDays(openedAt, -Math.floor(between(0, 3000))) : null;
    let name: string;
    let idNumber: string;
    if (institution) {
      name = `${pick(["上海", "北京", "深圳", "广州", "杭州"])}${pick(COMPANY)}${pick(COMPANY_KIND)}`;
      // The draws of the random code this replaced are still taken: the rest of the book stays as it was.
      for (let i = 0; i < 9; i += 1) rnd();
      const body = `91${REGIONS[branchIndex]}${creditCodeSerial(id)}`;
      idNumber = body + creditCodeCheckChar(body);
    } else {
      name = pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.6 ? pick(GIVEN) : "");
      rnd(); // the draws of the random birth date and sequence number this replaced (see above)
      rnd();
      const body = `${REGIONS[branchIndex]}${residentSerial(id)}`;
      idNumber = body + residentIdCheckChar(body);
    }
    const phone =
      rnd() < 0.95 ? `1${pick(["3", "5", "7", "8", "9"])}${String(Math.floor(rnd() * 1e9)).padStart(9, "0")}` : null;
    const annualIncome =
      institution || rnd() < 0.3 ? null : new Decimal(Math.round(between(80_000, 3_000_000) / 1000) * 1000);
    const financialAssets = rnd() < 0.3 ? null : new Decimal(Math.round(base * between(1, 2.5)));
    const createdAt = sqlInstant(instant(Math.floor(between(1, 30))));

    // Snapshots: 22–25 weekdays, now and then a missing day. In cents (see cents.ts): the portrait reads
    // only the newest 20, which alone become Decimals.
    const snaps: PortraitInput["snapshots"] = [];
    let sum20 = 0;
    const nDays = 22 + Math.floor(rnd() * 4);
    for (let d = 0; d < nDays; d += 1) {
      if (rnd() < 0.03) continue;
      const sec = centsOf(base * between(0.92, 1.08));
      const total = centsTimes(sec, between(1.02, 1.3));
      const [secText, totalText] = [centsText(sec), centsText(total)];
      if (snaps.length < 20) {
        sum20 += sec;
        // The portrait reads the total of the newest snapshot alone.
        snaps.push({
          date: days[d],
          securitiesAssets: new Decimal(secText),
          get totalAssets() {
            return new Decimal(totalText);
          },
        });
      }
      snapshots.push([id, days[d], totalText, secText, "0.00", createdAt]);
    }

    // Trades over ~15 months.
    let firstTrade: string | null = null;
    const yearAgo = daysBefore(365);
    const nTrades = 3 + Math.floor(rnd() * 18);
    const turnover = between(0.5, 30);
    // Every trade of a client is of the same amount.
    const amount = new Decimal((base * turnover) / nTrades).toDecimalPlaces(2);
    const amountText = money(amount);
    let inYear = 0;
    for (let t = 0; t < nTrades; t += 1) {
      const date = daysBefore(Math.floor(between(0, 450)));
      if (firstTrade === null || date < firstTrade) firstTrade = date;
      if (date > yearAgo) inYear += 1;
      trades.push([
        ++state.tradeId,
        id,
        date,
        pick(SYMBOLS),
        rnd() < 0.55 ? TradeSide.BUY : TradeSide.SELL,
        100 * (1 + Math.floor(rnd() * 50)),
        amountText,
        createdAt,
      ]);
    }
    const amount365 = amount.times(inYear);

    // A real questionnaire: richer clients tend to answer higher.
    const lean = Math.min(1, Math.log10(base) / 7.5);
    const answers = RISK_QUESTIONNAIRE.questions.map((q) => {
      const sorted = [...q.options].sort((a, b) => a.points - b.points);
      const skew = Math.min(sorted.length - 1, Math.max(0, Math.floor((lean * 0.3 + rnd() * 0.7) * sorted.length)));
      const option =
        rnd() < 0.02 && sorted.some((o) => o.lowestCategory) ? sorted.find((o) => o.lowestCategory)! : sorted[skew];
      return { questionId: q.id, optionId: option.id };
    });
    const scored = scoreAnswers(RISK_QUESTIONNAIRE, RISK_QUESTIONNAIRE.version, answers);
    if (!scored.ok) throw new Error("demo questionnaire answers do not score");
    const assessedAt = instant(Math.floor(between(10, 800)));
    const validUntil = validUntilFor(assessedAt, 730);
    assessments.push([
      id,
      id,
      RISK_QUESTIONNAIRE.version,
      JSON.stringify(answers),
      scored.score,
      scored.riskLevel,
      scored.lowestCategory ? 1 : 0,
      scored.horizon,
      sqlInstant(assessedAt),
      sqlInstant(validUntil),
      sqlInstant(assessedAt),
    ]);

    // The segment by the default thresholds, on the same average the portrait will compute.
    const avg = new Decimal(centsText(centsAverage(sum20, 20)));
    const segment = avg.gte(10_000_000) ? "A" : avg.gte(1_000_000) ? "B" : avg.gte(500_000) ? "C" : null;
    const valid = isAssessmentValidAt({ validUntil }, asOfStart);
    const portraitOf = (marginCallsLast12m: number, defaultsCount: number) =>
      computePortrait({
        asOf: opts.asOf,
        client: {
          type: institution ? ClientType.INSTITUTION : ClientType.INDIVIDUAL,
          investorCategory: professional ? InvestorCategory.PROFESSIONAL : InvestorCategory.ORDINARY,
          tradingSince,
          annualIncome,
          financialAssets,
        },
        assessment: valid
          ? {
              riskLevel: scored.riskLevel,
              horizon: scored.horizon,
              lowestCategory: scored.lowestCategory,
              assessedAt,
              validUntil,
            }
          : null,
        snapshots: snaps,
        firstTradeDate: firstTrade,
        tradeAmount365: amount365,
        marginCallsLast12m,
        defaultsCount,
      });
    // Personal data sealed (SPEC §14); a portrait keeps the client's sealed declarations as its copies.
    const declarations = {
      financialAssets: financialAssets ? seal(money(financialAssets)) : null,
      annualIncome: annualIncome ? seal(money(annualIncome)) : null,
    };
    let marginCalls = 0;
    let defaults = 0;
    if (segment !== null && rnd() < 0.15) {
      // SPEC §13: the portrait of the cohort date, before the margin calls and defaults that follow it;
      // it keeps today's figures (a portrait per month end would not fit §9's 60 s) dated three month ends back.
      const cohort = portraitOf(0, 0);
      const cohortAsOf = cohortDate(opts.asOf);
      portraits.push([
        ++state.portraitId,
        ...portraitRow(id, cohortAsOf, sqlInstant(new Date(`${cohortAsOf}T10:00:00.000Z`)), cohort, declarations),
      ]);
      ({ marginCalls, defaults } = seedFacilityHistory(
        { rnd, pick, between, instant },
        id,
        segment,
        avg,
        opts.asOf,
        state,
        { facilities, alerts, reviews, valuations },
        cohort.creditScore,
      ));
    }

    const portrait = portraitOf(marginCalls, defaults);
    portraits.push([
      id,
      ...portraitRow(id, opts.asOf, sqlInstant(new Date(`${opts.asOf}T01:00:00.000Z`)), portrait, declarations),
    ]);
    clients.push([
      id,
      `C${String(id).padStart(8, "0")}`,
      institution ? ClientType.INSTITUTION : ClientType.INDIVIDUAL,
      rnd() < 0.97 ? ClientStatus.ACTIVE : ClientStatus.RESTRICTED,
      // Professional status is earned (SPEC §10): only a client whose portrait qualifies holds it.
      professional && portrait.professionalEligible ? InvestorCategory.PROFESSIONAL : InvestorCategory.ORDINARY,
      // Exact look-ups by blind index (SPEC §14).
      seal(name),
      seal(idNumber),
      idNumberIndex(idNumber),
      phone === null ? null : seal(phone),
      phone === null ? null : phoneIndex(phone),
      BRANCHES[branchIndex],
      tradingSince,
      openedAt,
      declarations.annualIncome,
      declarations.financialAssets,
      id,
      createdAt,
      createdAt,
      1,
    ]);
    seedSatisfaction({ rnd, pick, between, instant }, id, segment, opts.asOf, state, satisfaction);
  }
}
