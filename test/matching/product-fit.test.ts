import {
  ClientStatus,
  ClientType,
  CreditRating,
  FitCode,
  InvestmentHorizon,
  InvestorCategory,
  ProductRiskLevel,
  RiskLevel,
} from "../../src/domain/enums";
import { productFit, productFits } from "../../src/services/matching";
import type { FitReason, FitSubject, ProductDef, ProductFitContext } from "../../src/services/matching";
import { fitContext, productDef, fitSubject, d } from "../support/factories/matching";

const CHECK_ORDER = [
  FitCode.CLIENT_STATUS,
  FitCode.ASSESSMENT_VALID,
  FitCode.LOWEST_CATEGORY,
  FitCode.SUITABILITY,
  FitCode.MIN_ASSETS,
  FitCode.MIN_EXPERIENCE,
  FitCode.CREDIT_RATING,
  FitCode.CLIENT_TYPE,
  FitCode.INVESTOR_CATEGORY,
  FitCode.SEGMENT,
  FitCode.LIMIT_RANGE,
];

const blockerCodes = (fit: { blockers: { code: FitCode }[] }) => fit.blockers.map((b) => b.code);
const reason = (fit: { reasons: FitReason[] }, code: FitCode) => fit.reasons.find((r) => r.code === code);

describe("productFit checks (SPEC §4)", () => {
  it("the baseline subject is eligible: all eleven checks reported in SPEC order, none blocking", () => {
    const fit = productFit(fitSubject(), productDef(), fitContext());
    expect(fit.reasons.map((r) => r.code)).toEqual(CHECK_ORDER);
    expect(fit.reasons.every((r) => r.passed)).toBe(true);
    expect(fit.blockers).toEqual([]);
    expect(fit.eligible).toBe(true);
    expect(fit.recommendedLimit?.toFixed(2)).toBe("3840000.00");
  });

  type Case = [string, Partial<FitSubject>, Parameters<typeof productDef>[0], ProductFitContext, FitCode[]];
  it.each<Case>([
    [
      "CLIENT_STATUS: a RESTRICTED client",
      { clientStatus: ClientStatus.RESTRICTED },
      {},
      fitContext(),
      [FitCode.CLIENT_STATUS],
    ],
    [
      "CLIENT_STATUS: a CLOSED client",
      { clientStatus: ClientStatus.CLOSED },
      {},
      fitContext(),
      [FitCode.CLIENT_STATUS],
    ],
    // An expired assessment also leaves no valid level, so SUITABILITY fails with it.
    [
      "ASSESSMENT_VALID: an expired assessment",
      { assessmentValid: false },
      {},
      fitContext(),
      [FitCode.ASSESSMENT_VALID, FitCode.SUITABILITY],
    ],
    [
      "LOWEST_CATEGORY: a lowest-category investor and an R3 product",
      { lowestCategory: true },
      {},
      fitContext(),
      [FitCode.LOWEST_CATEGORY],
    ],
    ["SUITABILITY: C2 for an R3 product", { riskLevel: RiskLevel.C2 }, {}, fitContext(), [FitCode.SUITABILITY]],
    ["SUITABILITY: no risk level", { riskLevel: null }, {}, fitContext(), [FitCode.SUITABILITY]],
    [
      "MIN_ASSETS: avg below the minimum",
      { avgDailyAssets20d: d("999999.99") },
      {},
      fitContext(),
      [FitCode.MIN_ASSETS],
    ],
    ["MIN_EXPERIENCE: 11 of 12 months", { experienceMonths: 11 }, {}, fitContext(), [FitCode.MIN_EXPERIENCE]],
    ["CREDIT_RATING: BB below BBB", { creditRating: CreditRating.BB }, {}, fitContext(), [FitCode.CREDIT_RATING]],
    [
      "CLIENT_TYPE: an individual for an institution-only product",
      {},
      { eligibility: { clientTypes: [ClientType.INSTITUTION] } },
      fitContext(),
      [FitCode.CLIENT_TYPE],
    ],
    [
      "INVESTOR_CATEGORY: an ordinary investor for a professional-only product",
      {},
      { eligibility: { professionalOnly: true } },
      fitContext(),
      [FitCode.INVESTOR_CATEGORY],
    ],
    ["SEGMENT: segment C for a product offered to A and B", {}, {}, fitContext("C"), [FitCode.SEGMENT]],
    ["SEGMENT: no segment for a product offered to A and B", {}, {}, fitContext(null), [FitCode.SEGMENT]],
    ["LIMIT_RANGE: open limits leave 40,000 < 100,000", {}, {}, fitContext("B", "3800000"), [FitCode.LIMIT_RANGE]],
  ])("%s blocks eligibility (SPEC §4)", (_name, subject, product, ctx, expected) => {
    const fit = productFit(fitSubject(subject), productDef(product), ctx);
    expect(blockerCodes(fit)).toEqual(expected);
    expect(fit.reasons.map((r) => r.code)).toEqual(CHECK_ORDER);
    expect(fit.eligible).toBe(false);
    expect(fit.score).toBe(0);
    expect(fit.recommendedLimit).toBeNull();
  });

  it("blockers are exactly the failed reasons, in check order (SPEC §4)", () => {
    const subject = fitSubject({
      clientStatus: ClientStatus.RESTRICTED,
      creditRating: CreditRating.C,
      experienceMonths: 0,
    });
    const fit = productFit(subject, productDef(), fitContext(null));
    expect(fit.blockers).toEqual(fit.reasons.filter((r) => !r.passed));
    expect(blockerCodes(fit)).toEqual([
      FitCode.CLIENT_STATUS,
      FitCode.MIN_EXPERIENCE,
      FitCode.CREDIT_RATING,
      FitCode.SEGMENT,
      FitCode.LIMIT_RANGE,
    ]);
  });

  it("unset product criteria are still reported, passed, without a requirement (SPEC §4)", () => {
    const fit = productFit(fitSubject(), productDef({ segmentCodes: [] }), fitContext(null));
    expect(fit.eligible).toBe(true);
    for (const code of [FitCode.CLIENT_TYPE, FitCode.INVESTOR_CATEGORY, FitCode.SEGMENT]) {
      expect(reason(fit, code)).toMatchObject({ passed: true, required: null });
    }
  });

  it("LIMIT_RANGE reports the recommended limit against the minimum (SPEC §4)", () => {
    const fit = productFit(fitSubject(), productDef(), fitContext("B", "3800000"));
    expect(reason(fit, FitCode.LIMIT_RANGE)).toEqual({
      code: FitCode.LIMIT_RANGE,
      passed: false,
      message: "recommended limit 40,000.00 < minimum 100,000.00",
      required: ">= 100000.00",
      actual: "40000.00",
    });
  });

  it("LIMIT_RANGE is inclusive: a recommended limit equal to minLimit passes (SPEC §4)", () => {
    const fit = productFit(fitSubject(), productDef({ minLimit: d("40000") }), fitContext("B", "3800000"));
    expect(fit.eligible).toBe(true);
    expect(fit.recommendedLimit?.toFixed(2)).toBe("40000.00");
  });

  it("openLimitsExcluding is asked for the product being matched (SPEC §4: other products only)", () => {
    const asked: string[] = [];
    const ctx: ProductFitContext = {
      segmentCode: "B",
      openLimitsExcluding: (code) => {
        asked.push(code);
        return d(0);
      },
    };
    productFit(fitSubject(), productDef({ code: "P-42" }), ctx);
    expect(asked).toEqual(["P-42"]);
  });

  it("returns the caller's product object unchanged (generic)", () => {
    const rich = { ...productDef(), name: "Standard margin", annualRate: d("0.0835") };
    const fit = productFit(fitSubject(), rich, fitContext());
    expect(fit.product).toBe(rich);
    expect(fit.product.name).toBe("Standard margin");
  });
});

describe("SUITABILITY: level index >= product index (SPEC §4)", () => {
  it.each([
    [ProductRiskLevel.R1, true],
    [ProductRiskLevel.R2, true],
    [ProductRiskLevel.R3, true],
    [ProductRiskLevel.R4, true],
    [ProductRiskLevel.R5, false],
  ])("C4 and a %s product: passes=%s", (riskLevel, passed) => {
    const fit = productFit(fitSubject({ riskLevel: RiskLevel.C4 }), productDef({ riskLevel }), fitContext());
    expect(reason(fit, FitCode.SUITABILITY)?.passed).toBe(passed);
  });

  it("reports the level needed and the client's level", () => {
    const fit = productFit(fitSubject({ riskLevel: RiskLevel.C2 }), productDef(), fitContext());
    expect(reason(fit, FitCode.SUITABILITY)).toEqual({
      code: FitCode.SUITABILITY,
      passed: false,
      message: "risk level C2 may not take R3 (needs at least C3)",
      required: "at least C3",
      actual: "C2",
    });
  });

  it("a level from an expired assessment is not a valid level", () => {
    const fit = productFit(fitSubject({ riskLevel: RiskLevel.C5, assessmentValid: false }), productDef(), fitContext());
    expect(reason(fit, FitCode.SUITABILITY)).toMatchObject({ passed: false, actual: null });
  });
});

describe("LOWEST_CATEGORY: a lowest-category investor may take only R1 (SPEC §4)", () => {
  const lowest = fitSubject({ lowestCategory: true, riskLevel: RiskLevel.C1 });

  it("an R1 product passes", () => {
    const fit = productFit(lowest, productDef({ riskLevel: ProductRiskLevel.R1 }), fitContext());
    expect(fit.eligible).toBe(true);
    expect(reason(fit, FitCode.LOWEST_CATEGORY)).toMatchObject({ passed: true, required: "R1", actual: "R1" });
  });

  it("an R2 product fails LOWEST_CATEGORY (and SUITABILITY, C1 < R2)", () => {
    const fit = productFit(lowest, productDef({ riskLevel: ProductRiskLevel.R2 }), fitContext());
    expect(blockerCodes(fit)).toEqual([FitCode.LOWEST_CATEGORY, FitCode.SUITABILITY]);
    expect(reason(fit, FitCode.LOWEST_CATEGORY)).toMatchObject({ passed: false, required: "R1", actual: "R2" });
  });
});

describe("professional exemptions (SPEC §4)", () => {
  // Fails every check from 2 to 6 when it applies.
  const failing2to6: Partial<FitSubject> = {
    investorCategory: InvestorCategory.PROFESSIONAL,
    assessmentValid: false,
    lowestCategory: true,
    riskLevel: null,
    avgDailyAssets20d: d("900000"),
    experienceMonths: 3,
  };
  const exemptMessages = (fit: ReturnType<typeof productFit>, codes: FitCode[]) =>
    codes.map((code) => reason(fit, code)?.message.split(":")[0]);

  it("PROFESSIONAL individuals pass ASSESSMENT_VALID, LOWEST_CATEGORY, SUITABILITY but not MIN_ASSETS, MIN_EXPERIENCE", () => {
    const subject = fitSubject({ ...failing2to6, clientType: ClientType.INDIVIDUAL });
    const fit = productFit(subject, productDef(), fitContext());
    expect(blockerCodes(fit)).toEqual([FitCode.MIN_ASSETS, FitCode.MIN_EXPERIENCE]);
    const exempt = [FitCode.ASSESSMENT_VALID, FitCode.LOWEST_CATEGORY, FitCode.SUITABILITY];
    expect(exemptMessages(fit, exempt)).toEqual(Array(3).fill("exempt (professional investor)"));
    expect(reason(fit, FitCode.SUITABILITY)).toMatchObject({ passed: true, required: "at least C3", actual: null });
  });

  it("PROFESSIONAL institutions also pass MIN_ASSETS and MIN_EXPERIENCE, still reported with the gap", () => {
    const subject = fitSubject({ ...failing2to6, clientType: ClientType.INSTITUTION });
    const fit = productFit(subject, productDef(), fitContext());
    expect(fit.eligible).toBe(true);
    expect(fit.reasons.map((r) => r.code)).toEqual(CHECK_ORDER);
    expect(exemptMessages(fit, [FitCode.MIN_ASSETS, FitCode.MIN_EXPERIENCE])).toEqual([
      "exempt (professional institution)",
      "exempt (professional institution)",
    ]);
    expect(reason(fit, FitCode.MIN_ASSETS)).toEqual({
      code: FitCode.MIN_ASSETS,
      passed: true,
      message: "exempt (professional institution): avg assets 900,000.00 < 1,000,000.00",
      required: ">= 1000000.00",
      actual: "900000.00",
    });
  });

  it("ORDINARY institutions get no exemption", () => {
    const subject = fitSubject({
      ...failing2to6,
      clientType: ClientType.INSTITUTION,
      investorCategory: InvestorCategory.ORDINARY,
    });
    const fit = productFit(subject, productDef(), fitContext());
    expect(blockerCodes(fit)).toEqual([
      FitCode.ASSESSMENT_VALID,
      FitCode.LOWEST_CATEGORY,
      FitCode.SUITABILITY,
      FitCode.MIN_ASSETS,
      FitCode.MIN_EXPERIENCE,
    ]);
  });

  it.each([
    [FitCode.CLIENT_STATUS, { clientStatus: ClientStatus.RESTRICTED }],
    [FitCode.CREDIT_RATING, { creditRating: CreditRating.B }],
  ])("a professional institution is not exempt from %s", (code, overrides) => {
    const subject = fitSubject({ ...failing2to6, clientType: ClientType.INSTITUTION, ...overrides });
    expect(blockerCodes(productFit(subject, productDef(), fitContext()))).toEqual([code]);
  });

  it("a professional investor passes INVESTOR_CATEGORY of a professional-only product", () => {
    const subject = fitSubject({ investorCategory: InvestorCategory.PROFESSIONAL });
    const fit = productFit(subject, productDef({ eligibility: { professionalOnly: true } }), fitContext());
    expect(fit.eligible).toBe(true);
    expect(reason(fit, FitCode.INVESTOR_CATEGORY)).toMatchObject({ passed: true, required: "PROFESSIONAL" });
  });
});

describe("score (SPEC §4)", () => {
  it("worked example: 0.4 segment + 0.3 same horizon + 0.2 × (1 − 1/4) + 0.1 × 3,840,000/5,000,000 = 0.9268", () => {
    // C4 vs R3: gap 1; A-rated 3,200,000 × 1.2 = 3,840,000.
    const fit = productFit(fitSubject(), productDef(), fitContext());
    expect(fit.score).toBe(0.9268);
  });

  it.each<[string, Partial<FitSubject>, Parameters<typeof productDef>[0], number]>([
    // 0.4 + 0.15 + 0.2×0.75 + 0.1×0.768
    ["adjacent horizon counts half", { horizon: InvestmentHorizon.LONG }, {}, 0.7768],
    [
      "opposite horizons count nothing",
      { horizon: InvestmentHorizon.SHORT },
      { horizon: InvestmentHorizon.LONG },
      0.6268,
    ],
    ["no horizon counts nothing", { horizon: null }, {}, 0.6268],
    // C5 vs R1: gap 4 -> the level term is 0.
    [
      "a level gap of 4 takes the whole level term",
      { riskLevel: RiskLevel.C5 },
      { riskLevel: ProductRiskLevel.R1 },
      0.7768,
    ],
    ["no gap gives the whole level term", { riskLevel: RiskLevel.C3 }, {}, 0.9768],
    // 1,000,000 / 3,000,000 × 0.1 = 0.0333…: the total rounds to 4 dp.
    [
      "rounds to 4 dp",
      { avgDailyAssets20d: d("1000000"), creditRating: CreditRating.BBB },
      { maxLimit: d("3000000") },
      0.8833,
    ],
    // A segment-free product always takes the 0.4 segment term.
    ["a product for every segment takes the segment term", {}, { segmentCodes: [] }, 0.9268],
    // Capped at maxLimit: 0.1 × 1.
    ["the limit term is at most 0.1", { creditRating: CreditRating.AAA }, { maxLimit: d("2000000") }, 0.95],
  ])("%s", (_name, subject, product, expected) => {
    const fit = productFit(fitSubject(subject), productDef(product), fitContext());
    expect(fit.eligible).toBe(true);
    expect(fit.score).toBe(expected);
  });

  it("a professional without a valid level counts a level gap of 0", () => {
    const subject = fitSubject({ investorCategory: InvestorCategory.PROFESSIONAL, riskLevel: null });
    expect(productFit(subject, productDef(), fitContext()).score).toBe(0.9768);
  });

  it("a professional below the product's level: the gap is a distance, so the score stays within 0..1", () => {
    // C1 vs R5, exempt from SUITABILITY: |0 − 4| = 4 -> level term 0 (a signed gap would add 0.4).
    const subject = fitSubject({ investorCategory: InvestorCategory.PROFESSIONAL, riskLevel: RiskLevel.C1 });
    const fit = productFit(subject, productDef({ riskLevel: ProductRiskLevel.R5 }), fitContext());
    expect(fit.eligible).toBe(true);
    expect(fit.score).toBe(0.7768);
  });
});

describe("productFits ordering (SPEC §4)", () => {
  const products: ProductDef[] = [
    productDef({ code: "Z-INELIGIBLE", riskLevel: ProductRiskLevel.R5 }),
    productDef({ code: "B-SAME", horizon: InvestmentHorizon.MEDIUM }),
    productDef({ code: "A-SAME", horizon: InvestmentHorizon.MEDIUM }),
    productDef({ code: "C-ADJACENT", horizon: InvestmentHorizon.LONG }),
    productDef({ code: "D-INELIGIBLE", segmentCodes: ["A"] }),
    productDef({ code: "E-INACTIVE", active: false }),
  ];

  it("active products only: eligible first, then score descending, then code", () => {
    const fits = productFits(fitSubject(), products, fitContext());
    expect(fits.map((f) => [f.product.code, f.eligible, f.score])).toEqual([
      ["A-SAME", true, 0.9268],
      ["B-SAME", true, 0.9268],
      ["C-ADJACENT", true, 0.7768],
      ["D-INELIGIBLE", false, 0],
      ["Z-INELIGIBLE", false, 0],
    ]);
  });

  it("eligibleOnly drops ineligible products", () => {
    const fits = productFits(fitSubject(), products, fitContext(), { eligibleOnly: true });
    expect(fits.map((f) => f.product.code)).toEqual(["A-SAME", "B-SAME", "C-ADJACENT"]);
  });

  it("first caps the ordered list", () => {
    expect(productFits(fitSubject(), products, fitContext(), { first: 2 }).map((f) => f.product.code)).toEqual([
      "A-SAME",
      "B-SAME",
    ]);
    expect(
      productFits(fitSubject(), products, fitContext(), { first: 1, eligibleOnly: true }).map((f) => f.product.code),
    ).toEqual(["A-SAME"]);
  });

  it("open limits are taken per product, excluding the product itself", () => {
    // The client holds 3,000,000 on B-SAME: every other product sees it, B-SAME does not.
    const ctx = fitContext("B", { "A-SAME": "3000000", "C-ADJACENT": "3000000" });
    const fits = productFits(fitSubject(), products.slice(1, 4), ctx);
    expect(fits.map((f) => [f.product.code, f.recommendedLimit?.toFixed(2)])).toEqual([
      ["B-SAME", "3840000.00"],
      ["A-SAME", "840000.00"],
      ["C-ADJACENT", "840000.00"],
    ]);
  });
});
