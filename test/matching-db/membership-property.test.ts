import Decimal from "decimal.js";
import { insertRows, sqlInstant } from "../../src/db/sql";
import {
  ClientType,
  CREDIT_RATING_ORDER,
  CreditRating,
  InvestmentHorizon,
  InvestorCategory,
  RiskLevel,
} from "../../src/domain/enums";
import { bestSegment, type FitSubject, type SegmentDef } from "../../src/services/matching";
import { membershipPredicate } from "../../src/services/read/segment-sql";
import { prng } from "../../src/domain/prng";
import { ENGINES, type TestDatabase } from "../support/engines";

const CLIENTS = 3000;
const SEGMENT_SETS = 12;

const rnd = prng(20261129);
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

describe.each(ENGINES)("segment membership in SQL equals the pure fit on $name (SPEC §4)", (engine) => {
  let db: TestDatabase;
  const subjects = Array.from({ length: CLIENTS }, randomSubject);

  beforeAll(async () => {
    db = await engine.create();
    const run = (sql: string, params: unknown[]) => db.ds.query(sql, params);
    const at = sqlInstant(new Date("2026-11-27T00:00:00.000Z"));
    await insertRows(
      run,
      "client",
      [
        "id",
        "clientNo",
        "type",
        "status",
        "investorCategory",
        "name",
        "idNumber",
        "branch",
        "openedAt",
        "latestPortraitId",
        "createdAt",
        "updatedAt",
        "version",
      ],
      subjects.map((s, i) => [
        i + 1,
        `P${String(i + 1).padStart(8, "0")}`,
        s.clientType,
        "ACTIVE",
        s.investorCategory,
        "测试",
        "110101199003071234",
        "SH",
        "2020-01-01",
        i + 1,
        at,
        at,
        1,
      ]),
    );
    await insertRows(
      run,
      "portrait",
      [
        "id",
        "clientId",
        "asOf",
        "computedAt",
        "riskLevel",
        "horizon",
        "lowestCategory",
        "avgDailyAssets20d",
        "assetDays",
        "totalAssets",
        "experienceMonths",
        "annualTurnover",
        "marginCallsLast12m",
        "defaultsCount",
        "creditScore",
        "creditRating",
        "creditFactors",
        "professionalEligible",
      ],
      subjects.map((s, i) => [
        i + 1,
        i + 1,
        "2026-11-27",
        at,
        s.riskLevel,
        s.horizon,
        0,
        s.avgDailyAssets20d.toFixed(2),
        20,
        "0.00",
        s.experienceMonths,
        "0.00",
        0,
        0,
        50,
        s.creditRating,
        "[]",
        0,
      ]),
    );
  }, 120_000);

  afterAll(() => db?.drop());

  it(`agrees for ${CLIENTS} random portraits under ${SEGMENT_SETS} random segment sets`, async () => {
    let checked = 0;
    for (let set = 0; set < SEGMENT_SETS; set += 1) {
      const segments = randomSegments();
      const active = segments.filter((s) => s.active);
      for (const segment of segments) {
        const predicate = membershipPredicate(segment, active);
        const rows = (await db.ds.query(
          `SELECT c.\`id\` FROM \`client\` c JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\` WHERE ${predicate.sql} ORDER BY c.\`id\``,
          predicate.params,
        )) as { id: unknown }[];
        const inSql = rows.map((r) => Number(r.id));
        const inPure = subjects.flatMap((s, i) => (bestSegment(s, segments)?.code === segment.code ? [i + 1] : []));
        const extra = inPure.filter((id) => !inSql.includes(id)).concat(inSql.filter((id) => !inPure.includes(id)));
        if (extra.length > 0 && process.env.DEBUG_PROP) {
          process.stderr.write(
            JSON.stringify(
              {
                subject: subjects[extra[0] - 1],
                segments,
                target: segment.code,
                pure: bestSegment(subjects[extra[0] - 1], segments)?.code,
              },
              null,
              1,
            ) + "\n",
          );
        }
        expect({ set, segment: segment.code, members: inSql }).toEqual({ set, segment: segment.code, members: inPure });
        checked += inPure.length;
      }
    }
    expect(checked).toBeGreaterThan(CLIENTS);
  }, 120_000);
});
