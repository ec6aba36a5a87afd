import Decimal from "decimal.js";
import {
  ClientStatus,
  ClientType,
  CreditRating,
  FitCode,
  HORIZON_ORDER,
  InvestmentHorizon,
  InvestorCategory,
  PRODUCT_RISK_ORDER,
  ProductRiskLevel,
  RISK_LEVEL_ORDER,
  RiskLevel,
} from "../../domain/enums";
import {
  compareCodes,
  creditRatingCheck,
  groupDigits,
  isSet,
  minAssetsCheck,
  minExperienceCheck,
  oneOfCheck,
  plainMoney,
} from "./checks";
import type {
  FitReason,
  FitSubject,
  ProductDef,
  ProductFitContext,
  ProductFitResult,
  ProductFitsOptions,
} from "./types";

// SPEC §4: the multiple of average daily assets a client of each rating may borrow.
const CREDIT_COEFFICIENTS: Readonly<Record<CreditRating, Decimal>> = {
  [CreditRating.AAA]: new Decimal("2.0"),
  [CreditRating.AA]: new Decimal("1.5"),
  [CreditRating.A]: new Decimal("1.2"),
  [CreditRating.BBB]: new Decimal("1.0"),
  [CreditRating.BB]: new Decimal("0.8"),
  [CreditRating.B]: new Decimal("0.5"),
  [CreditRating.C]: new Decimal("0"),
};

const LIMIT_STEP = new Decimal(10000);

const SCORE_SEGMENT = new Decimal("0.4");
const SCORE_HORIZON = new Decimal("0.3");
const SCORE_LEVEL = new Decimal("0.2");
const SCORE_LIMIT = new Decimal("0.1");

const PROFESSIONAL_INVESTOR = "professional investor";
const PROFESSIONAL_INSTITUTION = "professional institution";

export function creditCoefficient(rating: CreditRating): Decimal {
  return CREDIT_COEFFICIENTS[rating];
}

/**
 * `min(maxLimit, floor10000(avgDailyAssets20d × coef(rating)) − openLimits)`, never below 0
 * (SPEC §4). `openLimits` are the client's open limits on other products, so one client cannot
 * stack several products past what its assets support.
 */
export function recommendedLimit(
  subject: Pick<FitSubject, "avgDailyAssets20d" | "creditRating">,
  product: Pick<ProductDef, "maxLimit">,
  openLimits: Decimal,
): Decimal {
  return limitWithin(borrowingCapacity(subject), product, openLimits);
}

/** `floor10000(avgDailyAssets20d × coef(rating))`: the client's side of the limit, whatever the product. */
function borrowingCapacity(subject: Pick<FitSubject, "avgDailyAssets20d" | "creditRating">): Decimal {
  return subject.avgDailyAssets20d.mul(creditCoefficient(subject.creditRating)).div(LIMIT_STEP).floor().mul(LIMIT_STEP);
}

function limitWithin(capacity: Decimal, product: Pick<ProductDef, "maxLimit">, openLimits: Decimal): Decimal {
  return Decimal.max(0, Decimal.min(product.maxLimit, capacity.minus(openLimits)));
}

/**
 * The eleven checks of SPEC §4, all reported in order; eligible when none fails.
 * PROFESSIONAL investors are exempt from 2–4 (ordinary-investor suitability does not apply to
 * them) and professional institutions also from 5–6; exempt checks are still reported, passed,
 * with the values, so the gap stays visible.
 */
export function productFit<P extends ProductDef>(
  subject: FitSubject,
  product: P,
  ctx: ProductFitContext,
): ProductFitResult<P> {
  return fitOfProduct(subject, product, ctx, borrowingCapacity(subject));
}

/** productFit with the client's borrowing capacity worked out once for all the products it is matched to. */
function fitOfProduct<P extends ProductDef>(
  subject: FitSubject,
  product: P,
  ctx: ProductFitContext,
  capacity: Decimal,
): ProductFitResult<P> {
  const professional = subject.investorCategory === InvestorCategory.PROFESSIONAL;
  const professionalInstitution = professional && subject.clientType === ClientType.INSTITUTION;
  const eligibility = product.eligibility;
  const limit = limitWithin(capacity, product, ctx.openLimitsExcluding(product.code));

  const reasons: FitReason[] = [
    clientStatusCheck(subject.clientStatus),
    exemptIf(professional, PROFESSIONAL_INVESTOR, assessmentValidCheck(subject.assessmentValid)),
    exemptIf(professional, PROFESSIONAL_INVESTOR, lowestCategoryCheck(subject.lowestCategory, product.riskLevel)),
    exemptIf(professional, PROFESSIONAL_INVESTOR, suitabilityCheck(validLevel(subject), product.riskLevel)),
    exemptIf(
      professionalInstitution,
      PROFESSIONAL_INSTITUTION,
      minAssetsCheck(subject.avgDailyAssets20d, eligibility.minAvgDailyAssets),
    ),
    exemptIf(
      professionalInstitution,
      PROFESSIONAL_INSTITUTION,
      minExperienceCheck(subject.experienceMonths, eligibility.minExperienceMonths),
    ),
    creditRatingCheck(subject.creditRating, eligibility.minCreditRating),
    clientTypeCheck(subject.clientType, eligibility.clientTypes),
    investorCategoryCheck(subject.investorCategory, eligibility.professionalOnly),
    segmentCheck(ctx.segmentCode, product.segmentCodes),
    limitRangeCheck(limit, product.minLimit),
  ];
  const blockers = reasons.filter((r) => !r.passed);
  const eligible = blockers.length === 0;
  return {
    product,
    eligible,
    score: eligible ? fitScore(subject, product, ctx.segmentCode, limit) : 0,
    recommendedLimit: eligible ? limit : null,
    blockers,
    reasons,
  };
}

/** Active products only: eligible first, then score descending, then code. */
export function productFits<P extends ProductDef>(
  subject: FitSubject,
  products: readonly P[],
  ctx: ProductFitContext,
  options: ProductFitsOptions = {},
): ProductFitResult<P>[] {
  const capacity = borrowingCapacity(subject);
  let fits = products.filter((p) => p.active).map((p) => fitOfProduct(subject, p, ctx, capacity));
  if (options.eligibleOnly) fits = fits.filter((f) => f.eligible);
  fits.sort(
    (a, b) =>
      Number(b.eligible) - Number(a.eligible) || b.score - a.score || compareCodes(a.product.code, b.product.code),
  );
  return options.first === undefined || options.first === null ? fits : fits.slice(0, Math.max(0, options.first));
}

/**
 * 0.4 × segment + 0.3 × horizon + 0.2 × (1 − levelGap/4) + 0.1 × limit/maxLimit (SPEC §4).
 * The level gap is taken as a distance (absolute value): for ordinary investors SUITABILITY already
 * makes it ≥ 0, and for an exempt professional below the product's level a signed gap would push
 * the score above 1 and rank the riskiest products first.
 */
function fitScore(subject: FitSubject, product: ProductDef, segmentCode: string | null, limit: Decimal): number {
  const segment =
    product.segmentCodes.length === 0 || (segmentCode !== null && product.segmentCodes.includes(segmentCode));
  const level = validLevel(subject);
  const gap =
    level === null ? 0 : Math.abs(RISK_LEVEL_ORDER.indexOf(level) - PRODUCT_RISK_ORDER.indexOf(product.riskLevel));
  const limitShare = product.maxLimit.gt(0) ? limit.div(product.maxLimit) : ZERO;
  return (segment ? SCORE_SEGMENT : ZERO)
    .plus(HORIZON_TERM[horizonMatch(subject.horizon, product.horizon)])
    .plus(LEVEL_TERM[gap])
    .plus(SCORE_LIMIT.mul(limitShare))
    .toDecimalPlaces(4, Decimal.ROUND_HALF_UP)
    .toNumber();
}

const ZERO = new Decimal(0);
/** 0.3 × horizon match, by match: none, adjacent (0.5), same (1). */
const HORIZON_TERM = [ZERO, SCORE_HORIZON.mul("0.5"), SCORE_HORIZON.mul(1)];
/** 0.2 × (1 − gap/4), by level gap 0…4. */
const LEVEL_TERM = [0, 1, 2, 3, 4].map((gap) => SCORE_LEVEL.mul(new Decimal(1).minus(new Decimal(gap).div(4))));

/** 0 none, 1 adjacent horizons (counts half), 2 the same horizon. */
function horizonMatch(client: InvestmentHorizon | null, product: InvestmentHorizon): 0 | 1 | 2 {
  if (client === null) return 0;
  const distance = Math.abs(HORIZON_ORDER.indexOf(client) - HORIZON_ORDER.indexOf(product));
  if (distance === 0) return 2;
  return distance === 1 ? 1 : 0;
}

/** A level counts only while its assessment is valid (SPEC §4: SUITABILITY "fails without a valid level"). */
function validLevel(subject: FitSubject): RiskLevel | null {
  return subject.assessmentValid ? subject.riskLevel : null;
}

function exemptIf(exempt: boolean, who: string, reason: FitReason): FitReason {
  if (!exempt) return reason;
  return { ...reason, passed: true, message: `exempt (${who}): ${reason.message}` };
}

function clientStatusCheck(status: ClientStatus): FitReason {
  const passed = status === ClientStatus.ACTIVE;
  return {
    code: FitCode.CLIENT_STATUS,
    passed,
    message: passed ? "client is ACTIVE" : `client is ${status}, not ACTIVE`,
    required: ClientStatus.ACTIVE,
    actual: status,
  };
}

function assessmentValidCheck(valid: boolean): FitReason {
  return {
    code: FitCode.ASSESSMENT_VALID,
    passed: valid,
    message: valid ? "risk assessment is valid" : "no valid risk assessment (missing or expired)",
    required: "valid",
    actual: valid ? "valid" : "missing or expired",
  };
}

function lowestCategoryCheck(lowestCategory: boolean, productLevel: ProductRiskLevel): FitReason {
  if (!lowestCategory) {
    return {
      code: FitCode.LOWEST_CATEGORY,
      passed: true,
      message: "not a lowest-category investor",
      required: null,
      actual: null,
    };
  }
  const passed = productLevel === ProductRiskLevel.R1;
  return {
    code: FitCode.LOWEST_CATEGORY,
    passed,
    message: passed
      ? "lowest-category investor, R1 product"
      : `lowest-category investor may take only R1 products, product is ${productLevel}`,
    required: ProductRiskLevel.R1,
    actual: productLevel,
  };
}

function suitabilityCheck(level: RiskLevel | null, productLevel: ProductRiskLevel): FitReason {
  // Cn may take R1..Rn: the level needed has the product's index.
  const needed = RISK_LEVEL_ORDER[PRODUCT_RISK_ORDER.indexOf(productLevel)];
  const required = `at least ${needed}`;
  if (level === null) {
    return {
      code: FitCode.SUITABILITY,
      passed: false,
      message: `no valid risk level (${productLevel} needs at least ${needed})`,
      required,
      actual: null,
    };
  }
  const passed = RISK_LEVEL_ORDER.indexOf(level) >= PRODUCT_RISK_ORDER.indexOf(productLevel);
  return {
    code: FitCode.SUITABILITY,
    passed,
    message: `risk level ${level} ${passed ? "may take" : "may not take"} ${productLevel} (needs at least ${needed})`,
    required,
    actual: level,
  };
}

function clientTypeCheck(clientType: ClientType, allowed: ClientType[] | null): FitReason {
  if (!isSet(allowed)) {
    return {
      code: FitCode.CLIENT_TYPE,
      passed: true,
      message: "product is open to every client type",
      required: null,
      actual: clientType,
    };
  }
  return oneOfCheck(FitCode.CLIENT_TYPE, "client type", clientType, allowed);
}

function investorCategoryCheck(category: InvestorCategory, professionalOnly: boolean): FitReason {
  if (!professionalOnly) {
    return {
      code: FitCode.INVESTOR_CATEGORY,
      passed: true,
      message: "product is open to every investor category",
      required: null,
      actual: category,
    };
  }
  const passed = category === InvestorCategory.PROFESSIONAL;
  return {
    code: FitCode.INVESTOR_CATEGORY,
    passed,
    message: passed ? "professional investor" : `product is for professional investors only, client is ${category}`,
    required: InvestorCategory.PROFESSIONAL,
    actual: category,
  };
}

function segmentCheck(segmentCode: string | null, offeredTo: string[]): FitReason {
  if (offeredTo.length === 0) {
    return {
      code: FitCode.SEGMENT,
      passed: true,
      message: "product is offered to every segment",
      required: null,
      actual: segmentCode,
    };
  }
  return oneOfCheck(FitCode.SEGMENT, "segment", segmentCode, offeredTo);
}

function limitRangeCheck(limit: Decimal, minLimit: Decimal): FitReason {
  const passed = limit.gte(minLimit);
  const [l, m] = [plainMoney(limit), plainMoney(minLimit)];
  return {
    code: FitCode.LIMIT_RANGE,
    passed,
    message: `recommended limit ${groupDigits(l)} ${passed ? ">=" : "<"} minimum ${groupDigits(m)}`,
    required: `>= ${m}`,
    actual: l,
  };
}
