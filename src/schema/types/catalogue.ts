import { Field, Float, Int, ObjectType } from "type-graphql";
import {
  ApprovalTier,
  ClientType,
  CreditRating,
  FitCode,
  InvestmentHorizon,
  InvestorCategory,
  ProductKind,
  ProductRiskLevel,
  RiskLevel,
} from "../../domain/enums";
import "../enums";
import { DateTimeScalar, DecimalScalar } from "../scalars";
import { Node } from "./node";

@ObjectType("SegmentCriteria", {
  description: "A segment's criteria; a null criterion is not checked (SPEC §4).",
  simpleResolvers: true,
})
export class SegmentCriteriaGql {
  @Field(() => DecimalScalar, {
    description: "Lowest 20-day average daily assets, inclusive (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  minAvgDailyAssets!: string | null;

  @Field(() => DecimalScalar, {
    description: "Upper bound of the 20-day average daily assets, exclusive (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  maxAvgDailyAssets!: string | null;

  @Field(() => [ClientType], { description: "Client types admitted; null admits every type.", nullable: true })
  clientTypes!: ClientType[] | null;

  @Field(() => [InvestorCategory], {
    description: "Investor categories admitted; null admits every category.",
    nullable: true,
  })
  investorCategories!: InvestorCategory[] | null;

  @Field(() => [RiskLevel], {
    description: "Risk levels admitted; a client without a valid assessment fails.",
    nullable: true,
  })
  riskLevels!: RiskLevel[] | null;

  @Field(() => [InvestmentHorizon], {
    description: "Investment horizons admitted; a client without a horizon fails.",
    nullable: true,
  })
  horizons!: InvestmentHorizon[] | null;

  @Field(() => Int, { description: "Least whole months of trading experience.", nullable: true })
  minExperienceMonths!: number | null;

  @Field(() => CreditRating, { description: "Lowest credit rating admitted (this rating or better).", nullable: true })
  minCreditRating!: CreditRating | null;
}

@ObjectType("ServiceStrategy", { description: "How the clients of a segment are served.", simpleResolvers: true })
export class ServiceStrategyGql {
  @Field(() => ApprovalTier, { description: "Who approves a facility for a client of this segment." })
  approvalTier!: ApprovalTier;

  @Field(() => Int, { description: "Days between periodic post-loan reviews (scheduleReviews)." })
  reviewIntervalDays!: number;

  @Field({ description: "Whether the segment's clients get a dedicated advisory service." })
  advisoryService!: boolean;
}

@ObjectType("RiskLevelCount", {
  description: "How many members of a segment have one risk level.",
  simpleResolvers: true,
})
export class RiskLevelCountGql {
  @Field(() => RiskLevel, {
    description: "The risk level; null counts members without a valid assessment.",
    nullable: true,
  })
  riskLevel!: RiskLevel | null;

  @Field(() => Int, { description: "Members with that risk level." })
  count!: number;
}

@ObjectType("CreditRatingCount", {
  description: "How many members of a segment have one credit rating.",
  simpleResolvers: true,
})
export class CreditRatingCountGql {
  @Field(() => CreditRating, { description: "The credit rating." })
  creditRating!: CreditRating;

  @Field(() => Int, { description: "Members with that rating." })
  count!: number;
}

@ObjectType("SegmentStats", {
  description: "Aggregates over a segment's members, computed in the database from the latest portraits (SPEC §8).",
  simpleResolvers: true,
})
export class SegmentStatsGql {
  @Field(() => Int, { description: "Members of the segment." })
  clientCount!: number;

  @Field(() => DecimalScalar, {
    description: "Sum of the members' 20-day average daily assets (CNY, a Decimal string with 2 decimals).",
  })
  totalAvgDailyAssets!: string;

  @Field(() => DecimalScalar, {
    description:
      "Mean of the members' 20-day average daily assets; 0.00 without members (CNY, a Decimal string with 2 decimals).",
  })
  meanAvgDailyAssets!: string;

  @Field(() => [RiskLevelCountGql], { description: "Members per risk level." })
  riskLevels!: RiskLevelCountGql[];

  @Field(() => [CreditRatingCountGql], { description: "Members per credit rating." })
  creditRatings!: CreditRatingCountGql[];

  @Field(() => Int, { description: "Open facilities (ACTIVE, MARGIN_CALL, SUSPENDED) of the members." })
  activeFacilityCount!: number;

  @Field(() => DecimalScalar, {
    description: "Sum of those facilities' approved limits (CNY, a Decimal string with 2 decimals).",
  })
  totalApprovedLimit!: string;

  @Field(() => DecimalScalar, {
    description: "Sum of those facilities' used amounts (CNY, a Decimal string with 2 decimals).",
  })
  totalUsedAmount!: string;

  @Field(() => DateTimeScalar, { description: "When the figures were computed (UTC)." })
  computedAt!: Date;
}

@ObjectType("Segment", {
  description: "A client segment (客户分层): criteria over the portrait, and how its clients are served.",
  implements: Node,
  simpleResolvers: true,
})
export class SegmentGql extends Node {
  @Field({ description: "Stable code, e.g. `A`." })
  code!: string;

  @Field({ description: "Display name." })
  name!: string;

  @Field(() => String, { description: "Free text shown to relationship managers.", nullable: true })
  description!: string | null;

  @Field(() => Int, {
    description: "Lower is checked first: a client belongs to the matching active segment of lowest priority.",
  })
  priority!: number;

  @Field({ description: "Inactive segments match no client." })
  active!: boolean;

  @Field(() => SegmentCriteriaGql, { description: "What a client must meet to belong." })
  criteria!: SegmentCriteriaGql;

  @Field(() => ServiceStrategyGql, { description: "How the segment's clients are served." })
  strategy!: ServiceStrategyGql;

  dbId!: number;
}

@ObjectType("FitReason", {
  description: "One check of a fit, passed or failed, with the required and the actual value.",
  simpleResolvers: true,
})
export class FitReasonGql {
  @Field(() => FitCode, { description: "Which check." })
  code!: FitCode;

  @Field({ description: "Whether the client meets it." })
  passed!: boolean;

  @Field({ description: 'Human-readable gap, e.g. "avg assets 3,200,000.00 < 5,000,000.00".' })
  message!: string;

  @Field(() => String, { description: "The value the check requires, as text; null when it has none.", nullable: true })
  required!: string | null;

  @Field(() => String, { description: "The client's value, as text; null when the client has none.", nullable: true })
  actual!: string | null;
}

@ObjectType("SegmentFit", { description: "How a client fits one segment (SPEC §4).", simpleResolvers: true })
export class SegmentFitGql {
  @Field(() => SegmentGql, { description: "The segment." })
  segment!: SegmentGql;

  @Field({ description: "True when every check passes." })
  matched!: boolean;

  @Field(() => Float, { description: "Share of the segment's criteria that pass, 0 to 1." })
  score!: number;

  @Field(() => [FitReasonGql], { description: "One reason per criterion the segment sets." })
  reasons!: FitReasonGql[];
}

@ObjectType("ProductEligibility", {
  description: "A product's own eligibility rules, checked on top of suitability.",
  simpleResolvers: true,
})
export class ProductEligibilityGql {
  @Field(() => DecimalScalar, {
    description: "Lowest 20-day average daily assets (CNY, a Decimal string with 2 decimals).",
  })
  minAvgDailyAssets!: string;

  @Field(() => Int, { description: "Least whole months of trading experience." })
  minExperienceMonths!: number;

  @Field(() => CreditRating, { description: "Lowest credit rating admitted (this rating or better)." })
  minCreditRating!: CreditRating;

  @Field(() => [ClientType], { description: "Client types admitted; null admits every type.", nullable: true })
  clientTypes!: ClientType[] | null;

  @Field({ description: "Only PROFESSIONAL investors may take it." })
  professionalOnly!: boolean;
}

@ObjectType("Product", {
  description: "A margin-financing product (融资融券产品) with its limits, rate and maintenance lines.",
  implements: Node,
  simpleResolvers: true,
})
export class ProductGql extends Node {
  @Field({ description: "Stable product code." })
  code!: string;

  @Field({ description: "Display name." })
  name!: string;

  @Field(() => ProductKind, { description: "Kind of financing." })
  kind!: ProductKind;

  @Field(() => ProductRiskLevel, {
    description: "Product risk rating; suitability needs a client risk level at least as high.",
  })
  riskLevel!: ProductRiskLevel;

  @Field(() => InvestmentHorizon, { description: "Intended investment horizon, used in the fit score." })
  horizon!: InvestmentHorizon;

  @Field({ description: "Inactive products are offered to nobody." })
  active!: boolean;

  @Field(() => DecimalScalar, { description: "Smallest credit limit offered (CNY, a Decimal string with 2 decimals)." })
  minLimit!: string;

  @Field(() => DecimalScalar, { description: "Largest credit limit offered (CNY, a Decimal string with 2 decimals)." })
  maxLimit!: string;

  @Field(() => Int, { description: "Days from signing to maturity; each extension adds as many." })
  termDays!: number;

  @Field(() => Int, { description: "How many times a facility may be extended." })
  maxExtensions!: number;

  @Field(() => DecimalScalar, { description: "Annual interest rate (a Decimal ratio string with 4 decimals)." })
  annualRate!: string;

  @Field(() => DecimalScalar, {
    description: "Margin ratio required to open a position (a Decimal ratio string with 4 decimals).",
  })
  initialMarginRatio!: string;

  @Field(() => DecimalScalar, {
    description:
      "Maintenance ratio below which a MAINTENANCE_WARNING alert is raised (a Decimal ratio string with 4 decimals).",
  })
  warningLine!: string;

  @Field(() => DecimalScalar, {
    description:
      "Maintenance ratio below which the facility goes to MARGIN_CALL (a Decimal ratio string with 4 decimals).",
  })
  marginCallLine!: string;

  @Field(() => DecimalScalar, {
    description:
      "Maintenance ratio below which the facility goes to LIQUIDATING (a Decimal ratio string with 4 decimals).",
  })
  liquidationLine!: string;

  @Field(() => DecimalScalar, {
    description:
      "Maintenance ratio above which the client may withdraw collateral (a Decimal ratio string with 4 decimals).",
  })
  withdrawalLine!: string;

  @Field(() => ProductEligibilityGql, { description: "The product's own eligibility rules." })
  eligibility!: ProductEligibilityGql;

  dbId!: number;
}

@ObjectType("ProductFit", {
  description: "How a client fits one product: suitability, eligibility, recommended limit and score (SPEC §4).",
  simpleResolvers: true,
})
export class ProductFitGql {
  @Field(() => ProductGql, { description: "The product." })
  product!: ProductGql;

  @Field({ description: "True exactly when no check failed (blockers is empty)." })
  eligible!: boolean;

  @Field(() => Float, { description: "Ranking among eligible products, 0 to 1." })
  score!: number;

  @Field(() => DecimalScalar, { nullable: true, description: "Null when not eligible." })
  recommendedLimit!: string | null;

  @Field(() => [FitReasonGql], { description: "Failed hard checks; empty exactly when eligible." })
  blockers!: FitReasonGql[];

  @Field(() => [FitReasonGql], { description: "Every check made, passed or not." })
  reasons!: FitReasonGql[];
}

@ObjectType("FitSimulation", {
  description: "Segment and product fits of a hypothetical portrait; nothing is stored.",
  simpleResolvers: true,
})
export class FitSimulationGql {
  @Field(() => SegmentFitGql, {
    description: "The segment the portrait would be placed in; null when none matches.",
    nullable: true,
  })
  segment!: SegmentFitGql | null;

  @Field(() => [SegmentFitGql], { description: "Every active segment, matched first, then by priority." })
  segmentFits!: SegmentFitGql[];

  @Field(() => [ProductFitGql], { description: "Every active product, eligible first, then by score, then code." })
  productFits!: ProductFitGql[];
}
