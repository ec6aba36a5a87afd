import { ArrayMaxSize, MaxLength } from "class-validator";
import type Decimal from "decimal.js";
import { Field, ID, InputType } from "type-graphql";
import {
  AlertKind,
  AlertSeverity,
  ClientStatus,
  ClientType,
  CreditRating,
  FacilityStatus,
  ReviewStatus,
  ReviewTrigger,
  RiskLevel,
} from "../../domain/enums";
import "../enums";
import { Money } from "../input-rules";
import { DateScalar, DecimalScalar } from "../scalars";

// Enum lists are capped at their enum's size; strings at their column's width.

@InputType("ClientFilter", { description: "Criteria on clients; all given ones must hold." })
export class ClientFilterInput {
  @Field(() => String, { description: "Only clients whose current segment has this code.", nullable: true })
  @MaxLength(32)
  segmentCode?: string | null;

  @Field(() => [ClientType], { description: "Only these client types.", nullable: true })
  @ArrayMaxSize(2)
  types?: ClientType[] | null;

  @Field(() => [ClientStatus], { description: "Only these statuses.", nullable: true })
  @ArrayMaxSize(3)
  statuses?: ClientStatus[] | null;

  @Field(() => [RiskLevel], { description: "Only these risk levels (from the latest portrait).", nullable: true })
  @ArrayMaxSize(5)
  riskLevels?: RiskLevel[] | null;

  @Field(() => [CreditRating], { description: "Only these credit ratings (from the latest portrait).", nullable: true })
  @ArrayMaxSize(7)
  creditRatings?: CreditRating[] | null;

  @Field(() => DecimalScalar, {
    description: "Least 20-day average daily assets, inclusive (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  @Money()
  minAvgDailyAssets?: Decimal | null;

  @Field(() => DecimalScalar, {
    description: "Upper bound of the 20-day average daily assets, exclusive (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  @Money()
  maxAvgDailyAssets?: Decimal | null;

  @Field(() => String, {
    description: "Only this branch (a branch-scoped viewer sees only its own anyway).",
    nullable: true,
  })
  @MaxLength(32)
  branch?: string | null;

  @Field(() => String, { nullable: true, description: "Prefix of clientNo." })
  @MaxLength(32)
  clientNoPrefix?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A clientNo prefix; for viewers who may read personal data also a name prefix, or an exact ID number or phone (SPEC §11).",
  })
  @MaxLength(100)
  search?: string | null;
}

@InputType("FacilityFilter", { description: "Criteria on facilities; all given ones must hold." })
export class FacilityFilterInput {
  @Field(() => [FacilityStatus], { description: "Only these states.", nullable: true })
  @ArrayMaxSize(8)
  statuses?: FacilityStatus[] | null;

  @Field(() => String, { description: "Only facilities on this product.", nullable: true })
  @MaxLength(32)
  productCode?: string | null;

  @Field(() => DateScalar, { description: "Only facilities maturing before this date.", nullable: true })
  maturityBefore?: string | null;
}

@InputType("ReviewFilter", { description: "Criteria on post-loan reviews; all given ones must hold." })
export class ReviewFilterInput {
  @Field(() => [ReviewStatus], { description: "Only these statuses.", nullable: true })
  @ArrayMaxSize(4)
  statuses?: ReviewStatus[] | null;

  @Field(() => [ReviewTrigger], { description: "Only these triggers.", nullable: true })
  @ArrayMaxSize(6)
  triggers?: ReviewTrigger[] | null;

  @Field(() => DateScalar, { description: "Only reviews due before this date.", nullable: true })
  dueBefore?: string | null;

  @Field(() => String, { description: "Only reviews started by this subject.", nullable: true })
  @MaxLength(64)
  assignee?: string | null;
}

@InputType("AlertFilter", { description: "Criteria on alerts; all given ones must hold." })
export class AlertFilterInput {
  @Field(() => [AlertKind], { description: "Only these kinds.", nullable: true })
  @ArrayMaxSize(7)
  kinds?: AlertKind[] | null;

  @Field(() => [AlertSeverity], { description: "Only these severities.", nullable: true })
  @ArrayMaxSize(3)
  severities?: AlertSeverity[] | null;

  @Field(() => Boolean, { description: "Only unresolved alerts.", nullable: true, defaultValue: true })
  openOnly?: boolean | null;
}

@InputType("AuditFilter", { description: "Criteria on audit entries; all given ones must hold." })
export class AuditFilterInput {
  @Field(() => ID, { description: "Only entries about this object (global ID).", nullable: true })
  @MaxLength(128)
  entityId?: string | null;

  @Field(() => String, { description: "Only entries by this subject.", nullable: true })
  @MaxLength(64)
  actor?: string | null;

  @Field(() => String, { description: "Only this action (a mutation's name).", nullable: true })
  @MaxLength(64)
  action?: string | null;
}
