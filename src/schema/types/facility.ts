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

@ObjectType("CreditFacility", { implements: Node, simpleResolvers: true })
export class CreditFacilityGql extends Node {
  @Field(() => FacilityStatus)
  status!: FacilityStatus;

  @Field(() => DecimalScalar)
  requestedLimit!: string;

  @Field(() => DecimalScalar, { nullable: true })
  approvedLimit!: string | null;

  @Field(() => DecimalScalar)
  usedAmount!: string;

  @Field(() => DecimalScalar)
  collateralValue!: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "collateralValue / usedAmount; null while nothing is borrowed.",
  })
  maintenanceRatio!: string | null;

  @Field(() => DecimalScalar)
  annualRate!: string;

  @Field(() => DateScalar, { nullable: true })
  startDate!: string | null;

  @Field(() => DateScalar, { nullable: true })
  maturityDate!: string | null;

  @Field(() => Int)
  extensionsUsed!: number;

  @Field(() => String, { nullable: true })
  disclosureVersion!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  disclosureAcknowledgedAt!: Date | null;

  @Field(() => [FitReasonGql])
  decisionReasons!: FitReasonGql[];

  @Field(() => String, { nullable: true })
  approvedBy!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => Int)
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

@ObjectType("ReviewSnapshot", { simpleResolvers: true })
export class ReviewSnapshotGql {
  @Field(() => DecimalScalar, { nullable: true })
  maintenanceRatio!: string | null;

  @Field(() => DecimalScalar)
  usedAmount!: string;

  @Field(() => DecimalScalar)
  approvedLimit!: string;

  @Field(() => CreditRating, { nullable: true })
  creditRating!: CreditRating | null;

  @Field(() => RiskLevel, { nullable: true })
  riskLevel!: RiskLevel | null;

  @Field()
  assessmentExpired!: boolean;

  @Field(() => Int, { nullable: true })
  daysToMaturity!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  recommendedLimit!: string | null;
}

@ObjectType("PostLoanReview", { implements: Node, simpleResolvers: true })
export class PostLoanReviewGql extends Node {
  @Field(() => ReviewTrigger)
  trigger!: ReviewTrigger;

  @Field(() => ReviewStatus)
  status!: ReviewStatus;

  @Field(() => DateScalar)
  dueDate!: string;

  @Field(() => String, { nullable: true })
  assignee!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  completedAt!: Date | null;

  @Field(() => ReviewSnapshotGql, { nullable: true, description: "Metrics captured when the review started." })
  snapshot!: ReviewSnapshotGql | null;

  @Field(() => ReviewOutcome, { nullable: true, description: "Outcome the rules suggest; the reviewer decides." })
  recommendation!: ReviewOutcome | null;

  @Field(() => ReviewOutcome, { nullable: true })
  outcome!: ReviewOutcome | null;

  @Field(() => DecimalScalar, { nullable: true })
  newLimit!: string | null;

  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field(() => Int)
  version!: number;

  clientDbId!: number;
  facilityDbId!: number;
}

export const { Edge: PostLoanReviewEdge, Connection: PostLoanReviewConnection } = connectionTypes(
  "PostLoanReview",
  PostLoanReviewGql,
);
export type PostLoanReviewConnection = InstanceType<typeof PostLoanReviewConnection>;

@ObjectType("Alert", { implements: Node, simpleResolvers: true })
export class AlertGql extends Node {
  @Field(() => AlertKind)
  kind!: AlertKind;

  @Field(() => AlertSeverity)
  severity!: AlertSeverity;

  @Field()
  message!: string;

  @Field(() => DateTimeScalar)
  raisedAt!: Date;

  @Field(() => DateScalar, { nullable: true })
  deadline!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  resolvedAt!: Date | null;

  @Field(() => String, { nullable: true })
  resolvedBy!: string | null;

  clientDbId!: number;
  facilityDbId!: number | null;
}

export const { Edge: AlertEdge, Connection: AlertConnection } = connectionTypes("Alert", AlertGql);
export type AlertConnection = InstanceType<typeof AlertConnection>;

@ObjectType("AuditEntry", { implements: Node, simpleResolvers: true })
export class AuditEntryGql extends Node {
  @Field(() => DateTimeScalar)
  at!: Date;

  @Field()
  actor!: string;

  @Field()
  action!: string;

  @Field()
  entityType!: string;

  @Field(() => ID)
  entityId!: string;

  @Field(() => String, { nullable: true, description: "JSON text of the changed fields, personal data masked." })
  changes!: string | null;
}

export const { Edge: AuditEntryEdge, Connection: AuditEntryConnection } = connectionTypes("AuditEntry", AuditEntryGql);
export type AuditEntryConnection = InstanceType<typeof AuditEntryConnection>;
