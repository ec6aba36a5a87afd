import { ArrayMaxSize, MaxLength, ValidateNested } from "class-validator";
import type Decimal from "decimal.js";
import { Field, InputType, Int, ObjectType } from "type-graphql";
import {
  ApprovalTier,
  ClientType,
  CreditRating,
  InvestmentHorizon,
  InvestorCategory,
  ProductKind,
  ProductRiskLevel,
  RiskLevel,
} from "../../domain/enums";
import "../enums";
import { Money, Ratio } from "../input-rules";
import { DecimalScalar } from "../scalars";
import { ProductGql, SegmentGql } from "./catalogue";
import { UserErrorGql } from "./payloads";

@InputType("SegmentCriteriaInput")
export class SegmentCriteriaInput {
  @Field(() => DecimalScalar, { nullable: true })
  @Money()
  minAvgDailyAssets?: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true })
  @Money()
  maxAvgDailyAssets?: Decimal | null;

  @Field(() => [ClientType], { nullable: true })
  @ArrayMaxSize(2)
  clientTypes?: ClientType[] | null;

  @Field(() => [InvestorCategory], { nullable: true })
  @ArrayMaxSize(2)
  investorCategories?: InvestorCategory[] | null;

  @Field(() => [RiskLevel], { nullable: true })
  @ArrayMaxSize(5)
  riskLevels?: RiskLevel[] | null;

  @Field(() => [InvestmentHorizon], { nullable: true })
  @ArrayMaxSize(3)
  horizons?: InvestmentHorizon[] | null;

  @Field(() => Int, { nullable: true })
  minExperienceMonths?: number | null;

  @Field(() => CreditRating, { nullable: true })
  minCreditRating?: CreditRating | null;
}

@InputType("ServiceStrategyInput")
export class ServiceStrategyInput {
  @Field(() => ApprovalTier)
  approvalTier!: ApprovalTier;

  @Field(() => Int)
  reviewIntervalDays!: number;

  @Field()
  advisoryService!: boolean;
}

@InputType("UpsertSegmentInput")
export class UpsertSegmentInput {
  @Field()
  @MaxLength(32)
  code!: string;

  @Field()
  @MaxLength(100)
  name!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(1000)
  description?: string | null;

  @Field(() => Int)
  priority!: number;

  @Field(() => Boolean, { nullable: true, defaultValue: true })
  active?: boolean | null;

  @Field(() => SegmentCriteriaInput)
  @ValidateNested()
  criteria!: SegmentCriteriaInput;

  @Field(() => ServiceStrategyInput)
  @ValidateNested()
  strategy!: ServiceStrategyInput;
}

@InputType("ProductEligibilityInput")
export class ProductEligibilityInput {
  @Field(() => DecimalScalar, { nullable: true, defaultValue: "500000" })
  @Money()
  minAvgDailyAssets?: Decimal | string | null;

  @Field(() => Int, { nullable: true, defaultValue: 6 })
  minExperienceMonths?: number | null;

  @Field(() => CreditRating, { nullable: true, defaultValue: CreditRating.B })
  minCreditRating?: CreditRating | null;

  @Field(() => [ClientType], { nullable: true })
  @ArrayMaxSize(2)
  clientTypes?: ClientType[] | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  professionalOnly?: boolean | null;
}

@InputType("UpsertProductInput")
export class UpsertProductInput {
  @Field()
  @MaxLength(32)
  code!: string;

  @Field()
  @MaxLength(100)
  name!: string;

  @Field(() => ProductKind)
  kind!: ProductKind;

  @Field(() => ProductRiskLevel)
  riskLevel!: ProductRiskLevel;

  @Field(() => InvestmentHorizon)
  horizon!: InvestmentHorizon;

  @Field(() => Boolean, { nullable: true, defaultValue: true })
  active?: boolean | null;

  @Field(() => DecimalScalar)
  @Money()
  minLimit!: Decimal;

  @Field(() => DecimalScalar)
  @Money()
  maxLimit!: Decimal;

  @Field(() => Int)
  termDays!: number;

  @Field(() => Int)
  maxExtensions!: number;

  @Field(() => DecimalScalar)
  @Ratio()
  annualRate!: Decimal;

  @Field(() => DecimalScalar, { nullable: true, defaultValue: "1.0000" })
  @Ratio()
  initialMarginRatio?: Decimal | string | null;

  @Field(() => DecimalScalar, { nullable: true, defaultValue: "1.5000" })
  @Ratio()
  warningLine?: Decimal | string | null;

  @Field(() => DecimalScalar, { nullable: true, defaultValue: "1.3000" })
  @Ratio()
  marginCallLine?: Decimal | string | null;

  @Field(() => DecimalScalar, { nullable: true, defaultValue: "1.1000" })
  @Ratio()
  liquidationLine?: Decimal | string | null;

  @Field(() => DecimalScalar, { nullable: true, defaultValue: "3.0000" })
  @Ratio()
  withdrawalLine?: Decimal | string | null;

  @Field(() => ProductEligibilityInput)
  @ValidateNested()
  eligibility!: ProductEligibilityInput;

  @Field(() => [String], { nullable: true, defaultValue: [] })
  @ArrayMaxSize(50)
  @MaxLength(32, { each: true })
  segmentCodes?: string[] | null;
}

@ObjectType("SegmentPayload", { simpleResolvers: true })
export class SegmentPayload {
  @Field(() => SegmentGql, { nullable: true })
  segment!: SegmentGql | null;

  @Field(() => [UserErrorGql])
  userErrors!: UserErrorGql[];
}

@ObjectType("ProductPayload", { simpleResolvers: true })
export class ProductPayload {
  @Field(() => ProductGql, { nullable: true })
  product!: ProductGql | null;

  @Field(() => [UserErrorGql])
  userErrors!: UserErrorGql[];
}
