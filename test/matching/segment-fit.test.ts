import {
  ClientType,
  CreditRating,
  FitCode,
  InvestmentHorizon,
  InvestorCategory,
  RiskLevel,
} from "../../src/domain/enums";
import { bestSegment, segmentFit, segmentFits } from "../../src/services/matching";
import type { FitSubject, SegmentDef } from "../../src/services/matching";
import { DEFAULT_SEGMENTS, NO_CRITERIA, segmentDef, fitSubject, d } from "../support/factories/matching";

const codes = (segments: { segment: SegmentDef }[]) => segments.map((f) => f.segment.code);

describe("segmentFit (SPEC §4)", () => {
  it("a subject meeting every set criterion matches with score 1 and one passed reason per criterion", () => {
    const fit = segmentFit(fitSubject(), segmentDef());
    expect(fit.matched).toBe(true);
    expect(fit.score).toBe(1);
    expect(fit.reasons.map((r) => r.code)).toEqual([
      FitCode.MIN_ASSETS,
      FitCode.MAX_ASSETS,
      FitCode.CLIENT_TYPE,
      FitCode.INVESTOR_CATEGORY,
      FitCode.RISK_LEVEL,
      FitCode.HORIZON,
      FitCode.MIN_EXPERIENCE,
      FitCode.CREDIT_RATING,
    ]);
    expect(fit.reasons.every((r) => r.passed)).toBe(true);
  });

  it.each<[FitCode, Partial<FitSubject>]>([
    [FitCode.MIN_ASSETS, { avgDailyAssets20d: d("999999.99") }],
    [FitCode.MAX_ASSETS, { avgDailyAssets20d: d("12000000") }],
    [FitCode.CLIENT_TYPE, { clientType: ClientType.INSTITUTION }],
    [FitCode.INVESTOR_CATEGORY, { investorCategory: InvestorCategory.PROFESSIONAL }],
    [FitCode.RISK_LEVEL, { riskLevel: RiskLevel.C2 }],
    [FitCode.HORIZON, { horizon: InvestmentHorizon.SHORT }],
    [FitCode.MIN_EXPERIENCE, { experienceMonths: 11 }],
    [FitCode.CREDIT_RATING, { creditRating: CreditRating.BB }],
  ])("%s failing alone fails the match and scores 7/8 (SPEC §4)", (code, overrides) => {
    const segment =
      code === FitCode.CLIENT_TYPE ? segmentDef({ criteria: { clientTypes: [ClientType.INDIVIDUAL] } }) : segmentDef();
    const fit = segmentFit(fitSubject(overrides), segment);
    expect(fit.matched).toBe(false);
    expect(fit.score).toBe(0.875);
    expect(fit.reasons.filter((r) => !r.passed).map((r) => r.code)).toEqual([code]);
  });

  it("MIN_ASSETS is inclusive: avg equal to min passes (SPEC §4)", () => {
    const fit = segmentFit(fitSubject({ avgDailyAssets20d: d("1000000") }), segmentDef());
    expect(fit.reasons.find((r) => r.code === FitCode.MIN_ASSETS)?.passed).toBe(true);
  });

  it("MAX_ASSETS is exclusive: avg equal to max fails (SPEC §4)", () => {
    const fit = segmentFit(fitSubject({ avgDailyAssets20d: d("10000000") }), segmentDef());
    const reason = fit.reasons.find((r) => r.code === FitCode.MAX_ASSETS);
    expect(reason).toEqual({
      code: FitCode.MAX_ASSETS,
      passed: false,
      message: "avg assets 10,000,000.00 >= 10,000,000.00 (maximum is exclusive)",
      required: "< 10000000.00",
      actual: "10000000.00",
    });
    expect(fit.matched).toBe(false);
  });

  it("MIN_ASSETS reason shows the gap with separators in the message and plain values in required/actual (SPEC §4)", () => {
    const segment = segmentDef({ criteria: { ...NO_CRITERIA, minAvgDailyAssets: d("5000000") } });
    const fit = segmentFit(fitSubject({ avgDailyAssets20d: d("3200000") }), segment);
    expect(fit.reasons).toEqual([
      {
        code: FitCode.MIN_ASSETS,
        passed: false,
        message: "avg assets 3,200,000.00 < 5,000,000.00",
        required: ">= 5000000.00",
        actual: "3200000.00",
      },
    ]);
  });

  it.each([
    ["RISK_LEVEL", FitCode.RISK_LEVEL, { riskLevel: null }, "no risk level (needs one of C3, C4, C5)"],
    ["HORIZON", FitCode.HORIZON, { horizon: null }, "no horizon (needs one of MEDIUM, LONG)"],
  ])("%s fails when the client has none (SPEC §4)", (_name, code, overrides, message) => {
    const fit = segmentFit(fitSubject(overrides), segmentDef());
    const reason = fit.reasons.find((r) => r.code === code);
    expect(reason).toMatchObject({ passed: false, actual: null, message });
    expect(fit.matched).toBe(false);
  });

  it.each([
    [CreditRating.AAA, true],
    [CreditRating.A, true],
    [CreditRating.BBB, true],
    [CreditRating.BB, false],
    [CreditRating.C, false],
  ])("CREDIT_RATING is at least BBB (AAA best): %s passes=%s (SPEC §4)", (rating, passed) => {
    const fit = segmentFit(fitSubject({ creditRating: rating }), segmentDef());
    expect(fit.reasons.find((r) => r.code === FitCode.CREDIT_RATING)).toMatchObject({
      passed,
      required: "at least BBB",
      actual: rating,
    });
  });

  it("MIN_EXPERIENCE is inclusive and reported in months (SPEC §4)", () => {
    const fit = segmentFit(fitSubject({ experienceMonths: 12 }), segmentDef());
    expect(fit.reasons.find((r) => r.code === FitCode.MIN_EXPERIENCE)).toEqual({
      code: FitCode.MIN_EXPERIENCE,
      passed: true,
      message: "experience 12 months >= 12 months",
      required: ">= 12",
      actual: "12",
    });
  });

  it.each([
    ["null criteria", NO_CRITERIA],
    [
      "empty lists",
      { ...NO_CRITERIA, clientTypes: [], investorCategories: [], riskLevels: [], horizons: [] } as typeof NO_CRITERIA,
    ],
  ])("an empty criteria set (%s) matches everyone with score 1 and no reasons (SPEC §4)", (_name, criteria) => {
    const fit = segmentFit(fitSubject({ riskLevel: null, horizon: null }), segmentDef({ criteria }));
    expect(fit).toMatchObject({ matched: true, score: 1, reasons: [] });
  });

  it("score = passed / checks, rounded to 4 dp (SPEC §4)", () => {
    const segment = segmentDef({
      criteria: {
        ...NO_CRITERIA,
        minAvgDailyAssets: d("1000000"),
        minExperienceMonths: 12,
        minCreditRating: CreditRating.AA,
      },
    });
    const fit = segmentFit(fitSubject(), segment);
    expect(fit.score).toBe(0.6667);
    expect(fit.matched).toBe(false);
  });

  it("returns the caller's segment object unchanged (generic)", () => {
    const rich = { ...segmentDef(), name: "Core", approvalTier: "STANDARD" };
    const fit = segmentFit(fitSubject(), rich);
    expect(fit.segment).toBe(rich);
    expect(fit.segment.name).toBe("Core");
  });
});

describe("bestSegment (SPEC §4, §9 default tiers)", () => {
  it.each([
    ["50,000,000.00", "50000000", "A"],
    ["10,000,000.00 (B's max is exclusive)", "10000000", "A"],
    ["9,999,999.99", "9999999.99", "B"],
    ["1,000,000.00", "1000000", "B"],
    ["999,999.99", "999999.99", "C"],
    ["500,000.00", "500000", "C"],
    ["499,999.99 (no margin account)", "499999.99", null],
  ])("avg assets %s -> segment %s", (_label, avg, expected) => {
    expect(bestSegment(fitSubject({ avgDailyAssets20d: d(avg) }), DEFAULT_SEGMENTS)?.code ?? null).toBe(expected);
  });

  it("the matched segment of lowest priority wins, whatever the input order (SPEC §4)", () => {
    const everyone = { ...NO_CRITERIA };
    const segments = [
      segmentDef({ code: "LATE", priority: 50, criteria: everyone }),
      segmentDef({ code: "EARLY", priority: 5, criteria: everyone }),
    ];
    expect(bestSegment(fitSubject(), segments)?.code).toBe("EARLY");
  });

  it("priority ties are resolved by code (SPEC §4)", () => {
    const segments = ["Z", "M", "B2", "B1"].map((code) => segmentDef({ code, priority: 10, criteria: NO_CRITERIA }));
    expect(bestSegment(fitSubject(), segments)?.code).toBe("B1");
  });

  it("inactive segments are ignored even when they match with a better priority (SPEC §4)", () => {
    const segments = [
      segmentDef({ code: "OLD", priority: 1, active: false, criteria: NO_CRITERIA }),
      segmentDef({ code: "NEW", priority: 2, criteria: NO_CRITERIA }),
    ];
    expect(bestSegment(fitSubject(), segments)?.code).toBe("NEW");
  });

  it("null when no active segment matches (SPEC §4)", () => {
    expect(bestSegment(fitSubject({ avgDailyAssets20d: d("0") }), DEFAULT_SEGMENTS)).toBeNull();
    expect(bestSegment(fitSubject(), [])).toBeNull();
  });

  it("returns the caller's segment object (generic)", () => {
    const rich = DEFAULT_SEGMENTS.map((s) => ({ ...s, reviewIntervalDays: s.priority * 3 }));
    const best = bestSegment(fitSubject(), rich);
    expect(best).toBe(rich[1]);
    expect(best?.reviewIntervalDays).toBe(60);
  });
});

describe("segmentFits ordering (SPEC §4)", () => {
  it("lists every active segment: matched first, then priority, then code", () => {
    const segments = [
      segmentDef({ code: "X-MISS", priority: 1, criteria: { ...NO_CRITERIA, minAvgDailyAssets: d("99000000") } }),
      segmentDef({ code: "C-HIT", priority: 30, criteria: NO_CRITERIA }),
      segmentDef({ code: "B-HIT", priority: 30, criteria: NO_CRITERIA }),
      segmentDef({ code: "A-HIT", priority: 40, criteria: NO_CRITERIA }),
      segmentDef({ code: "W-MISS", priority: 1, criteria: { ...NO_CRITERIA, minAvgDailyAssets: d("99000000") } }),
      segmentDef({ code: "OFF", priority: 0, active: false, criteria: NO_CRITERIA }),
    ];
    const fits = segmentFits(fitSubject(), segments);
    expect(codes(fits)).toEqual(["B-HIT", "C-HIT", "A-HIT", "W-MISS", "X-MISS"]);
    expect(fits.map((f) => f.matched)).toEqual([true, true, true, false, false]);
  });

  it("the first matched entry is the bestSegment", () => {
    const subject = fitSubject({ avgDailyAssets20d: d("2500000") });
    expect(segmentFits(subject, DEFAULT_SEGMENTS)[0].segment).toBe(bestSegment(subject, DEFAULT_SEGMENTS));
    expect(codes(segmentFits(subject, DEFAULT_SEGMENTS))).toEqual(["B", "A", "C"]);
  });
});
