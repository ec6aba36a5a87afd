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

@InputType("SegmentCriteriaInput", {
  description: "A segment's criteria; an omitted or null criterion is not checked (SPEC §4).",
})
export class SegmentCriteriaInput {
  @Field(() => DecimalScalar, {
    description: "Lowest 20-day average daily assets, inclusive (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  @Money()
  minAvgDailyAssets?: Decimal | null;

  @Field(() => DecimalScalar, {
    description:
      "Upper bound of the 20-day average daily assets, exclusive so tiers never overlap (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  @Money()
  maxAvgDailyAssets?: Decimal | null;

  @Field(() => [ClientType], { description: "Client types admitted; null or empty admits every type.", nullable: true })
  @ArrayMaxSize(2)
  clientTypes?: ClientType[] | null;

  @Field(() => [InvestorCategory], {
    description: "Investor categories admitted; null or empty admits every category.",
    nullable: true,
  })
  @ArrayMaxSize(2)
  investorCategories?: InvestorCategory[] | null;

  @Field(() => [RiskLevel], {
    description: "Risk levels admitted; a client without a valid assessment fails this check.",
    nullable: true,
  })
  @ArrayMaxSize(5)
  riskLevels?: RiskLevel[] | null;

  @Field(() => [InvestmentHorizon], {
    description: "Investment horizons admitted; a client without a horizon fails this check.",
    nullable: true,
  })
  @ArrayMaxSize(3)
  horizons?: InvestmentHorizon[] | null;

  @Field(() => Int, { description: "Least whole months of trading experience.", nullable: true })
  minExperienceMonths?: number | null;

  @Field(() => CreditRating, {
    description: "Lowest credit rating admitted (this rating or a better one).",
    nullable: true,
  })
  minCreditRating?: CreditRating | null;
}

@InputType("ServiceStrategyInput", { description: "How the clients of a segment are served." })
export class ServiceStrategyInput {
  @Field(() => ApprovalTier, { description: "Who approves a facility applied for by a client of this segment." })
  approvalTier!: ApprovalTier;

  @Field(() => Int, { description: "Days between periodic post-loan reviews of the segment's facilities." })
  reviewIntervalDays!: number;

  @Field({ description: "Whether the segment's clients get a dedicated advisory service." })
  advisoryService!: boolean;
}

@InputType("UpsertSegmentInput", { description: "A segment to create, or to replace when its code exists." })
export class UpsertSegmentInput {
  @Field({ description: "Stable segment code (e.g. `A`); creates the segment when new, replaces it otherwise." })
  @MaxLength(32)
  code!: string;

  @Field({ description: "Display name." })
  @MaxLength(100)
  name!: string;

  @Field(() => String, { description: "Free text shown to relationship managers.", nullable: true })
  @MaxLength(1000)
  description?: string | null;

  @Field(() => Int, {
    description: "Lower is checked first: a client belongs to the matching active segment of lowest priority.",
  })
  priority!: number;

  @Field(() => Boolean, {
    description: "Inactive segments are kept but match no client.",
    nullable: true,
    defaultValue: true,
  })
  active?: boolean | null;

  @Field(() => SegmentCriteriaInput, { description: "What a client must meet to belong to the segment." })
  @ValidateNested()
  criteria!: SegmentCriteriaInput;

  @Field(() => ServiceStrategyInput, { description: "How the segment's clients are served." })
  @ValidateNested()
  strategy!: ServiceStrategyInput;
}

@InputType("ProductEligibilityInput", {
  description: "A product's own eligibility rules, checked on top of suitability (SPEC §4).",
})
export class ProductEligibilityInput {
  @Field(() => DecimalScalar, {
    description: "Lowest 20-day average daily assets (CNY, a Decimal string with 2 decimals).",
    nullable: true,
    defaultValue: "500000",
  })
  @Money()
  minAvgDailyAssets?: Decimal | string | null;

  @Field(() => Int, { description: "Least whole months of trading experience.", nullable: true, defaultValue: 6 })
  minExperienceMonths?: number | null;

  @Field(() => CreditRating, {
    description: "Lowest credit rating admitted (this rating or a better one).",
    nullable: true,
    defaultValue: CreditRating.B,
  })
  minCreditRating?: CreditRating | null;

  @Field(() => [ClientType], { description: "Client types admitted; null or empty admits every type.", nullable: true })
  @ArrayMaxSize(2)
  clientTypes?: ClientType[] | null;

  @Field(() => Boolean, {
    description: "Only PROFESSIONAL investors may take the product.",
    nullable: true,
    defaultValue: false,
  })
  professionalOnly?: boolean | null;
}

@InputType("UpsertProductInput", { description: "A margin product to create, or to replace when its code exists." })
export class UpsertProductInput {
  @Field({ description: "Stable product code; creates the product when new, replaces it otherwise." })
  @MaxLength(32)
  code!: string;

  @Field({ description: "Display name." })
  @MaxLength(100)
  name!: string;

  @Field(() => ProductKind, { description: "Kind of financing." })
  kind!: ProductKind;

  @Field(() => ProductRiskLevel, {
    description: "Product risk rating; a client's risk level must be at least as high (suitability).",
  })
  riskLevel!: ProductRiskLevel;

  @Field(() => InvestmentHorizon, { description: "Intended investment horizon, used in the fit score." })
  horizon!: InvestmentHorizon;

  @Field(() => Boolean, {
    description: "Inactive products are kept but offered to nobody.",
    nullable: true,
    defaultValue: true,
  })
  active?: boolean | null;

  @Field(() => DecimalScalar, { description: "Smallest credit limit offered (CNY, a Decimal string with 2 decimals)." })
  @Money()
  minLimit!: Decimal;

  @Field(() => DecimalScalar, { description: "Largest credit limit offered (CNY, a Decimal string with 2 decimals)." })
  @Money()
  maxLimit!: Decimal;

  @Field(() => Int, { description: "Days from signing to maturity; each extension adds as many." })
  termDays!: number;

  @Field(() => Int, { description: "How many times a facility may be extended." })
  maxExtensions!: number;

  @Field(() => DecimalScalar, {
    description: 'Annual interest rate, e.g. "0.0835" (a Decimal ratio string with 4 decimals).',
  })
  @Ratio()
  annualRate!: Decimal;

  @Field(() => DecimalScalar, {
    description: "Margin ratio required to open a position (a Decimal ratio string with 4 decimals).",
    nullable: true,
    defaultValue: "1.0000",
  })
  @Ratio()
  initialMarginRatio?: Decimal | string | null;

  @Field(() => DecimalScalar, {
    description:
      "Maintenance ratio below which a MAINTENANCE_WARNING alert is raised (a Decimal ratio string with 4 decimals).",
    nullable: true,
    defaultValue: "1.5000",
  })
  @Ratio()
  warningLine?: Decimal | string | null;

  @Field(() => DecimalScalar, {
    description:
      "Maintenance ratio below which the facility goes to MARGIN_CALL (a Decimal ratio string with 4 decimals).",
    nullable: true,
    defaultValue: "1.3000",
  })
  @Ratio()
  marginCallLine?: Decimal | string | null;

  @Field(() => DecimalScalar, {
    description:
      "Maintenance ratio below which the facility goes to LIQUIDATING (a Decimal ratio string with 4 decimals).",
    nullable: true,
    defaultValue: "1.1000",
  })
  @Ratio()
  liquidationLine?: Decimal | string | null;

  @Field(() => DecimalScalar, {
    description:
      "Maintenance ratio above which the client may withdraw collateral (a Decimal ratio string with 4 decimals).",
    nullable: true,
    defaultValue: "3.0000",
  })
  @Ratio()
  withdrawalLine?: Decimal | string | null;

  @Field(() => ProductEligibilityInput, { description: "The product's own eligibility rules." })
  @ValidateNested()
  eligibility!: ProductEligibilityInput;

  @Field(() => [String], {
    description:
      "Segments the product is offered to (SEGMENT check: a client in another segment is not eligible); empty offers it to every segment.",
    nullable: true,
    defaultValue: [],
  })
  @ArrayMaxSize(50)
  @MaxLength(32, { each: true })
  segmentCodes?: string[] | null;
}

@ObjectType("SegmentPayload", { description: "Result of upsertSegment.", simpleResolvers: true })
export class SegmentPayload {
  @Field(() => SegmentGql, { description: "The segment as stored; null when refused.", nullable: true })
  segment!: SegmentGql | null;

  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}

@ObjectType("ProductPayload", { description: "Result of upsertProduct.", simpleResolvers: true })
export class ProductPayload {
  @Field(() => ProductGql, { description: "The product as stored; null when refused.", nullable: true })
  product!: ProductGql | null;

  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}
