import { ArrayMaxSize, IsInt, Max, MaxLength, Min, ValidateNested } from "class-validator";
import type Decimal from "decimal.js";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { ReviewOutcome } from "../../domain/enums";
import "../enums";
import { DateScalar, DecimalScalar } from "../scalars";
import { Fact, Money } from "../input-rules";
import { AlertGql, CreditFacilityGql, PostLoanReviewGql } from "./facility";
import { UserErrorGql } from "./payloads";

const VERSION = { nullable: false } as const;

@InputType("ApplyForFacilityInput")
export class ApplyForFacilityInput {
  @Field(() => ID) @MaxLength(64) clientId!: string;
  @Field(() => ID) @MaxLength(64) productId!: string;
  @Field(() => DecimalScalar) @Money() requestedLimit!: Decimal;
}

@InputType("ApproveFacilityInput")
export class ApproveFacilityInput {
  @Field(() => ID) @MaxLength(64) facilityId!: string;
  @Field() approve!: boolean;
  @Field(() => DecimalScalar, { nullable: true }) @Money() approvedLimit?: Decimal | null;
  @Field(() => String, { nullable: true }) @MaxLength(1000) note?: string | null;
  @Field(() => Int, VERSION) @IsInt() @Min(1) @Max(2_000_000_000) expectedVersion!: number;
}

@InputType("SignFacilityInput")
export class SignFacilityInput {
  @Field(() => ID) @MaxLength(64) facilityId!: string;
  @Field() @MaxLength(32) disclosureVersion!: string;
  @Field() acknowledged!: boolean;
  @Field(() => Int, VERSION) @IsInt() @Min(1) @Max(2_000_000_000) expectedVersion!: number;
}

@InputType("FacilityValuationInput")
export class FacilityValuationInput {
  @Field(() => ID) @MaxLength(64) facilityId!: string;
  @Field(() => DateScalar) @Fact() asOf!: string;
  @Field(() => DecimalScalar) @Money() usedAmount!: Decimal;
  @Field(() => DecimalScalar) @Money() collateralValue!: Decimal;
}

@InputType("RecordFacilityValuationsInput")
export class RecordFacilityValuationsInput {
  @Field(() => [FacilityValuationInput])
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  valuations!: FacilityValuationInput[];
}

@InputType("ExtendFacilityInput")
export class ExtendFacilityInput {
  @Field(() => ID) @MaxLength(64) facilityId!: string;
  @Field(() => Int, VERSION) @IsInt() @Min(1) @Max(2_000_000_000) expectedVersion!: number;
}

@InputType("CloseFacilityInput")
export class CloseFacilityInput {
  @Field(() => ID) @MaxLength(64) facilityId!: string;
  @Field(() => Int, VERSION) @IsInt() @Min(1) @Max(2_000_000_000) expectedVersion!: number;
}

@InputType("ProcessMaturitiesInput")
export class ProcessMaturitiesInput {
  @Field(() => DateScalar) @Fact() asOf!: string;
}

@InputType("ScheduleReviewsInput")
export class ScheduleReviewsInput {
  @Field(() => DateScalar) @Fact() asOf!: string;
}

@InputType("CreateReviewInput")
export class CreateReviewInput {
  @Field(() => ID) @MaxLength(64) facilityId!: string;
  @Field(() => DateScalar) dueDate!: string;
  @Field(() => String, { nullable: true }) @MaxLength(2000) notes?: string | null;
}

@InputType("StartReviewInput")
export class StartReviewInput {
  @Field(() => ID) @MaxLength(64) reviewId!: string;
  @Field(() => Int, VERSION) @IsInt() @Min(1) @Max(2_000_000_000) expectedVersion!: number;
}

@InputType("CompleteReviewInput")
export class CompleteReviewInput {
  @Field(() => ID) @MaxLength(64) reviewId!: string;
  @Field(() => ReviewOutcome) outcome!: ReviewOutcome;
  @Field(() => DecimalScalar, { nullable: true }) @Money() newLimit?: Decimal | null;
  @Field(() => String, { nullable: true }) @MaxLength(2000) notes?: string | null;
  @Field(() => Int, VERSION) @IsInt() @Min(1) @Max(2_000_000_000) expectedVersion!: number;
}

@InputType("CancelReviewInput")
export class CancelReviewInput {
  @Field(() => ID) @MaxLength(64) reviewId!: string;
  @Field() @MaxLength(2000) reason!: string;
  @Field(() => Int, VERSION) @IsInt() @Min(1) @Max(2_000_000_000) expectedVersion!: number;
}

@InputType("ResolveAlertInput")
export class ResolveAlertInput {
  @Field(() => ID) @MaxLength(64) alertId!: string;
  @Field(() => String, { nullable: true }) @MaxLength(1000) note?: string | null;
}

@ObjectType("FacilityPayload", { simpleResolvers: true })
export class FacilityPayload {
  @Field(() => CreditFacilityGql, { nullable: true }) facility!: CreditFacilityGql | null;
  @Field(() => [UserErrorGql]) userErrors!: UserErrorGql[];
}

@ObjectType("ValuationsPayload", { simpleResolvers: true })
export class ValuationsPayload {
  @Field(() => [CreditFacilityGql]) facilities!: CreditFacilityGql[];
  @Field(() => Int) alertsRaised!: number;
  @Field(() => [UserErrorGql]) userErrors!: UserErrorGql[];
}

@ObjectType("BatchPayload", { simpleResolvers: true })
export class BatchPayload {
  @Field(() => Int) count!: number;
  @Field(() => [UserErrorGql]) userErrors!: UserErrorGql[];
}

@ObjectType("ReviewPayload", { simpleResolvers: true })
export class ReviewPayload {
  @Field(() => PostLoanReviewGql, { nullable: true }) review!: PostLoanReviewGql | null;
  @Field(() => [UserErrorGql]) userErrors!: UserErrorGql[];
}

@ObjectType("AlertPayload", { simpleResolvers: true })
export class AlertPayload {
  @Field(() => AlertGql, { nullable: true }) alert!: AlertGql | null;
  @Field(() => [UserErrorGql]) userErrors!: UserErrorGql[];
}
