import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import type Decimal from "decimal.js";
import {
  ApprovalTier,
  ClientType,
  CreditRating,
  InvestmentHorizon,
  InvestorCategory,
  RiskLevel,
} from "../domain/enums";
import { codeColumn, instantColumn, moneyColumn } from "./columns";

@Entity("segment")
@Index("UQ_segment_code", ["code"], { unique: true })
@Index("IDX_segment_active_priority", ["active", "priority", "code"])
export class SegmentEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(codeColumn(32))
  code!: string;

  @Column(codeColumn(100))
  name!: string;

  @Column({ type: "varchar", length: 1000, nullable: true })
  description!: string | null;

  @Column({ type: "int" })
  priority!: number;

  @Column({ type: "boolean", default: true })
  active!: boolean;

  @Column(moneyColumn({ nullable: true }))
  minAvgDailyAssets!: Decimal | null;

  @Column(moneyColumn({ nullable: true }))
  maxAvgDailyAssets!: Decimal | null;

  @Column({ type: "simple-json", nullable: true })
  clientTypes!: ClientType[] | null;

  @Column({ type: "simple-json", nullable: true })
  investorCategories!: InvestorCategory[] | null;

  @Column({ type: "simple-json", nullable: true })
  riskLevels!: RiskLevel[] | null;

  @Column({ type: "simple-json", nullable: true })
  horizons!: InvestmentHorizon[] | null;

  @Column({ type: "int", nullable: true })
  minExperienceMonths!: number | null;

  @Column({ type: "simple-enum", enum: CreditRating, nullable: true })
  minCreditRating!: CreditRating | null;

  @Column({ type: "simple-enum", enum: ApprovalTier })
  approvalTier!: ApprovalTier;

  @Column({ type: "int" })
  reviewIntervalDays!: number;

  @Column({ type: "boolean", default: false })
  advisoryService!: boolean;

  @Column(instantColumn())
  createdAt!: Date;

  @Column(instantColumn())
  updatedAt!: Date;

  @Column({ type: "int", default: 1 })
  version!: number;
}
