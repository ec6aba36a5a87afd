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

@InputType("ClientFilter")
export class ClientFilterInput {
  @Field(() => String, { nullable: true })
  @MaxLength(32)
  segmentCode?: string | null;

  @Field(() => [ClientType], { nullable: true })
  @ArrayMaxSize(2)
  types?: ClientType[] | null;

  @Field(() => [ClientStatus], { nullable: true })
  @ArrayMaxSize(3)
  statuses?: ClientStatus[] | null;

  @Field(() => [RiskLevel], { nullable: true })
  @ArrayMaxSize(5)
  riskLevels?: RiskLevel[] | null;

  @Field(() => [CreditRating], { nullable: true })
  @ArrayMaxSize(7)
  creditRatings?: CreditRating[] | null;

  @Field(() => DecimalScalar, { nullable: true })
  @Money()
  minAvgDailyAssets?: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true })
  @Money()
  maxAvgDailyAssets?: Decimal | null;

  @Field(() => String, { nullable: true })
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

@InputType("FacilityFilter")
export class FacilityFilterInput {
  @Field(() => [FacilityStatus], { nullable: true })
  @ArrayMaxSize(8)
  statuses?: FacilityStatus[] | null;

  @Field(() => String, { nullable: true })
  @MaxLength(32)
  productCode?: string | null;

  @Field(() => DateScalar, { nullable: true })
  maturityBefore?: string | null;
}

@InputType("ReviewFilter")
export class ReviewFilterInput {
  @Field(() => [ReviewStatus], { nullable: true })
  @ArrayMaxSize(4)
  statuses?: ReviewStatus[] | null;

  @Field(() => [ReviewTrigger], { nullable: true })
  @ArrayMaxSize(6)
  triggers?: ReviewTrigger[] | null;

  @Field(() => DateScalar, { nullable: true })
  dueBefore?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(64)
  assignee?: string | null;
}

@InputType("AlertFilter")
export class AlertFilterInput {
  @Field(() => [AlertKind], { nullable: true })
  @ArrayMaxSize(7)
  kinds?: AlertKind[] | null;

  @Field(() => [AlertSeverity], { nullable: true })
  @ArrayMaxSize(3)
  severities?: AlertSeverity[] | null;

  @Field(() => Boolean, { nullable: true, defaultValue: true })
  openOnly?: boolean | null;
}

@InputType("AuditFilter")
export class AuditFilterInput {
  @Field(() => ID, { nullable: true })
  @MaxLength(128)
  entityId?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(64)
  actor?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(64)
  action?: string | null;
}
