import Decimal from "decimal.js";
import { idNumberIndex, seal, sealMoney } from "../../src/crypto/personal-data";
import { insertRows, sqlInstant } from "../../src/db/sql";
import { ClientType, InvestmentHorizon, InvestorCategory, RiskLevel } from "../../src/domain/enums";
import { addDays } from "../../src/domain/dates";
import { computePortrait, type PortraitInput } from "../../src/services/profile/portrait";
import { PortraitRefresher, refreshAllPortraits } from "../../src/services/profile/portrait-refresh";
import { prng } from "../../src/domain/prng";
import { ENGINES, type TestDatabase } from "../support/engines";
import { residentId } from "../support/factories";

const AS_OF = "2026-11-27";
const POPULATION = 1000;

interface Generated {
  id: number;
  input: PortraitInput;
  snapshots: { date: string; sec: string; total: string }[];
  trades: { date: string; amount: string }[];
  assessment: {
    riskLevel: RiskLevel;
    horizon: InvestmentHorizon;
    lowest: boolean;
    assessedAt: Date;
    validUntil: Date;
  } | null;
}

function generate(): Generated[] {
  const rnd = prng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const money = (max: number) => new Decimal(Math.floor(rnd() * max * 100)).div(100).toFixed(2);
  const out: Generated[] = [];
  for (let id = 1; id <= POPULATION; id += 1) {
    const type = rnd() < 0.1 ? ClientType.INSTITUTION : ClientType.INDIVIDUAL;
    const tradingSince = rnd() < 0.2 ? null : addDays(AS_OF, -Math.floor(rnd() * 4000));
    const scale = pick([200_000, 800_000, 3_000_000, 20_000_000]);
    const snapshots: Generated["snapshots"] = [];
    const days = Math.floor(rnd() * 26);
    for (let d = 0; d < days; d += 1) {
      const sec = money(scale);
      snapshots.push({
        date: addDays(AS_OF, -d - Math.floor(rnd() * 2) * 30),
        sec,
        total: new Decimal(sec).plus(money(50_000)).toFixed(2),
      });
    }
    // a snapshot after asOf must be ignored
    if (rnd() < 0.1) snapshots.push({ date: addDays(AS_OF, 3), sec: "99999999.00", total: "99999999.00" });
    const uniqueSnapshots = [...new Map(snapshots.map((s) => [s.date, s])).values()];
    const trades: Generated["trades"] = [];
    const nTrades = Math.floor(rnd() * 12);
    for (let t = 0; t < nTrades; t += 1)
      trades.push({ date: addDays(AS_OF, -Math.floor(rnd() * 900)), amount: money(scale) });
    const assessedAt = new Date(Date.parse(`${addDays(AS_OF, -Math.floor(rnd() * 900))}T03:00:00.000Z`));
    const assessment =
      rnd() < 0.15
        ? null
        : {
            riskLevel: pick([RiskLevel.C1, RiskLevel.C2, RiskLevel.C3, RiskLevel.C4, RiskLevel.C5]),
            horizon: pick([InvestmentHorizon.SHORT, InvestmentHorizon.MEDIUM, InvestmentHorizon.LONG]),
            lowest: rnd() < 0.05,
            assessedAt,
            validUntil: new Date(assessedAt.getTime() + 730 * 86_400_000),
          };
    const inYear = trades.filter((t) => t.date > addDays(AS_OF, -365) && t.date <= AS_OF);
    const first = trades.length === 0 ? null : trades.map((t) => t.date).sort()[0];
    const income = rnd() < 0.3 ? null : money(2_000_000);
    const financial = rnd() < 0.3 ? null : money(20_000_000);
    out.push({
      id,
      snapshots: uniqueSnapshots,
      trades,
      assessment,
      input: {
        asOf: AS_OF,
        client: {
          type,
          investorCategory: InvestorCategory.ORDINARY,
          tradingSince,
          annualIncome: income === null ? null : new Decimal(income),
          financialAssets: financial === null ? null : new Decimal(financial),
        },
        assessment: assessment && {
          riskLevel: assessment.riskLevel,
          horizon: assessment.horizon,
          lowestCategory: assessment.lowest,
          assessedAt: assessment.assessedAt,
          validUntil: assessment.validUntil,
        },
        snapshots: uniqueSnapshots.map((s) => ({
          date: s.date,
          securitiesAssets: new Decimal(s.sec),
          totalAssets: new Decimal(s.total),
        })),
        firstTradeDate: first,
        tradeAmount365: inYear.reduce((sum, t) => sum.plus(t.amount), new Decimal(0)),
        marginCallsLast12m: 0,
        defaultsCount: 0,
      },
    });
  }
  return out;
}

describe.each(ENGINES)("bulk portrait refresh on $name (SPEC §3)", (engine) => {
  let db: TestDatabase;
  const population = generate();
  const now = new Date("2026-11-27T09:00:00.000Z");

  beforeAll(async () => {
    db = await engine.create();
    const run = (sql: string, params: unknown[]) => db.ds.query(sql, params);
    const at = sqlInstant(now);
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
        "idNumberBlindIndex",
        "branch",
        "tradingSince",
        "openedAt",
        "annualIncome",
        "financialAssets",
        "createdAt",
        "updatedAt",
        "version",
      ],
      population.map((g) => [
        g.id,
        `B${String(g.id).padStart(8, "0")}`,
        g.input.client.type,
        "ACTIVE",
        "ORDINARY",
        seal("测试"),
        seal(residentId(g.id)),
        idNumberIndex(residentId(g.id)),
        "SH-PUDONG",
        g.input.client.tradingSince,
        "2020-01-01",
        sealMoney(g.input.client.annualIncome),
        sealMoney(g.input.client.financialAssets),
        at,
        at,
        1,
      ]),
    );
    await insertRows(
      run,
      "asset_snapshot",
      ["clientId", "date", "totalAssets", "securitiesAssets", "liabilities", "recordedAt"],
      population.flatMap((g) => g.snapshots.map((s) => [g.id, s.date, s.total, s.sec, "0.00", at])),
    );
    await insertRows(
      run,
      "trade",
      ["clientId", "tradeDate", "symbol", "side", "quantity", "amount", "recordedAt"],
      population.flatMap((g) => g.trades.map((t) => [g.id, t.date, "600000.SH", "BUY", 100, t.amount, at])),
    );
    await insertRows(
      run,
      "risk_assessment",
      [
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
      ],
      population
        .filter((g) => g.assessment !== null)
        .map((g) => [
          g.id,
          "2026-01",
          "[]",
          50,
          g.assessment!.riskLevel,
          g.assessment!.lowest ? 1 : 0,
          g.assessment!.horizon,
          sqlInstant(g.assessment!.assessedAt),
          sqlInstant(g.assessment!.validUntil),
          at,
        ]),
    );
  }, 120_000);

  afterAll(() => db?.drop());

  it(`stores for each of ${POPULATION} clients exactly the portrait the pure computation gives, and the single-client path agrees`, async () => {
    const result = await refreshAllPortraits(db.ds, { asOf: AS_OF, actor: "test", now, batchSize: 137 });
    expect(result.clients).toBe(POPULATION);

    const stored = (await db.ds.query(
      "SELECT p.* FROM `portrait` p JOIN `client` c ON c.`latestPortraitId` = p.`id` ORDER BY p.`clientId`",
    )) as Record<string, unknown>[];
    expect(stored).toHaveLength(POPULATION);
    const mismatches: string[] = [];
    for (const row of stored) {
      const g = population[Number(row.clientId) - 1];
      const want = computePortrait(g.input);
      const got = {
        avg: new Decimal(String(row.avgDailyAssets20d)).toFixed(2),
        days: Number(row.assetDays),
        total: new Decimal(String(row.totalAssets)).toFixed(2),
        months: Number(row.experienceMonths),
        turnover: new Decimal(String(row.annualTurnover)).toFixed(2),
        score: Number(row.creditScore),
        rating: row.creditRating,
        level: row.riskLevel ?? null,
      };
      const expected = {
        avg: want.avgDailyAssets20d.toFixed(2),
        days: want.assetDays,
        total: want.totalAssets.toFixed(2),
        months: want.experienceMonths,
        turnover: want.annualTurnover.toFixed(2),
        score: want.creditScore,
        rating: want.creditRating,
        level: want.riskLevel,
      };
      if (JSON.stringify(got) !== JSON.stringify(expected))
        mismatches.push(`${g.id}: ${JSON.stringify(got)} != ${JSON.stringify(expected)}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);

    // The single-client path gives the same portrait for a sample of clients.
    const refresher = new PortraitRefresher(db.ds);
    for (const id of [1, 2, 137, 138, 500, 999, 1000]) {
      const single = await refresher.refreshOne(id, AS_OF, "test", new Date(now.getTime() + 1000));
      const bulk = stored[id - 1];
      expect(single.avgDailyAssets20d.toFixed(2)).toBe(new Decimal(String(bulk.avgDailyAssets20d)).toFixed(2));
      expect(single.creditScore).toBe(Number(bulk.creditScore));
      expect(single.experienceMonths).toBe(Number(bulk.experienceMonths));
      expect(single.annualTurnover.toFixed(2)).toBe(new Decimal(String(bulk.annualTurnover)).toFixed(2));
    }
  }, 120_000);
});
