import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type Decimal from "decimal.js";
import { CreditRating, ReviewOutcome, ReviewStatus, ReviewTrigger, RiskLevel } from "../domain/enums";
import { ClientEntity } from "./client.entity";
import { codeColumn, dateColumn, instantColumn, moneyColumn } from "./columns";
import { CreditFacilityEntity } from "./credit-facility.entity";

export interface StoredReviewSnapshot {
  maintenanceRatio: string | null;
  usedAmount: string;
  approvedLimit: string;
  creditRating: CreditRating | null;
  riskLevel: RiskLevel | null;
  assessmentExpired: boolean;
  daysToMaturity: number | null;
  recommendedLimit: string | null;
}

@Entity("post_loan_review")
@Index("IDX_review_created", ["createdAt", "id"])
@Index("IDX_review_client", ["clientId", "createdAt", "id"])
@Index("IDX_review_facility", ["facilityId", "createdAt", "id"])
@Index("IDX_review_status_due", ["status", "dueDate"])
@Index("IDX_review_dueDate", ["dueDate", "id"])
@Index("UQ_review_open", ["facilityId", "trigger", "openSlot"], { unique: true })
export class PostLoanReviewEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "int" })
  clientId!: number;

  @ManyToOne(() => ClientEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "clientId" })
  client?: ClientEntity;

  @Column({ type: "int" })
  facilityId!: number;

  @ManyToOne(() => CreditFacilityEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "facilityId" })
  facility?: CreditFacilityEntity;

  @Column({ type: "simple-enum", enum: ReviewTrigger })
  trigger!: ReviewTrigger;

  @Column({ type: "simple-enum", enum: ReviewStatus })
  status!: ReviewStatus;

  @Column(dateColumn())
  dueDate!: string;

  @Column(codeColumn(64, { nullable: true }))
  assignee!: string | null;

  @Column(instantColumn({ nullable: true }))
  startedAt!: Date | null;

  @Column(instantColumn({ nullable: true }))
  completedAt!: Date | null;

  @Column({ type: "simple-json", nullable: true })
  snapshot!: StoredReviewSnapshot | null;

  @Column({ type: "simple-enum", enum: ReviewOutcome, nullable: true })
  recommendation!: ReviewOutcome | null;

  @Column({ type: "simple-enum", enum: ReviewOutcome, nullable: true })
  outcome!: ReviewOutcome | null;

  @Column(moneyColumn({ nullable: true }))
  newLimit!: Decimal | null;

  @Column({ type: "varchar", length: 2000, nullable: true })
  notes!: string | null;

  @Column(instantColumn())
  createdAt!: Date;

  @Column(instantColumn())
  updatedAt!: Date;

  @Column({ type: "int", default: 1 })
  version!: number;

  /**
   * SPEC §10 "never twice", held by the database: 1 while the review is open (SCHEDULED or
   * IN_PROGRESS), NULL after; UQ_review_open allows one open review of a trigger per facility.
   */
  @Column({
    type: "int",
    nullable: true,
    generatedType: "STORED",
    asExpression: "CASE WHEN status IN ('SCHEDULED', 'IN_PROGRESS') THEN 1 ELSE NULL END",
    insert: false,
    update: false,
    select: false,
  })
  openSlot?: number | null;
}
