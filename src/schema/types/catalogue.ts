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

@ObjectType("SegmentCriteria", { simpleResolvers: true })
export class SegmentCriteriaGql {
  @Field(() => DecimalScalar, { nullable: true })
  minAvgDailyAssets!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  maxAvgDailyAssets!: string | null;

  @Field(() => [ClientType], { nullable: true })
  clientTypes!: ClientType[] | null;

  @Field(() => [InvestorCategory], { nullable: true })
  investorCategories!: InvestorCategory[] | null;

  @Field(() => [RiskLevel], { nullable: true })
  riskLevels!: RiskLevel[] | null;

  @Field(() => [InvestmentHorizon], { nullable: true })
  horizons!: InvestmentHorizon[] | null;

  @Field(() => Int, { nullable: true })
  minExperienceMonths!: number | null;

  @Field(() => CreditRating, { nullable: true })
  minCreditRating!: CreditRating | null;
}

@ObjectType("ServiceStrategy", { simpleResolvers: true })
export class ServiceStrategyGql {
  @Field(() => ApprovalTier)
  approvalTier!: ApprovalTier;

  @Field(() => Int)
  reviewIntervalDays!: number;

  @Field()
  advisoryService!: boolean;
}

@ObjectType("RiskLevelCount", { simpleResolvers: true })
export class RiskLevelCountGql {
  @Field(() => RiskLevel, { nullable: true })
  riskLevel!: RiskLevel | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType("CreditRatingCount", { simpleResolvers: true })
export class CreditRatingCountGql {
  @Field(() => CreditRating)
  creditRating!: CreditRating;

  @Field(() => Int)
  count!: number;
}

@ObjectType("SegmentStats", { simpleResolvers: true })
export class SegmentStatsGql {
  @Field(() => Int)
  clientCount!: number;

  @Field(() => DecimalScalar)
  totalAvgDailyAssets!: string;

  @Field(() => DecimalScalar)
  meanAvgDailyAssets!: string;

  @Field(() => [RiskLevelCountGql])
  riskLevels!: RiskLevelCountGql[];

  @Field(() => [CreditRatingCountGql])
  creditRatings!: CreditRatingCountGql[];

  @Field(() => Int)
  activeFacilityCount!: number;

  @Field(() => DecimalScalar)
  totalApprovedLimit!: string;

  @Field(() => DecimalScalar)
  totalUsedAmount!: string;

  @Field(() => DateTimeScalar)
  computedAt!: Date;
}

@ObjectType("Segment", { implements: Node, simpleResolvers: true })
export class SegmentGql extends Node {
  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Int, {
    description: "Lower is checked first: a client belongs to the matching active segment of lowest priority.",
  })
  priority!: number;

  @Field()
  active!: boolean;

  @Field(() => SegmentCriteriaGql)
  criteria!: SegmentCriteriaGql;

  @Field(() => ServiceStrategyGql)
  strategy!: ServiceStrategyGql;

  dbId!: number;
}

@ObjectType("FitReason", { simpleResolvers: true })
export class FitReasonGql {
  @Field(() => FitCode)
  code!: FitCode;

  @Field()
  passed!: boolean;

  @Field()
  message!: string;

  @Field(() => String, { nullable: true })
  required!: string | null;

  @Field(() => String, { nullable: true })
  actual!: string | null;
}

@ObjectType("SegmentFit", { simpleResolvers: true })
export class SegmentFitGql {
  @Field(() => SegmentGql)
  segment!: SegmentGql;

  @Field()
  matched!: boolean;

  @Field(() => Float, { description: "Share of the segment's criteria that pass, 0 to 1." })
  score!: number;

  @Field(() => [FitReasonGql])
  reasons!: FitReasonGql[];
}

@ObjectType("ProductEligibility", { simpleResolvers: true })
export class ProductEligibilityGql {
  @Field(() => DecimalScalar)
  minAvgDailyAssets!: string;

  @Field(() => Int)
  minExperienceMonths!: number;

  @Field(() => CreditRating)
  minCreditRating!: CreditRating;

  @Field(() => [ClientType], { nullable: true })
  clientTypes!: ClientType[] | null;

  @Field()
  professionalOnly!: boolean;
}

@ObjectType("Product", { implements: Node, simpleResolvers: true })
export class ProductGql extends Node {
  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => ProductKind)
  kind!: ProductKind;

  @Field(() => ProductRiskLevel)
  riskLevel!: ProductRiskLevel;

  @Field(() => InvestmentHorizon)
  horizon!: InvestmentHorizon;

  @Field()
  active!: boolean;

  @Field(() => DecimalScalar)
  minLimit!: string;

  @Field(() => DecimalScalar)
  maxLimit!: string;

  @Field(() => Int)
  termDays!: number;

  @Field(() => Int)
  maxExtensions!: number;

  @Field(() => DecimalScalar)
  annualRate!: string;

  @Field(() => DecimalScalar)
  initialMarginRatio!: string;

  @Field(() => DecimalScalar)
  warningLine!: string;

  @Field(() => DecimalScalar)
  marginCallLine!: string;

  @Field(() => DecimalScalar)
  liquidationLine!: string;

  @Field(() => DecimalScalar)
  withdrawalLine!: string;

  @Field(() => ProductEligibilityGql)
  eligibility!: ProductEligibilityGql;

  dbId!: number;
}

@ObjectType("ProductFit", { simpleResolvers: true })
export class ProductFitGql {
  @Field(() => ProductGql)
  product!: ProductGql;

  @Field()
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

@ObjectType("FitSimulation", { simpleResolvers: true })
export class FitSimulationGql {
  @Field(() => SegmentFitGql, { nullable: true })
  segment!: SegmentFitGql | null;

  @Field(() => [SegmentFitGql])
  segmentFits!: SegmentFitGql[];

  @Field(() => [ProductFitGql])
  productFits!: ProductFitGql[];
}
