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

@InputType("ApplyForFacilityInput", { description: "A client's application for a credit facility on a product." })
export class ApplyForFacilityInput {
  @Field(() => ID, { description: "Global ID of the client." }) @MaxLength(64) clientId!: string;
  @Field(() => ID, { description: "Global ID of the product." }) @MaxLength(64) productId!: string;
  @Field(() => DecimalScalar, { description: "Limit applied for (CNY, a Decimal string with 2 decimals)." })
  @Money()
  requestedLimit!: Decimal;
}

@InputType("ApproveFacilityInput", { description: "A risk officer's decision on a PENDING_APPROVAL facility." })
export class ApproveFacilityInput {
  @Field(() => ID, { description: "Global ID of the facility." }) @MaxLength(64) facilityId!: string;
  @Field({ description: "True approves, false rejects (→ REJECTED)." }) approve!: boolean;
  @Field(() => DecimalScalar, {
    description:
      "Limit granted; at most the requested and the recommended limit now (LIMIT_EXCEEDED). Default: the facility's approved limit (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  @Money()
  approvedLimit?: Decimal | null;
  @Field(() => String, { description: "Officer's note, kept in the audit entry.", nullable: true })
  @MaxLength(1000)
  note?: string | null;
  @Field(() => Int, {
    ...VERSION,
    description: "The `version` the caller last read; another value is CONFLICT and nothing is written (SPEC §5).",
  })
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  expectedVersion!: number;
}

@InputType("SignFacilityInput", {
  description: "The client's signature of an approved facility, with the risk disclosure acknowledged.",
})
export class SignFacilityInput {
  @Field(() => ID, { description: "Global ID of the facility." }) @MaxLength(64) facilityId!: string;
  @Field({
    description:
      "Risk-disclosure version shown to the client; must be the current one (RISK_DISCLOSURE_VERSION), else INVALID.",
  })
  @MaxLength(32)
  disclosureVersion!: string;
  @Field({ description: "The client acknowledged the disclosure; false is INVALID." }) acknowledged!: boolean;
  @Field(() => Int, {
    ...VERSION,
    description: "The `version` the caller last read; another value is CONFLICT and nothing is written (SPEC §5).",
  })
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  expectedVersion!: number;
}

@InputType("FacilityValuationInput", { description: "One facility's end-of-day valuation." })
export class FacilityValuationInput {
  @Field(() => ID, { description: "Global ID of the facility." }) @MaxLength(64) facilityId!: string;
  @Field(() => DateScalar, { description: "Trading date valued; not after today." }) @Fact() asOf!: string;
  @Field(() => DecimalScalar, { description: "Amount borrowed (CNY, a Decimal string with 2 decimals)." })
  @Money()
  usedAmount!: Decimal;
  @Field(() => DecimalScalar, { description: "Collateral value (CNY, a Decimal string with 2 decimals)." })
  @Money()
  collateralValue!: Decimal;
}

@InputType("RecordFacilityValuationsInput", { description: "A batch of valuations, applied all or nothing." })
export class RecordFacilityValuationsInput {
  @Field(() => [FacilityValuationInput], { description: "1 to 5,000 valuations." })
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  valuations!: FacilityValuationInput[];
}

@InputType("ExtendFacilityInput", { description: "Extension of an ACTIVE facility by one term." })
export class ExtendFacilityInput {
  @Field(() => ID, { description: "Global ID of the facility." }) @MaxLength(64) facilityId!: string;
  @Field(() => Int, {
    ...VERSION,
    description: "The `version` the caller last read; another value is CONFLICT and nothing is written (SPEC §5).",
  })
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  expectedVersion!: number;
}

@InputType("CloseFacilityInput", { description: "Closing a facility with nothing borrowed." })
export class CloseFacilityInput {
  @Field(() => ID, { description: "Global ID of the facility." }) @MaxLength(64) facilityId!: string;
  @Field(() => Int, {
    ...VERSION,
    description: "The `version` the caller last read; another value is CONFLICT and nothing is written (SPEC §5).",
  })
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  expectedVersion!: number;
}

@InputType("ProcessMaturitiesInput", { description: "Run of the maturity and assessment-expiry job." })
export class ProcessMaturitiesInput {
  @Field(() => DateScalar, { description: "Date the job runs for; default today, never after today." })
  @Fact()
  asOf!: string;
}

@InputType("ScheduleReviewsInput", { description: "Run of the periodic-review scheduler." })
export class ScheduleReviewsInput {
  @Field(() => DateScalar, { description: "Date the job runs for; default today, never after today." })
  @Fact()
  asOf!: string;
}

@InputType("CreateReviewInput", { description: "A MANUAL review of one facility." })
export class CreateReviewInput {
  @Field(() => ID, { description: "Global ID of the facility." }) @MaxLength(64) facilityId!: string;
  @Field(() => DateScalar, { description: "Date by which it should be completed." }) dueDate!: string;
  @Field(() => String, { description: "Why it is opened.", nullable: true }) @MaxLength(2000) notes?: string | null;
}

@InputType("StartReviewInput", { description: "Starting a SCHEDULED review." })
export class StartReviewInput {
  @Field(() => ID, { description: "Global ID of the review." }) @MaxLength(64) reviewId!: string;
  @Field(() => Int, {
    ...VERSION,
    description: "The `version` the caller last read; another value is CONFLICT and nothing is written (SPEC §5).",
  })
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  expectedVersion!: number;
}

@InputType("CompleteReviewInput", {
  description: "The outcome of an IN_PROGRESS review, applied to the facility in the same transaction.",
})
export class CompleteReviewInput {
  @Field(() => ID, { description: "Global ID of the review." }) @MaxLength(64) reviewId!: string;
  @Field(() => ReviewOutcome, { description: "The decision." }) outcome!: ReviewOutcome;
  @Field(() => DecimalScalar, {
    description:
      "New approved limit; required with INCREASE_LIMIT and DECREASE_LIMIT, refused (INVALID) with other outcomes (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  @Money()
  newLimit?: Decimal | null;
  @Field(() => String, { description: "Reviewer's notes.", nullable: true }) @MaxLength(2000) notes?: string | null;
  @Field(() => Int, {
    ...VERSION,
    description: "The `version` the caller last read; another value is CONFLICT and nothing is written (SPEC §5).",
  })
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  expectedVersion!: number;
}

@InputType("CancelReviewInput", { description: "Cancelling a SCHEDULED or IN_PROGRESS review." })
export class CancelReviewInput {
  @Field(() => ID, { description: "Global ID of the review." }) @MaxLength(64) reviewId!: string;
  @Field({ description: "Why; kept in the review's notes." }) @MaxLength(2000) reason!: string;
  @Field(() => Int, {
    ...VERSION,
    description: "The `version` the caller last read; another value is CONFLICT and nothing is written (SPEC §5).",
  })
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  expectedVersion!: number;
}

@InputType("ResolveAlertInput", { description: "Resolving an open alert." })
export class ResolveAlertInput {
  @Field(() => ID, { description: "Global ID of the alert." }) @MaxLength(64) alertId!: string;
  @Field(() => String, { description: "How it was resolved, kept in the audit entry.", nullable: true })
  @MaxLength(1000)
  note?: string | null;
}

@ObjectType("FacilityPayload", { description: "Result of a facility mutation.", simpleResolvers: true })
export class FacilityPayload {
  @Field(() => CreditFacilityGql, {
    description:
      "The facility after the write (a refused application is kept REJECTED and returned); null when nothing was written.",
    nullable: true,
  })
  facility!: CreditFacilityGql | null;
  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}

@ObjectType("ValuationsPayload", { description: "Result of recordFacilityValuations.", simpleResolvers: true })
export class ValuationsPayload {
  @Field(() => [CreditFacilityGql], { description: "Every valued facility after the write; empty when refused." })
  facilities!: CreditFacilityGql[];
  @Field(() => Int, { description: "Alerts raised by the batch." }) alertsRaised!: number;
  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}

@ObjectType("BatchPayload", { description: "Result of a batch job.", simpleResolvers: true })
export class BatchPayload {
  @Field(() => Int, { description: "How many records the job changed or created." }) count!: number;
  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}

@ObjectType("ReviewPayload", { description: "Result of a review mutation.", simpleResolvers: true })
export class ReviewPayload {
  @Field(() => PostLoanReviewGql, { description: "The review after the write; null when refused.", nullable: true })
  review!: PostLoanReviewGql | null;
  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}

@ObjectType("AlertPayload", { description: "Result of resolveAlert.", simpleResolvers: true })
export class AlertPayload {
  @Field(() => AlertGql, { description: "The alert after the write; null when refused.", nullable: true })
  alert!: AlertGql | null;
  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}
