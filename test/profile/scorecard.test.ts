import Decimal from "decimal.js";
import { CreditRating } from "../../src/domain/enums";
import { computeCreditScore, isDowngrade, ratingForScore, ScorecardInput } from "../../src/services/profile/scorecard";

/** A client scoring the top of every factor: 100 points. */
function buildScorecardInput(overrides: Partial<ScorecardInput> = {}): ScorecardInput {
  return {
    avgDailyAssets20d: new Decimal("10000000"),
    experienceMonths: 60,
    annualIncome: new Decimal("1000000"),
    annualTurnover: new Decimal("0"),
    marginCallsLast12m: 0,
    defaultsCount: 0,
    ...overrides,
  };
}

function factor(input: Partial<ScorecardInput>, name: string) {
  return computeCreditScore(buildScorecardInput(input)).factors.find((f) => f.name === name)!;
}

describe("credit scorecard factors, both sides of every threshold (SPEC §3)", () => {
  it.each([
    ["10000000.00", 30],
    ["9999999.99", 25],
    ["5000000.00", 25],
    ["4999999.99", 18],
    ["1000000.00", 18],
    ["999999.99", 10],
    ["500000.00", 10],
    ["499999.99", 0],
    ["0.00", 0],
  ])("avgDailyAssets20d %s scores %i (SPEC §3: ≥10M 30 · ≥5M 25 · ≥1M 18 · ≥500k 10)", (value, points) => {
    expect(factor({ avgDailyAssets20d: new Decimal(value) }, "avgDailyAssets20d")).toEqual({
      name: "avgDailyAssets20d",
      value,
      points,
    });
  });

  it.each([
    [120, 20],
    [60, 20],
    [59, 15],
    [24, 15],
    [23, 10],
    [12, 10],
    [11, 5],
    [6, 5],
    [5, 0],
    [0, 0],
  ])("experienceMonths %i scores %i (SPEC §3: ≥60 20 · ≥24 15 · ≥12 10 · ≥6 5)", (months, points) => {
    expect(factor({ experienceMonths: months }, "experienceMonths")).toEqual({
      name: "experienceMonths",
      value: String(months),
      points,
    });
  });

  it.each([
    ["1000000.00", 15, "≥1000000.00"],
    ["999999.99", 12, "≥500000.00"],
    ["500000.00", 12, "≥500000.00"],
    ["499999.99", 8, "≥300000.00"],
    ["300000.00", 8, "≥300000.00"],
    ["299999.99", 4, "≥100000.00"],
    ["100000.00", 4, "≥100000.00"],
    ["99999.99", 0, "<100000.00"],
    ["0.00", 0, "<100000.00"],
  ])(
    "annualIncome %s scores %i, shown as its band %s, never the amount (SPEC §3; personal data, SPEC §11 and §14)",
    (value, points, band) => {
      expect(factor({ annualIncome: new Decimal(value) }, "annualIncome")).toEqual({
        name: "annualIncome",
        value: band,
        points,
      });
    },
  );

  it("unknown annualIncome scores 0 and shows as unknown (SPEC §3)", () => {
    expect(factor({ annualIncome: null }, "annualIncome")).toEqual({
      name: "annualIncome",
      value: "unknown",
      points: 0,
    });
  });

  it.each([
    ["0", 10],
    ["5", 10],
    ["5.01", 6],
    ["20", 6],
    ["20.01", 2],
    ["350.5", 2],
  ])("annualTurnover %s scores %i (SPEC §3: ≤5 10 · ≤20 6 · else 2)", (value, points) => {
    expect(factor({ annualTurnover: new Decimal(value) }, "annualTurnover")).toEqual({
      name: "annualTurnover",
      value,
      points,
    });
  });

  it.each([
    [0, 15],
    [1, 8],
    [2, 3],
    [3, 0],
    [12, 0],
  ])("marginCallsLast12m %i scores %i (SPEC §3: 0 → 15 · 1 → 8 · 2 → 3 · else 0)", (calls, points) => {
    expect(factor({ marginCallsLast12m: calls }, "marginCallsLast12m")).toEqual({
      name: "marginCallsLast12m",
      value: String(calls),
      points,
    });
  });

  it.each([
    [0, 10],
    [1, 0],
    [4, 0],
  ])("defaultsCount %i scores %i (SPEC §3: 0 → 10 · else 0)", (defaults, points) => {
    expect(factor({ defaultsCount: defaults }, "defaultsCount")).toEqual({
      name: "defaultsCount",
      value: String(defaults),
      points,
    });
  });

  it("money factor values show 2 dp, rounded half-up (SPEC §3)", () => {
    expect(factor({ avgDailyAssets20d: new Decimal("1234.5") }, "avgDailyAssets20d").value).toBe("1234.50");
  });
});

describe("computeCreditScore totals (SPEC §3)", () => {
  it("lists one factor per line of the table, in table order (SPEC §3)", () => {
    expect(computeCreditScore(buildScorecardInput()).factors.map((f) => f.name)).toEqual([
      "avgDailyAssets20d",
      "experienceMonths",
      "annualIncome",
      "annualTurnover",
      "marginCallsLast12m",
      "defaultsCount",
    ]);
  });

  it.each([
    ["the best client", {}, 100, CreditRating.AAA],
    [
      "the worst client",
      {
        avgDailyAssets20d: new Decimal(0),
        experienceMonths: 0,
        annualIncome: null,
        annualTurnover: new Decimal(100),
        marginCallsLast12m: 5,
        defaultsCount: 2,
      },
      2,
      CreditRating.C,
    ],
    [
      "a mid client",
      {
        avgDailyAssets20d: new Decimal("2000000"),
        experienceMonths: 30,
        annualIncome: new Decimal("400000"),
        annualTurnover: new Decimal("8"),
        marginCallsLast12m: 1,
      },
      18 + 15 + 8 + 6 + 8 + 10,
      CreditRating.BBB,
    ],
    ["a best client who has defaulted", { defaultsCount: 1 }, 90, CreditRating.B],
  ] as [string, Partial<ScorecardInput>, number, CreditRating][])(
    "the score of %s is the sum of the factors' points (SPEC §3)",
    (_name, overrides, score, rating) => {
      const result = computeCreditScore(buildScorecardInput(overrides));
      expect(result.score).toBe(score);
      expect(result.factors.reduce((sum, f) => sum + f.points, 0)).toBe(score);
      expect(result.rating).toBe(rating);
    },
  );
});

describe("ratingForScore (SPEC §3)", () => {
  it.each([
    [100, CreditRating.AAA],
    [90, CreditRating.AAA],
    [89, CreditRating.AA],
    [80, CreditRating.AA],
    [79, CreditRating.A],
    [70, CreditRating.A],
    [69, CreditRating.BBB],
    [60, CreditRating.BBB],
    [59, CreditRating.BB],
    [50, CreditRating.BB],
    [49, CreditRating.B],
    [40, CreditRating.B],
    [39, CreditRating.C],
    [0, CreditRating.C],
  ])("score %i rates %s (SPEC §3 bands AAA ≥ 90 … B ≥ 40, C below)", (score, rating) => {
    expect(ratingForScore(score, 0)).toBe(rating);
  });

  it.each([
    [100, 1, CreditRating.B],
    [90, 1, CreditRating.B],
    [50, 3, CreditRating.B],
    [40, 1, CreditRating.B],
    [39, 1, CreditRating.C],
    [0, 1, CreditRating.C],
  ])("a default caps the rating at B: score %i with %i defaults rates %s (SPEC §3)", (score, defaults, rating) => {
    expect(ratingForScore(score, defaults)).toBe(rating);
  });

  it.each([-1, 101, 50.5])("refuses a score of %p outside the whole numbers 0–100", (score) => {
    expect(() => ratingForScore(score, 0)).toThrow(RangeError);
  });
});

describe("isDowngrade: a rating lower than the previous portrait's (SPEC §3)", () => {
  it.each([
    [null, CreditRating.C, false],
    [null, CreditRating.AAA, false],
    [CreditRating.AAA, CreditRating.AA, true],
    [CreditRating.AA, CreditRating.AAA, false],
    [CreditRating.BBB, CreditRating.BBB, false],
    [CreditRating.BBB, CreditRating.BB, true],
    [CreditRating.B, CreditRating.C, true],
    [CreditRating.C, CreditRating.B, false],
    [CreditRating.AAA, CreditRating.C, true],
  ])("from %p to %s is a downgrade: %p (SPEC §3)", (previous, next, expected) => {
    expect(isDowngrade(previous, next)).toBe(expected);
  });
});
