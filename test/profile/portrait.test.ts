import Decimal from "decimal.js";
import { ClientType, CreditRating, InvestmentHorizon, InvestorCategory, RiskLevel } from "../../src/domain/enums";
import { isAssessmentValidAt } from "../../src/domain/assessment";
import { addDays, toDateString, wholeMonthsBetween } from "../../src/domain/dates";
import { computePortrait, PortraitInput } from "../../src/services/profile/portrait";
import { computeCreditScore } from "../../src/services/profile/scorecard";

const AS_OF = "2026-03-31";

type Snapshot = PortraitInput["snapshots"][number];
type Assessment = NonNullable<PortraitInput["assessment"]>;

function snapshot(
  date: string,
  securitiesAssets: Decimal.Value,
  totalAssets: Decimal.Value = securitiesAssets,
): Snapshot {
  return { date, securitiesAssets: new Decimal(securitiesAssets), totalAssets: new Decimal(totalAssets) };
}

/** `count` consecutive daily snapshots ending on `lastDate`, oldest first. */
function dailySnapshots(count: number, lastDate: string, securitiesAssets: (i: number) => Decimal.Value): Snapshot[] {
  return Array.from({ length: count }, (_, i) => snapshot(addDays(lastDate, i - count + 1), securitiesAssets(i)));
}

function buildAssessment(overrides: Partial<Assessment> = {}): Assessment {
  return {
    riskLevel: RiskLevel.C4,
    horizon: InvestmentHorizon.MEDIUM,
    lowestCategory: false,
    assessedAt: new Date("2025-06-01T08:00:00Z"),
    validUntil: new Date("2027-06-01T08:00:00Z"),
    ...overrides,
  };
}

function buildPortraitInput(
  overrides: Omit<Partial<PortraitInput>, "client"> & { client?: Partial<PortraitInput["client"]> } = {},
): PortraitInput {
  const { client, ...rest } = overrides;
  return {
    asOf: AS_OF,
    assessment: buildAssessment(),
    snapshots: dailySnapshots(20, AS_OF, () => "1000000"),
    firstTradeDate: "2020-01-15",
    tradeAmount365: new Decimal("3000000"),
    marginCallsLast12m: 0,
    defaultsCount: 0,
    ...rest,
    client: {
      type: ClientType.INDIVIDUAL,
      investorCategory: InvestorCategory.ORDINARY,
      tradingSince: null,
      annualIncome: new Decimal("600000"),
      financialAssets: new Decimal("2000000"),
      ...client,
    },
  };
}

describe("date helpers", () => {
  it.each([
    ["2026-03-31", 1, "2026-04-01"],
    ["2026-03-31", 0, "2026-03-31"],
    ["2024-02-28", 1, "2024-02-29"],
    ["2023-02-28", 1, "2023-03-01"],
    ["2026-12-31", 1, "2027-01-01"],
    ["2026-01-01", -1, "2025-12-31"],
    ["2026-03-31", -365, "2025-03-31"],
    ["2024-12-31", -365, "2024-01-01"],
  ])("addDays(%s, %i) is %s", (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
  });

  it.each(["2026-02-30", "2026-1-01", "2026-13-01", "", "2026-03-31T00:00:00Z"])(
    "addDays refuses %p, which is not a YYYY-MM-DD date",
    (date) => {
      expect(() => addDays(date, 1)).toThrow(RangeError);
    },
  );

  it.each([
    ["2026-03-01T00:00:00.000Z", "2026-03-01"],
    ["2026-03-01T23:59:59.999Z", "2026-03-01"],
    ["2026-03-01T01:00:00+08:00", "2026-02-28"],
  ])("toDateString(%s) is the UTC trading date %s (SPEC §2)", (instant, expected) => {
    expect(toDateString(new Date(instant))).toBe(expected);
  });

  it.each([
    ["2026-01-15", "2026-01-15", 0, "same day"],
    ["2026-01-15", "2026-02-14", 0, "the day before a month is complete"],
    ["2026-01-15", "2026-02-15", 1, "the same day of the next month"],
    ["2026-01-31", "2026-02-28", 0, "Jan 31 to Feb 28: asOf's day of month is before the start's"],
    ["2024-01-31", "2024-02-29", 0, "Jan 31 to Feb 29 in a leap year"],
    ["2026-01-31", "2026-03-01", 1, "Jan 31 to Mar 1"],
    ["2026-01-31", "2026-03-31", 2, "Jan 31 to Mar 31"],
    ["2026-02-28", "2026-03-31", 1, "Feb 28 to Mar 31"],
    ["2024-02-29", "2025-02-28", 11, "a leap day to the next Feb 28"],
    ["2024-02-29", "2025-03-01", 12, "a leap day to the next Mar 1"],
    ["2025-12-31", "2026-01-01", 0, "across a year end"],
    ["2020-06-10", "2026-06-09", 71, "six years less a day"],
    ["2020-06-10", "2026-06-10", 72, "six years"],
    ["2026-04-01", "2026-03-31", 0, "a start after asOf"],
  ])("wholeMonthsBetween(%s, %s) is %i: %s (SPEC §3)", (start, asOf, months) => {
    expect(wholeMonthsBetween(start, asOf)).toBe(months);
  });
});

describe("computePortrait input", () => {
  it.each(["2026-3-31", "2026-03-32", "31/03/2026"])("refuses asOf %p, which is not a YYYY-MM-DD date", (asOf) => {
    expect(() => computePortrait(buildPortraitInput({ asOf, assessment: null, firstTradeDate: null }))).toThrow(
      RangeError,
    );
  });
});

describe("avgDailyAssets20d and assetDays (SPEC §3)", () => {
  it.each([
    ["20 snapshots of 1,000,000", dailySnapshots(20, AS_OF, () => "1000000"), "1000000.00", 20],
    ["no snapshots", [], "0.00", 0],
    ["5 snapshots of 100", dailySnapshots(5, AS_OF, () => "100"), "25.00", 5],
    ["1 snapshot of 2,000,000", [snapshot(AS_OF, "2000000")], "100000.00", 1],
  ])("avgDailyAssets20d counts a missing day as zero: %s (SPEC §3)", (_name, snapshots, avg, days) => {
    const portrait = computePortrait(buildPortraitInput({ snapshots }));
    expect(portrait.avgDailyAssets20d.toFixed(2)).toBe(avg);
    expect(portrait.assetDays).toBe(days);
  });

  it("avgDailyAssets20d uses only the last 20 snapshots dated on or before asOf (SPEC §3)", () => {
    // Values 1..25 on consecutive days ending on asOf, and one later snapshot that must be ignored.
    const snapshots = [...dailySnapshots(25, AS_OF, (i) => i + 1), snapshot(addDays(AS_OF, 1), "1000000")];
    const portrait = computePortrait(buildPortraitInput({ snapshots }));
    // (6 + … + 25) / 20 = 310 / 20
    expect(portrait.avgDailyAssets20d.toFixed(2)).toBe("15.50");
    expect(portrait.assetDays).toBe(20);
  });

  it("avgDailyAssets20d takes the last 20 snapshots, not the last 20 calendar days (SPEC §3)", () => {
    const snapshots = [snapshot("2025-01-02", "400"), snapshot("2026-03-02", "400")];
    const portrait = computePortrait(buildPortraitInput({ snapshots }));
    expect(portrait.avgDailyAssets20d.toFixed(2)).toBe("40.00");
    expect(portrait.assetDays).toBe(2);
  });

  it("avgDailyAssets20d does not depend on the order snapshots arrive in (SPEC §3)", () => {
    const snapshots = dailySnapshots(25, AS_OF, (i) => i + 1);
    const shuffled = [...snapshots.slice(10), ...snapshots.slice(0, 10).reverse()];
    expect(computePortrait(buildPortraitInput({ snapshots: shuffled })).avgDailyAssets20d.toFixed(2)).toBe("15.50");
  });

  it("a second snapshot for a date replaces the first (SPEC §3)", () => {
    const snapshots = [snapshot(AS_OF, "100"), snapshot(AS_OF, "300")];
    const portrait = computePortrait(buildPortraitInput({ snapshots }));
    expect(portrait.avgDailyAssets20d.toFixed(2)).toBe("15.00");
    expect(portrait.assetDays).toBe(1);
  });

  it.each([
    ["0.10", "0.01", "0.005 rounds half-up, not to even"],
    ["0.30", "0.02", "0.015"],
    ["0.09", "0.00", "0.0045 rounds down"],
    ["0.11", "0.01", "0.0055 rounds up"],
    ["123456.70", "6172.84", "6172.835 rounds up"],
  ])("avgDailyAssets20d rounds half-up to 2 dp: a sum of %s averages %s, %s (SPEC §3)", (sum, avg) => {
    const portrait = computePortrait(buildPortraitInput({ snapshots: [snapshot(AS_OF, sum)] }));
    expect(portrait.avgDailyAssets20d.toFixed()).toBe(new Decimal(avg).toFixed());
  });
});

describe("totalAssets (SPEC §3)", () => {
  it.each([
    ["the latest snapshot on or before asOf", [snapshot("2026-03-30", 1, 500), snapshot(AS_OF, 1, 700)], "700"],
    ["not a later one", [snapshot("2026-03-30", 1, 500), snapshot(addDays(AS_OF, 1), 1, 900)], "500"],
    ["the latest, whatever the input order", [snapshot(AS_OF, 1, 700), snapshot("2026-03-30", 1, 500)], "700"],
    ["0 if none", [snapshot(addDays(AS_OF, 1), 1, 900)], "0"],
  ])("totalAssets is the totalAssets of %s (SPEC §3)", (_name, snapshots, total) => {
    expect(computePortrait(buildPortraitInput({ snapshots })).totalAssets.toFixed()).toBe(total);
  });
});

describe("experienceMonths (SPEC §3)", () => {
  it.each([
    ["tradingSince alone", "2024-03-31", null, 24],
    ["the first trade alone", null, "2025-03-31", 12],
    ["the earlier: tradingSince", "2021-03-31", "2025-03-31", 60],
    ["the earlier: the first trade", "2025-03-31", "2021-04-01", 59],
    ["neither: 0", null, null, 0],
    ["a start after asOf: 0", null, "2026-04-01", 0],
    ["a start on asOf: 0", AS_OF, null, 0],
  ])("experienceMonths counts whole months from %s (SPEC §3)", (_name, tradingSince, firstTradeDate, months) => {
    const portrait = computePortrait(buildPortraitInput({ client: { tradingSince }, firstTradeDate }));
    expect(portrait.experienceMonths).toBe(months);
  });
});

describe("annualTurnover (SPEC §3)", () => {
  const avg300 = dailySnapshots(20, AS_OF, () => "300");
  const avg200 = dailySnapshots(20, AS_OF, () => "200");
  const avg1 = dailySnapshots(20, AS_OF, () => "1");

  it.each([
    ["1000 / 300", avg300, "1000", "3.33"],
    ["1001.5 / 300", avg300, "1001.5", "3.34"],
    ["1 / 200 = 0.005, half-up", avg200, "1", "0.01"],
    ["0.99 / 200 = 0.00495", avg200, "0.99", "0"],
    ["0 / 300", avg300, "0", "0"],
    ["9000 / 300", avg300, "9000", "30"],
    // Rounded to 20 significant digits first, this would become 0.005 and then 0.01.
    ["a quotient just under a half", avg1, "0.0049999999999999999999999", "0"],
  ])(
    "annualTurnover is trade amount over avgDailyAssets20d, 2 dp half-up: %s (SPEC §3)",
    (_n, snapshots, amount, t) => {
      const portrait = computePortrait(buildPortraitInput({ snapshots, tradeAmount365: new Decimal(amount) }));
      expect(portrait.annualTurnover.toFixed()).toBe(t);
    },
  );

  it("annualTurnover is 0 when avgDailyAssets20d is 0 (SPEC §3)", () => {
    const portrait = computePortrait(buildPortraitInput({ snapshots: [], tradeAmount365: new Decimal("50000") }));
    expect(portrait.annualTurnover.toFixed()).toBe("0");
  });

  it("annualTurnover divides by the rounded average the portrait shows (SPEC §3)", () => {
    // Sum 0.10 → average 0.005 → shown as 0.01; 1 / 0.01 = 100.
    const portrait = computePortrait(
      buildPortraitInput({ snapshots: [snapshot(AS_OF, "0.10")], tradeAmount365: new Decimal(1) }),
    );
    expect(portrait.annualTurnover.toFixed()).toBe("100");
  });

  it("results are plain Decimals: further arithmetic uses the default precision and rounding", () => {
    const portrait = computePortrait(buildPortraitInput());
    expect(portrait.avgDailyAssets20d.constructor).toBe(Decimal);
    expect(portrait.annualTurnover.constructor).toBe(Decimal);
  });
});

describe("riskLevel, horizon and lowestCategory from the latest assessment valid at asOf (SPEC §3)", () => {
  const startOfAsOf = new Date(`${AS_OF}T00:00:00.000Z`);
  const endOfAsOf = new Date(`${AS_OF}T23:59:59.999Z`);

  it.each([
    ["an assessment valid all day", buildAssessment(), true],
    ["one made late on asOf", buildAssessment({ assessedAt: endOfAsOf }), true],
    ["one made the day after asOf", buildAssessment({ assessedAt: new Date("2026-04-01T00:00:00.000Z") }), false],
    ["one lapsing during asOf", buildAssessment({ validUntil: new Date(`${AS_OF}T10:00:00Z`) }), true],
    ["one lapsing at the start of asOf", buildAssessment({ validUntil: startOfAsOf }), false],
    ["one lapsing the day before", buildAssessment({ validUntil: new Date("2026-03-30T12:00:00Z") }), false],
  ])("%s counts: %p (SPEC §3)", (_name, assessment, counts) => {
    const portrait = computePortrait(buildPortraitInput({ assessment }));
    expect(portrait.riskLevel).toBe(counts ? RiskLevel.C4 : null);
    expect(portrait.horizon).toBe(counts ? InvestmentHorizon.MEDIUM : null);
  });

  it("riskLevel and horizon are null when there is no assessment (SPEC §3)", () => {
    const portrait = computePortrait(buildPortraitInput({ assessment: null }));
    expect(portrait).toMatchObject({ riskLevel: null, horizon: null, lowestCategory: false });
  });

  it("lowestCategory comes from the valid assessment, and not from an expired one (SPEC §3)", () => {
    const lowest = buildAssessment({ riskLevel: RiskLevel.C1, lowestCategory: true });
    expect(computePortrait(buildPortraitInput({ assessment: lowest })).lowestCategory).toBe(true);
    const expired = { ...lowest, validUntil: startOfAsOf };
    expect(computePortrait(buildPortraitInput({ assessment: expired })).lowestCategory).toBe(false);
  });

  it.each([
    ["a millisecond before validUntil", new Date("2027-06-01T07:59:59.999Z"), true],
    ["at validUntil", new Date("2027-06-01T08:00:00.000Z"), false],
    ["after validUntil", new Date("2028-01-01T00:00:00.000Z"), false],
  ])("isAssessmentValidAt %s: %p (SPEC §3 validUntil = assessedAt + ASSESSMENT_VALIDITY_DAYS)", (_n, at, valid) => {
    expect(isAssessmentValidAt(buildAssessment(), at)).toBe(valid);
  });
});

describe("professionalEligible (SPEC §3)", () => {
  const individual = ClientType.INDIVIDUAL;
  const institution = ClientType.INSTITUTION;
  const months24 = "2024-03-31";
  const months23 = "2024-04-01";

  it.each([
    ["individual, financialAssets 5,000,000, 24 months", individual, "5000000", null, months24, true],
    ["individual, financialAssets 4,999,999.99, 24 months", individual, "4999999.99", null, months24, false],
    ["individual, annualIncome 500,000, 24 months", individual, null, "500000", months24, true],
    ["individual, annualIncome 499,999.99, 24 months", individual, "4999999.99", "499999.99", months24, false],
    ["individual, both high, 23 months", individual, "9000000", "900000", months23, false],
    ["individual, neither known, 24 months", individual, null, null, months24, false],
    ["institution, financialAssets 10,000,000, 24 months", institution, "10000000", null, months24, true],
    ["institution, financialAssets 9,999,999.99, 24 months", institution, "9999999.99", null, months24, false],
    ["institution, financialAssets 10,000,000, 23 months", institution, "10000000", null, months23, false],
    ["institution, income alone does not count", institution, "5000000", "5000000", months24, false],
    ["institution, financialAssets unknown", institution, null, "5000000", months24, false],
  ])("%s: %p (SPEC §3)", (_name, type, financialAssets, annualIncome, tradingSince, eligible) => {
    const portrait = computePortrait(
      buildPortraitInput({
        firstTradeDate: null,
        client: {
          type,
          tradingSince,
          financialAssets: financialAssets === null ? null : new Decimal(financialAssets),
          annualIncome: annualIncome === null ? null : new Decimal(annualIncome),
        },
      }),
    );
    expect(portrait.professionalEligible).toBe(eligible);
  });
});

describe("credit fields of the portrait (SPEC §3)", () => {
  it("creditScore, creditRating and creditFactors are the scorecard of the portrait's own values (SPEC §3)", () => {
    const portrait = computePortrait(buildPortraitInput({ marginCallsLast12m: 1, defaultsCount: 0 }));
    expect({ score: portrait.creditScore, rating: portrait.creditRating, factors: portrait.creditFactors }).toEqual(
      computeCreditScore({
        avgDailyAssets20d: portrait.avgDailyAssets20d,
        experienceMonths: portrait.experienceMonths,
        annualIncome: portrait.annualIncome,
        annualTurnover: portrait.annualTurnover,
        marginCallsLast12m: portrait.marginCallsLast12m,
        defaultsCount: portrait.defaultsCount,
      }),
    );
  });

  it("computes a whole portrait from raw data (SPEC §3)", () => {
    const portrait = computePortrait(buildPortraitInput({ marginCallsLast12m: 1 }));
    expect(portrait).toEqual({
      asOf: AS_OF,
      riskLevel: RiskLevel.C4,
      horizon: InvestmentHorizon.MEDIUM,
      lowestCategory: false,
      avgDailyAssets20d: new Decimal("1000000"),
      assetDays: 20,
      totalAssets: new Decimal("1000000"),
      financialAssets: new Decimal("2000000"),
      annualIncome: new Decimal("600000"),
      experienceMonths: 74,
      annualTurnover: new Decimal("3"),
      marginCallsLast12m: 1,
      defaultsCount: 0,
      creditScore: 18 + 20 + 12 + 10 + 8 + 10,
      creditRating: CreditRating.A,
      creditFactors: [
        { name: "avgDailyAssets20d", value: "1000000.00", points: 18 },
        { name: "experienceMonths", value: "74", points: 20 },
        { name: "annualIncome", value: "≥500000.00", points: 12 },
        { name: "annualTurnover", value: "3", points: 10 },
        { name: "marginCallsLast12m", value: "1", points: 8 },
        { name: "defaultsCount", value: "0", points: 10 },
      ],
      professionalEligible: true,
    });
  });

  it("a default caps the portrait's rating at B (SPEC §3)", () => {
    const portrait = computePortrait(
      buildPortraitInput({
        snapshots: dailySnapshots(20, AS_OF, () => "20000000"),
        client: { annualIncome: new Decimal("2000000") },
        defaultsCount: 1,
      }),
    );
    expect(portrait.creditScore).toBe(90);
    expect(portrait.creditRating).toBe(CreditRating.B);
  });
});
