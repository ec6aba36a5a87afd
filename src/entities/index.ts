import { AlertEntity } from "./alert.entity";
import { AssetSnapshotEntity } from "./asset-snapshot.entity";
import { AuditEntryEntity } from "./audit-entry.entity";
import { ClientEntity } from "./client.entity";
import { CreditFacilityEntity } from "./credit-facility.entity";
import { EventEntity } from "./event.entity";
import { FacilityApprovalEntity } from "./facility-approval.entity";
import { FacilityValuationEntity } from "./facility-valuation.entity";
import { IdempotencyKeyEntity } from "./idempotency-key.entity";
import { PersonalDataAccessEntity } from "./personal-data-access.entity";
import { PortraitEntity } from "./portrait.entity";
import { PostLoanReviewEntity } from "./post-loan-review.entity";
import { ProductSegmentEntity } from "./product-segment.entity";
import { ProductEntity } from "./product.entity";
import { RiskAssessmentEntity } from "./risk-assessment.entity";
import { SatisfactionResponseEntity } from "./satisfaction-response.entity";
import { SegmentSnapshotEntity } from "./segment-snapshot.entity";
import { SegmentEntity } from "./segment.entity";
import { TradeEntity } from "./trade.entity";

export {
  AlertEntity,
  AssetSnapshotEntity,
  AuditEntryEntity,
  ClientEntity,
  CreditFacilityEntity,
  EventEntity,
  FacilityApprovalEntity,
  FacilityValuationEntity,
  IdempotencyKeyEntity,
  PersonalDataAccessEntity,
  PortraitEntity,
  PostLoanReviewEntity,
  ProductEntity,
  ProductSegmentEntity,
  RiskAssessmentEntity,
  SatisfactionResponseEntity,
  SegmentEntity,
  SegmentSnapshotEntity,
  TradeEntity,
};

export const ENTITIES = [
  ClientEntity,
  RiskAssessmentEntity,
  AssetSnapshotEntity,
  TradeEntity,
  PortraitEntity,
  SegmentEntity,
  ProductEntity,
  ProductSegmentEntity,
  CreditFacilityEntity,
  FacilityApprovalEntity,
  IdempotencyKeyEntity,
  PostLoanReviewEntity,
  AlertEntity,
  AuditEntryEntity,
  EventEntity,
  PersonalDataAccessEntity,
  FacilityValuationEntity,
  SegmentSnapshotEntity,
  SatisfactionResponseEntity,
];
