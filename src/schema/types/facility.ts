import { Field, ID, Int, ObjectType } from "type-graphql";
import {
  AlertKind,
  AlertSeverity,
  CreditRating,
  FacilityStatus,
  ReviewOutcome,
  ReviewStatus,
  ReviewTrigger,
  RiskLevel,
} from "../../domain/enums";
import "../enums";
import { DateScalar, DateTimeScalar, DecimalScalar } from "../scalars";
import { FitReasonGql } from "./catalogue";
import { connectionTypes } from "./connection";
import { Node } from "./node";

@ObjectType("CreditFacility", {
  description: "A margin credit facility (授信) of a client on a product, through its lifecycle (SPEC §5).",
  implements: Node,
  simpleResolvers: true,
})
export class CreditFacilityGql extends Node {
  @Field(() => FacilityStatus, { description: "Lifecycle state; open in every state but REJECTED and CLOSED." })
  status!: FacilityStatus;

  @Field(() => DecimalScalar, { description: "Limit the client applied for (CNY, a Decimal string with 2 decimals)." })
  requestedLimit!: string;

  @Field(() => DecimalScalar, {
    description: "Limit granted; null until decided (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  approvedLimit!: string | null;

  @Field(() => DecimalScalar, {
    description: "Amount borrowed, as of the latest valuation (CNY, a Decimal string with 2 decimals).",
  })
  usedAmount!: string;

  @Field(() => DecimalScalar, {
    description: "Collateral value, as of the latest valuation (CNY, a Decimal string with 2 decimals).",
  })
  collateralValue!: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "collateralValue / usedAmount; null while nothing is borrowed.",
  })
  maintenanceRatio!: string | null;

  @Field(() => DecimalScalar, {
    description: "Annual interest rate, from the product when applied for (a Decimal ratio string with 4 decimals).",
  })
  annualRate!: string;

  @Field(() => DateScalar, { description: "Date signed (ACTIVE from then); null before.", nullable: true })
  startDate!: string | null;

  @Field(() => DateScalar, {
    description: "startDate plus termDays, plus termDays per extension; null before signing.",
    nullable: true,
  })
  maturityDate!: string | null;

  @Field(() => Int, { description: "Extensions so far (at most the product's maxExtensions)." })
  extensionsUsed!: number;

  @Field(() => String, {
    description: "Risk-disclosure version the client acknowledged when signing; null before.",
    nullable: true,
  })
  disclosureVersion!: string | null;

  @Field(() => DateTimeScalar, {
    description: "When the disclosure was acknowledged (UTC); null before signing.",
    nullable: true,
  })
  disclosureAcknowledgedAt!: Date | null;

  @Field(() => [FitReasonGql], {
    description: "Why the facility was refused (the failed checks of the fit); empty otherwise.",
  })
  decisionReasons!: FitReasonGql[];

  @Field(() => String, {
    description: "Subject of the officer whose approval moved it on (`system` for the AUTO tier); null before.",
    nullable: true,
  })
  approvedBy!: string | null;

  @Field(() => DateTimeScalar, { description: "When it was applied for (UTC)." })
  createdAt!: Date;

  @Field(() => Int, { description: "Bumped by every write; send it as expectedVersion (optimistic concurrency)." })
  version!: number;

  dbId!: number;
  clientDbId!: number;
  productDbId!: number;
}

export const { Edge: CreditFacilityEdge, Connection: CreditFacilityConnection } = connectionTypes(
  "CreditFacility",
  CreditFacilityGql,
);
export type CreditFacilityConnection = InstanceType<typeof CreditFacilityConnection>;

@ObjectType("ReviewSnapshot", {
  description: "The facility's figures captured when the review started.",
  simpleResolvers: true,
})
export class ReviewSnapshotGql {
  @Field(() => DecimalScalar, {
    description: "Collateral ÷ used amount; null when nothing is borrowed (a Decimal ratio string with 4 decimals).",
    nullable: true,
  })
  maintenanceRatio!: string | null;

  @Field(() => DecimalScalar, { description: "Amount borrowed (CNY, a Decimal string with 2 decimals)." })
  usedAmount!: string;

  @Field(() => DecimalScalar, { description: "Approved limit (CNY, a Decimal string with 2 decimals)." })
  approvedLimit!: string;

  @Field(() => CreditRating, {
    description: "Client's credit rating from its latest portrait; null without one.",
    nullable: true,
  })
  creditRating!: CreditRating | null;

  @Field(() => RiskLevel, { description: "Client's risk level; null without a valid assessment.", nullable: true })
  riskLevel!: RiskLevel | null;

  @Field({ description: "The client's assessment had expired." })
  assessmentExpired!: boolean;

  @Field(() => Int, {
    description: "Days from the review's start to the maturity date; null without a maturity date.",
    nullable: true,
  })
  daysToMaturity!: number | null;

  @Field(() => DecimalScalar, {
    description:
      "Limit the product fit recommended then; null when not computable (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  recommendedLimit!: string | null;
}

@ObjectType("PostLoanReview", {
  description: "A post-loan review (贷后检查) of one facility (SPEC §5).",
  implements: Node,
  simpleResolvers: true,
})
export class PostLoanReviewGql extends Node {
  @Field(() => ReviewTrigger, { description: "Why the review was opened." })
  trigger!: ReviewTrigger;

  @Field(() => ReviewStatus, { description: "SCHEDULED → IN_PROGRESS → COMPLETED, or CANCELLED." })
  status!: ReviewStatus;

  @Field(() => DateScalar, { description: "Date by which it should be completed." })
  dueDate!: string;

  @Field(() => String, { description: "Subject of the officer who started it; null while SCHEDULED.", nullable: true })
  assignee!: string | null;

  @Field(() => DateTimeScalar, { description: "When it was started (UTC).", nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { description: "When it was completed (UTC).", nullable: true })
  completedAt!: Date | null;

  @Field(() => ReviewSnapshotGql, { nullable: true, description: "Metrics captured when the review started." })
  snapshot!: ReviewSnapshotGql | null;

  @Field(() => ReviewOutcome, { nullable: true, description: "Outcome the rules suggest; the reviewer decides." })
  recommendation!: ReviewOutcome | null;

  @Field(() => ReviewOutcome, { description: "The decision taken on completion; null before.", nullable: true })
  outcome!: ReviewOutcome | null;

  @Field(() => DecimalScalar, {
    description:
      "New approved limit for INCREASE_LIMIT or DECREASE_LIMIT; null otherwise (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  newLimit!: string | null;

  @Field(() => String, { description: "Reviewer's notes (a cancellation's reason is kept here).", nullable: true })
  notes!: string | null;

  @Field(() => Int, { description: "Bumped by every write; send it as expectedVersion." })
  version!: number;

  clientDbId!: number;
  facilityDbId!: number;
}

export const { Edge: PostLoanReviewEdge, Connection: PostLoanReviewConnection } = connectionTypes(
  "PostLoanReview",
  PostLoanReviewGql,
);
export type PostLoanReviewConnection = InstanceType<typeof PostLoanReviewConnection>;

@ObjectType("Alert", {
  description: "A risk alert on a client or one of its facilities; at most one open alert of a kind per facility.",
  implements: Node,
  simpleResolvers: true,
})
export class AlertGql extends Node {
  @Field(() => AlertKind, { description: "What happened." })
  kind!: AlertKind;

  @Field(() => AlertSeverity, { description: "How urgent." })
  severity!: AlertSeverity;

  @Field({ description: "Human-readable text; it carries no personal data." })
  message!: string;

  @Field(() => DateTimeScalar, { description: "When it was raised (UTC)." })
  raisedAt!: Date;

  @Field(() => DateScalar, {
    description: "For a MARGIN_CALL: the date by which margin must be restored (asOf + 2 weekdays); null otherwise.",
    nullable: true,
  })
  deadline!: string | null;

  @Field(() => DateTimeScalar, { description: "When it was resolved (UTC); null while open.", nullable: true })
  resolvedAt!: Date | null;

  @Field(() => String, {
    description: "Subject who resolved it (`system` when the facility recovered); null while open.",
    nullable: true,
  })
  resolvedBy!: string | null;

  clientDbId!: number;
  facilityDbId!: number | null;
}

export const { Edge: AlertEdge, Connection: AlertConnection } = connectionTypes("Alert", AlertGql);
export type AlertConnection = InstanceType<typeof AlertConnection>;

@ObjectType("AuditEntry", {
  description: "One audited write: who did what to which object, when (COMPLIANCE, ADMIN).",
  implements: Node,
  simpleResolvers: true,
})
export class AuditEntryGql extends Node {
  @Field(() => DateTimeScalar, { description: "When the write committed (UTC)." })
  at!: Date;

  @Field({ description: "Token subject that made the write (`system` for the batch jobs)." })
  actor!: string;

  @Field({ description: "The mutation's name (e.g. `approveFacility`), or `refreshPortraits` for the batch." })
  action!: string;

  @Field({ description: "Type of the object written, e.g. `CreditFacility`." })
  entityType!: string;

  @Field(() => ID, { description: "Global ID of the object written; for a batch job's entry, the job's key." })
  entityId!: string;

  @Field(() => String, { nullable: true, description: "JSON text of the changed fields, personal data masked." })
  changes!: string | null;
}

export const { Edge: AuditEntryEdge, Connection: AuditEntryConnection } = connectionTypes("AuditEntry", AuditEntryGql);
export type AuditEntryConnection = InstanceType<typeof AuditEntryConnection>;
