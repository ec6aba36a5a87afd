import Decimal from "decimal.js";
import type { DataSource } from "typeorm";
import { insertRows, sqlInstant } from "../../db/sql";
import {
  AlertKind,
  AlertSeverity,
  ApprovalTier,
  ClientStatus,
  ClientType,
  CreditRating,
  FacilityStatus,
  FitCode,
  InvestmentHorizon,
  InvestorCategory,
  ProductKind,
  ProductRiskLevel,
  ReviewOutcome,
  ReviewStatus,
  ReviewTrigger,
  TradeSide,
} from "../../domain/enums";
import { creditCodeCheckChar, residentIdCheckChar } from "../profile/identity";
import { addDays, computePortrait, type PortraitInput } from "../profile/portrait";
import { RISK_QUESTIONNAIRE, scoreAnswers } from "../profile/questionnaire";
import { PORTRAIT_COLUMNS, portraitRow } from "../profile/portrait-refresh";
import { prng } from "../../domain/prng";

/**
 * The deterministic demo book of SPEC §9: both client types across branches, 20+ trading days of
 * snapshots, a year of trades, assessments, portraits computed from exactly those rows, the default
 * segments and products, facilities in every state with their reviews and alerts. Same seed, same
 * book. Written in chunks of clients with multi-row INSERTs, so memory stays flat.
 */
export interface SeedOptions {
  clients: number;
  seed: number;
  /** The book's "today" (YYYY-MM-DD): snapshots end here, portraits are as of it. */
  asOf: string;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  rows: Record<string, number>;
  ms: number;
}

const CHUNK = 1000;
const BRANCHES = [
  "SH-PUDONG",
  "BJ-XICHENG",
  "SZ-FUTIAN",
  "GZ-TIANHE",
  "HZ-XIHU",
  "NJ-GULOU",
  "CD-JINJIANG",
  "WH-JIANGHAN",
];
const REGIONS = ["310115", "110102", "440304", "440106", "330106", "320106", "510104", "420103"];
const SURNAMES = Array.from(
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
);
const GIVEN = Array.from(
  "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯健俊帆帅旭宁晨阳思雨欣怡佳琪梓涵子轩博文",
);
const COMPANY = ["浦江", "华信", "东方", "长城", "瑞丰", "恒泰", "金桥", "海通", "鼎晖", "弘毅", "国泰", "中和"];
const COMPANY_KIND = [
  "投资管理有限公司",
  "资产管理有限公司",
  "私募基金管理有限公司",
  "实业有限公司",
  "科技股份有限公司",
];
const SYMBOLS = [
  "600519.SH",
  "600036.SH",
  "601318.SH",
  "000858.SZ",
  "000333.SZ",
  "300750.SZ",
  "601012.SH",
  "002594.SZ",
  "600276.SH",
  "000001.SZ",
];
const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// One investor, one credit account (SPEC §10): a client's ID number is a function of its number that
// never repeats, whatever the region in front of it.
const BIRTH_DAYS = 365 * 52;
const RESIDENT_SERIALS = BIRTH_DAYS * 1000;

/**
 * Birth date (1950–2001) and sequence number of a resident ID, 11 digits. Multiplying by a number
 * prime to RESIDENT_SERIALS is a bijection modulo it: distinct for the first 18,980,000 clients, with
 * births spread over the 52 years (about every 2,400 clients cover them once).
 */
function residentSerial(id: number): string {
  const x = (id * 7919) % RESIDENT_SERIALS;
  const birth = addDays("1950-01-01", Math.floor(x / 1000)).replace(/-/g, "");
  return `${birth}${String(x % 1000).padStart(3, "0")}`;
}

/** The 9-character organisation part of a unified social credit code: the client number in base 31. */
function creditCodeSerial(id: number): string {
  let out = "";
  for (let n = id, i = 0; i < 9; i += 1, n = Math.floor(n / 31)) out = USCC_CHARS[n % 31] + out;
  return out;
}

const OFFICERS = ["ro-li", "ro-wang", "ro-chen", "ro-zhao"];
const ALL_STATES = Object.values(FacilityStatus);

const money = (d: Decimal) => d.toFixed(2);
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

export async function seedDemoBook(ds: DataSource, opts: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const [{ n }] = (await ds.query("SELECT COUNT(*) AS n FROM `client`")) as { n: unknown }[];
  if (Number(n) > 0) throw new Error("The database already holds clients: the demo book seeds only an empty database");
  const mysql = ds.options.type !== "better-sqlite3";
  const runner = ds.createQueryRunner("master");
  const rows: Record<string, number> = {};
  const run = (sql: string, params: unknown[]) => runner.query(sql, params);
  const put = async (table: string, columns: readonly string[], values: unknown[][]) => {
    if (values.length === 0) return;
    await insertRows(run, table, columns, values, mysql ? 2000 : 500);
    rows[table] = (rows[table] ?? 0) + values.length;
  };
  try {
    if (mysql) await runner.query("SET FOREIGN_KEY_CHECKS = 0, UNIQUE_CHECKS = 0");
    const at = sqlInstant(new Date(`${opts.asOf}T01:00:00.000Z`));
    await runner.startTransaction();
    await seedCatalogue(put, at);
    await runner.commitTransaction();
    const state = { facilityId: 0, alertId: 0, reviewId: 0, tradeId: 0 };
    for (let from = 0; from < opts.clients; from += CHUNK) {
      const count = Math.min(CHUNK, opts.clients - from);
      await runner.startTransaction();
      try {
        await seedClients(put, opts, from, count, state);
        await runner.commitTransaction();
      } catch (err) {
        await runner.rollbackTransaction();
        throw err;
      }
      opts.onProgress?.(from + count, opts.clients);
    }
  } finally {
    if (mysql) await runner.query("SET FOREIGN_KEY_CHECKS = 1, UNIQUE_CHECKS = 1").catch(() => undefined);
    await runner.release();
  }
  return { rows, ms: Date.now() - started };
}

type Put = (table: string, columns: readonly string[], values: unknown[][]) => Promise<void>;

/** Segment ids 1–3 (A, B, C) and product ids 1–5. */
async function seedCatalogue(put: Put, at: string): Promise<void> {
  const seg = (
    id: number,
    code: string,
    name: string,
    description: string,
    priority: number,
    min: number,
    max: number | null,
    tier: ApprovalTier,
    interval: number,
    advisory: boolean,
  ) => [
    id,
    code,
    name,
    description,
    priority,
    1,
    money(new Decimal(min)),
    max === null ? null : money(new Decimal(max)),
    null,
    null,
    null,
    null,
    null,
    null,
    tier,
    interval,
    advisory ? 1 : 0,
    at,
    at,
    1,
  ];
  await put(
    "segment",
    [
      "id",
      "code",
      "name",
      "description",
      "priority",
      "active",
      "minAvgDailyAssets",
      "maxAvgDailyAssets",
      "clientTypes",
      "investorCategories",
      "riskLevels",
      "horizons",
      "minExperienceMonths",
      "minCreditRating",
      "approvalTier",
      "reviewIntervalDays",
      "advisoryService",
      "createdAt",
      "updatedAt",
      "version",
    ],
    [
      seg(
        1,
        "A",
        "高净值客户",
        "日均资产一千万元以上：投顾服务，授信经信用审批委员会双人审批，每30天贷后检查",
        10,
        10_000_000,
        null,
        ApprovalTier.COMMITTEE,
        30,
        true,
      ),
      seg(
        2,
        "B",
        "中端客户",
        "日均资产一百万至一千万元：标准审批，每90天贷后检查",
        20,
        1_000_000,
        10_000_000,
        ApprovalTier.STANDARD,
        90,
        false,
      ),
      seg(
        3,
        "C",
        "小额客户",
        "日均资产五十万至一百万元：系统自动审批，每180天贷后检查",
        30,
        500_000,
        1_000_000,
        ApprovalTier.AUTO,
        180,
        false,
      ),
    ],
  );
  const prod = (
    id: number,
    code: string,
    name: string,
    kind: ProductKind,
    risk: ProductRiskLevel,
    horizon: InvestmentHorizon,
    min: number,
    max: number,
    term: number,
    ext: number,
    rate: string,
    eligMin: number,
    eligExp: number,
    eligRating: CreditRating,
    proOnly: boolean,
  ) => [
    id,
    code,
    name,
    kind,
    risk,
    horizon,
    1,
    money(new Decimal(min)),
    money(new Decimal(max)),
    term,
    ext,
    rate,
    "1.0000",
    "1.5000",
    "1.3000",
    "1.1000",
    "3.0000",
    money(new Decimal(eligMin)),
    eligExp,
    eligRating,
    null,
    proOnly ? 1 : 0,
    at,
    at,
    1,
  ];
  await put(
    "product",
    [
      "id",
      "code",
      "name",
      "kind",
      "riskLevel",
      "horizon",
      "active",
      "minLimit",
      "maxLimit",
      "termDays",
      "maxExtensions",
      "annualRate",
      "initialMarginRatio",
      "warningLine",
      "marginCallLine",
      "liquidationLine",
      "withdrawalLine",
      "eligibilityMinAvgDailyAssets",
      "eligibilityMinExperienceMonths",
      "eligibilityMinCreditRating",
      "eligibilityClientTypes",
      "eligibilityProfessionalOnly",
      "createdAt",
      "updatedAt",
      "version",
    ],
    [
      prod(
        1,
        "MARGIN-STD",
        "标准融资融券",
        ProductKind.STANDARD_CREDIT,
        ProductRiskLevel.R3,
        InvestmentHorizon.MEDIUM,
        100_000,
        10_000_000,
        180,
        3,
        "0.0835",
        500_000,
        6,
        CreditRating.B,
        false,
      ),
      prod(
        2,
        "MARGIN-SMALL",
        "小额融资",
        ProductKind.SMALL_CREDIT,
        ProductRiskLevel.R2,
        InvestmentHorizon.SHORT,
        50_000,
        1_000_000,
        90,
        2,
        "0.0880",
        500_000,
        6,
        CreditRating.BB,
        false,
      ),
      prod(
        3,
        "MARGIN-VIP",
        "高净值专属授信",
        ProductKind.STRUCTURED_FINANCING,
        ProductRiskLevel.R4,
        InvestmentHorizon.LONG,
        1_000_000,
        50_000_000,
        180,
        3,
        "0.0760",
        10_000_000,
        24,
        CreditRating.A,
        false,
      ),
      prod(
        4,
        "SEC-LENDING",
        "融券专项",
        ProductKind.SECURITIES_LENDING,
        ProductRiskLevel.R5,
        InvestmentHorizon.SHORT,
        200_000,
        20_000_000,
        60,
        1,
        "0.1050",
        1_000_000,
        24,
        CreditRating.BBB,
        true,
      ),
      prod(
        5,
        "MARGIN-PLUS",
        "增强融资",
        ProductKind.STANDARD_CREDIT,
        ProductRiskLevel.R4,
        InvestmentHorizon.MEDIUM,
        200_000,
        20_000_000,
        180,
        2,
        "0.0800",
        1_000_000,
        12,
        CreditRating.BBB,
        false,
      ),
    ],
  );
  await put(
    "product_segment",
    ["productId", "segmentId"],
    [
      [3, 1],
      [5, 1],
      [5, 2],
      [1, 1],
      [1, 2],
      [1, 3],
      [2, 3],
      [2, 2],
    ],
  );
}

const CLIENT_COLUMNS = [
  "id",
  "clientNo",
  "type",
  "status",
  "investorCategory",
  "name",
  "idNumber",
  "phone",
  "branch",
  "tradingSince",
  "openedAt",
  "annualIncome",
  "financialAssets",
  "latestPortraitId",
  "createdAt",
  "updatedAt",
  "version",
];
const SNAPSHOT_COLUMNS = ["clientId", "date", "totalAssets", "securitiesAssets", "liabilities", "recordedAt"];
const TRADE_COLUMNS = ["clientId", "tradeDate", "symbol", "side", "quantity", "amount", "recordedAt"];
const ASSESSMENT_COLUMNS = [
  "id",
  "clientId",
  "questionnaireVersion",
  "answers",
  "score",
  "riskLevel",
  "lowestCategory",
  "horizon",
  "assessedAt",
  "validUntil",
  "createdAt",
];
const FACILITY_COLUMNS = [
  "id",
  "clientId",
  "productId",
  "status",
  "approvalTier",
  "requestedLimit",
  "approvedLimit",
  "usedAmount",
  "collateralValue",
  "maintenanceRatio",
  "valuationAsOf",
  "annualRate",
  "startDate",
  "maturityDate",
  "extensionsUsed",
  "disclosureVersion",
  "disclosureAcknowledgedAt",
  "decisionReasons",
  "approvedBy",
  "defaultedAt",
  "createdAt",
  "updatedAt",
  "version",
];
const ALERT_COLUMNS = [
  "id",
  "clientId",
  "facilityId",
  "kind",
  "severity",
  "message",
  "raisedAt",
  "deadline",
  "resolvedAt",
  "resolvedBy",
  "createdAt",
];
const REVIEW_COLUMNS = [
  "id",
  "clientId",
  "facilityId",
  "trigger",
  "status",
  "dueDate",
  "assignee",
  "startedAt",
  "completedAt",
  "snapshot",
  "recommendation",
  "outcome",
  "newLimit",
  "notes",
  "createdAt",
  "updatedAt",
  "version",
];

const PRODUCTS_FOR_SEGMENT: Record<string, { id: number; term: number; rate: string; max: number }[]> = {
  A: [
    { id: 3, term: 180, rate: "0.0760", max: 50_000_000 },
    { id: 5, term: 180, rate: "0.0800", max: 20_000_000 },
    { id: 1, term: 180, rate: "0.0835", max: 10_000_000 },
  ],
  B: [
    { id: 1, term: 180, rate: "0.0835", max: 10_000_000 },
    { id: 5, term: 180, rate: "0.0800", max: 20_000_000 },
  ],
  C: [
    { id: 2, term: 90, rate: "0.0880", max: 1_000_000 },
    { id: 1, term: 180, rate: "0.0835", max: 10_000_000 },
  ],
};

async function seedClients(
  put: Put,
  opts: SeedOptions,
  from: number,
  count: number,
  state: { facilityId: number; alertId: number; reviewId: number; tradeId: number },
): Promise<void> {
  const clients: unknown[][] = [];
  const snapshots: unknown[][] = [];
  const trades: unknown[][] = [];
  const assessments: unknown[][] = [];
  const portraits: unknown[][] = [];
  const facilities: unknown[][] = [];
  const alerts: unknown[][] = [];
  const reviews: unknown[][] = [];
  const asOfStart = new Date(`${opts.asOf}T00:00:00.000Z`);
  const days = tradingDays(opts.asOf, 25);

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
    const openedAt = addDays(opts.asOf, -Math.floor(between(60, 4000)));
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

    // Snapshots: 22–25 weekdays, now and then a missing day.
    const snaps: PortraitInput["snapshots"] = [];
    const nDays = 22 + Math.floor(rnd() * 4);
    for (let d = 0; d < nDays; d += 1) {
      if (rnd() < 0.03) continue;
      const sec = new Decimal(base * between(0.92, 1.08)).toDecimalPlaces(2);
      const total = sec.times(between(1.02, 1.3)).toDecimalPlaces(2);
      snaps.push({ date: days[d], securitiesAssets: sec, totalAssets: total });
      snapshots.push([id, days[d], money(total), money(sec), "0.00", createdAt]);
    }

    // Trades over ~15 months.
    let firstTrade: string | null = null;
    let amount365 = new Decimal(0);
    const yearAgo = addDays(opts.asOf, -365);
    const nTrades = 3 + Math.floor(rnd() * 18);
    const turnover = between(0.5, 30);
    for (let t = 0; t < nTrades; t += 1) {
      const date = addDays(opts.asOf, -Math.floor(between(0, 450)));
      const amount = new Decimal((base * turnover) / nTrades).toDecimalPlaces(2);
      if (firstTrade === null || date < firstTrade) firstTrade = date;
      if (date > yearAgo) amount365 = amount365.plus(amount);
      trades.push([
        id,
        date,
        pick(SYMBOLS),
        rnd() < 0.55 ? TradeSide.BUY : TradeSide.SELL,
        100 * (1 + Math.floor(rnd() * 50)),
        money(amount),
        createdAt,
      ]);
    }

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
    const validUntil = new Date(assessedAt.getTime() + 730 * 86_400_000);
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
    const avg = snaps
      .slice(0, 20)
      .reduce((s, x) => s.plus(x.securitiesAssets), new Decimal(0))
      .div(20)
      .toDecimalPlaces(2);
    const segment = avg.gte(10_000_000) ? "A" : avg.gte(1_000_000) ? "B" : avg.gte(500_000) ? "C" : null;
    let marginCalls = 0;
    let defaults = 0;
    if (segment !== null && rnd() < 0.15) {
      const status = ALL_STATES[(id * 7) % ALL_STATES.length];
      const product = pick(PRODUCTS_FOR_SEGMENT[segment]);
      const fid = ++state.facilityId;
      const requested = new Decimal(
        Math.min(product.max, Math.floor((avg.toNumber() * between(0.5, 1.5)) / 10_000) * 10_000 + 100_000),
      );
      const approved =
        status === FacilityStatus.REJECTED ? null : requested.times(between(0.7, 1)).div(10_000).floor().times(10_000);
      const signed = [
        FacilityStatus.ACTIVE,
        FacilityStatus.MARGIN_CALL,
        FacilityStatus.SUSPENDED,
        FacilityStatus.LIQUIDATING,
        FacilityStatus.CLOSED,
      ].includes(status);
      const start = signed ? addDays(opts.asOf, -Math.floor(between(20, product.term - 5))) : null;
      const maturity = start ? addDays(start, product.term) : null;
      const targetRatio =
        status === FacilityStatus.MARGIN_CALL
          ? between(1.15, 1.29)
          : status === FacilityStatus.LIQUIDATING
            ? between(0.9, 1.09)
            : between(1.6, 3.2);
      const used =
        signed && status !== FacilityStatus.CLOSED && approved
          ? approved.times(between(0.3, 0.85)).toDecimalPlaces(2)
          : new Decimal(0);
      const collateral = used.times(targetRatio).toDecimalPlaces(2);
      const ratio = used.isZero() ? null : collateral.div(used).toDecimalPlaces(4, Decimal.ROUND_DOWN);
      const created = instant(start ? daysBetween(start, opts.asOf) + 3 : Math.floor(between(1, 15)));
      const tierOf =
        segment === "A" ? ApprovalTier.COMMITTEE : segment === "B" ? ApprovalTier.STANDARD : ApprovalTier.AUTO;
      const reasons =
        status === FacilityStatus.REJECTED
          ? [
              {
                code: FitCode.CREDIT_RATING,
                passed: false,
                message: "rating below the product's minimum",
                required: "at least A",
                actual: "BB",
              },
            ]
          : [];
      const defaultedAt =
        status === FacilityStatus.LIQUIDATING ? sqlInstant(instant(Math.floor(between(1, 10)))) : null;
      if (defaultedAt) defaults += 1;
      facilities.push([
        fid,
        id,
        product.id,
        status,
        tierOf,
        money(requested),
        approved ? money(approved) : null,
        money(used),
        money(collateral),
        ratio ? ratio.toFixed(4) : null,
        signed ? opts.asOf : null,
        product.rate,
        start,
        maturity,
        0,
        signed || status === FacilityStatus.PENDING_SIGNATURE ? "2026-01" : null,
        start ? sqlInstant(instant(daysBetween(start, opts.asOf))) : null,
        JSON.stringify(reasons),
        approved ? (tierOf === ApprovalTier.AUTO ? "system" : pick(OFFICERS)) : null,
        defaultedAt,
        sqlInstant(created),
        sqlInstant(created),
        signed ? 3 : 2,
      ]);
      const alert = (
        kind: AlertKind,
        severity: AlertSeverity,
        message: string,
        daysAgo: number,
        deadline: string | null,
        resolved: boolean,
      ) => {
        const raised = instant(daysAgo);
        alerts.push([
          ++state.alertId,
          id,
          fid,
          kind,
          severity,
          message,
          sqlInstant(raised),
          deadline,
          resolved ? sqlInstant(instant(Math.max(daysAgo - 2, 0))) : null,
          resolved ? "system" : null,
          sqlInstant(raised),
        ]);
        if (kind === AlertKind.MARGIN_CALL && daysAgo < 365) marginCalls += 1;
      };
      const review = (trigger: ReviewTrigger, status2: ReviewStatus, due: string, outcome: ReviewOutcome | null) => {
        const createdR = sqlInstant(instant(Math.floor(between(1, 20))));
        const started = status2 === ReviewStatus.IN_PROGRESS || status2 === ReviewStatus.COMPLETED;
        reviews.push([
          ++state.reviewId,
          id,
          fid,
          trigger,
          status2,
          due,
          started ? pick(OFFICERS) : null,
          started ? createdR : null,
          status2 === ReviewStatus.COMPLETED ? createdR : null,
          null,
          started ? (outcome ?? ReviewOutcome.MAINTAIN) : null,
          outcome,
          null,
          status2 === ReviewStatus.CANCELLED ? "Superseded by a margin-call review" : null,
          createdR,
          createdR,
          started ? 3 : 1,
        ]);
      };
      if (status === FacilityStatus.MARGIN_CALL) {
        const deadline = addDays(opts.asOf, 2);
        alert(
          AlertKind.MARGIN_CALL,
          AlertSeverity.WARNING,
          `Maintenance ratio ${ratio?.toFixed(4)} below the margin-call line 1.3000`,
          1,
          deadline,
          false,
        );
        review(ReviewTrigger.MARGIN_CALL, ReviewStatus.SCHEDULED, deadline, null);
      } else if (status === FacilityStatus.LIQUIDATING) {
        alert(
          AlertKind.LIQUIDATION,
          AlertSeverity.CRITICAL,
          `Maintenance ratio ${ratio?.toFixed(4)} below the liquidation line 1.1000`,
          2,
          null,
          false,
        );
        alert(
          AlertKind.MARGIN_CALL,
          AlertSeverity.WARNING,
          "Maintenance ratio below the margin-call line 1.3000",
          9,
          addDays(opts.asOf, -7),
          true,
        );
        review(
          ReviewTrigger.MARGIN_CALL,
          ReviewStatus.COMPLETED,
          addDays(opts.asOf, -7),
          ReviewOutcome.FORCED_LIQUIDATION,
        );
      } else if (status === FacilityStatus.SUSPENDED) {
        review(ReviewTrigger.PERIODIC, ReviewStatus.COMPLETED, addDays(opts.asOf, -5), ReviewOutcome.SUSPEND);
        alert(
          AlertKind.MAINTENANCE_WARNING,
          AlertSeverity.INFO,
          "Maintenance ratio below the warning line 1.5000",
          30,
          null,
          true,
        );
      } else if (status === FacilityStatus.ACTIVE) {
        review(
          ReviewTrigger.PERIODIC,
          pick([ReviewStatus.SCHEDULED, ReviewStatus.IN_PROGRESS, ReviewStatus.COMPLETED, ReviewStatus.CANCELLED]),
          addDays(opts.asOf, Math.floor(between(-10, 20))),
          null,
        );
        if (maturity && maturity <= addDays(opts.asOf, 14))
          alert(AlertKind.MATURITY_DUE, AlertSeverity.INFO, `Matures on ${maturity}`, 1, maturity, false);
      } else if (status === FacilityStatus.CLOSED) {
        review(ReviewTrigger.MATURITY, ReviewStatus.COMPLETED, addDays(opts.asOf, -3), ReviewOutcome.TERMINATE);
      }
    }

    const valid = validUntil.getTime() > asOfStart.getTime();
    const portrait = computePortrait({
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
      marginCallsLast12m: marginCalls,
      defaultsCount: defaults,
    });
    portraits.push([id, ...portraitRow(id, opts.asOf, sqlInstant(new Date(`${opts.asOf}T01:00:00.000Z`)), portrait)]);
    clients.push([
      id,
      `C${String(id).padStart(8, "0")}`,
      institution ? ClientType.INSTITUTION : ClientType.INDIVIDUAL,
      rnd() < 0.97 ? ClientStatus.ACTIVE : ClientStatus.RESTRICTED,
      // Professional status is earned (SPEC §10): only a client whose portrait qualifies holds it.
      professional && portrait.professionalEligible ? InvestorCategory.PROFESSIONAL : InvestorCategory.ORDINARY,
      name,
      idNumber,
      phone,
      BRANCHES[branchIndex],
      tradingSince,
      openedAt,
      annualIncome ? money(annualIncome) : null,
      financialAssets ? money(financialAssets) : null,
      id,
      createdAt,
      createdAt,
      1,
    ]);
  }
  await put("client", CLIENT_COLUMNS, clients);
  await put("risk_assessment", ASSESSMENT_COLUMNS, assessments);
  await put("asset_snapshot", SNAPSHOT_COLUMNS, snapshots);
  await put("trade", TRADE_COLUMNS, trades);
  await put("portrait", ["id", ...PORTRAIT_COLUMNS], portraits);
  await put("credit_facility", FACILITY_COLUMNS, facilities);
  await put("alert", ALERT_COLUMNS, alerts);
  await put("post_loan_review", REVIEW_COLUMNS, reviews);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
