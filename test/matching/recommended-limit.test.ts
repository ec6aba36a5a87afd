import { CreditRating } from "../../src/domain/enums";
import { creditCoefficient, recommendedLimit } from "../../src/services/matching";
import { productDef, fitSubject, d } from "../support/factories/matching";

describe("creditCoefficient (SPEC §4)", () => {
  it.each([
    [CreditRating.AAA, "2"],
    [CreditRating.AA, "1.5"],
    [CreditRating.A, "1.2"],
    [CreditRating.BBB, "1"],
    [CreditRating.BB, "0.8"],
    [CreditRating.B, "0.5"],
    [CreditRating.C, "0"],
  ])("%s -> %s", (rating, coefficient) => {
    expect(creditCoefficient(rating).toString()).toBe(coefficient);
  });
});

describe("recommendedLimit = min(maxLimit, floor10000(avg × coef) − open limits), never below 0 (SPEC §4)", () => {
  it.each([
    // [case, avg, rating, maxLimit, open limits, expected]
    ["A: 3,200,000 × 1.2", "3200000", CreditRating.A, "5000000", "0", "3840000.00"],
    ["floors to 10,000: 1,234,567.89 × 1.0", "1234567.89", CreditRating.BBB, "5000000", "0", "1230000.00"],
    ["floors after the coefficient: 12,499.99 × 0.8 = 9,999.99", "12499.99", CreditRating.BB, "5000000", "0", "0.00"],
    ["subtracts open limits after the floor", "1234567.89", CreditRating.BBB, "5000000", "230000.50", "999999.50"],
    ["caps at maxLimit", "10000000", CreditRating.AAA, "5000000", "0", "5000000.00"],
    ["caps at maxLimit even after open limits", "10000000", CreditRating.AAA, "5000000", "1000000", "5000000.00"],
    ["never below 0 when open limits exceed capacity", "1000000", CreditRating.BBB, "5000000", "2500000", "0.00"],
    ["rating C borrows nothing", "50000000", CreditRating.C, "5000000", "0", "0.00"],
    ["no assets, no limit", "0", CreditRating.AAA, "5000000", "0", "0.00"],
  ])("%s", (_name, avg, creditRating, maxLimit, open, expected) => {
    const subject = fitSubject({ avgDailyAssets20d: d(avg), creditRating });
    const limit = recommendedLimit(subject, productDef({ maxLimit: d(maxLimit) }), d(open));
    expect(limit.toFixed(2)).toBe(expected);
  });
});
