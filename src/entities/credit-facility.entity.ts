import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type Decimal from "decimal.js";
import { ApprovalTier, FacilityStatus, FitCode } from "../domain/enums";
import { ClientEntity } from "./client.entity";
import { codeColumn, dateColumn, instantColumn, moneyColumn, ratioColumn } from "./columns";
import { ProductEntity } from "./product.entity";

export interface StoredFitReason {
  code: FitCode;
  passed: boolean;
  message: string;
  required: string | null;
  actual: string | null;
}

@Entity("credit_facility")
@Index("IDX_credit_facility_created", ["createdAt", "id"])
@Index("IDX_credit_facility_client", ["clientId", "createdAt", "id"])
@Index("IDX_credit_facility_status", ["status", "createdAt", "id"])
@Index("IDX_credit_facility_product", ["productId", "status"])
@Index("IDX_credit_facility_maturity", ["maturityDate"])
@Index("IDX_credit_facility_approvedLimit", ["approvedLimit", "id"])
export class CreditFacilityEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "int" })
  clientId!: number;

  @ManyToOne(() => ClientEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "clientId" })
  client?: ClientEntity;

  @Column({ type: "int" })
  productId!: number;

  @ManyToOne(() => ProductEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "productId" })
  product?: ProductEntity;

  @Column({ type: "simple-enum", enum: FacilityStatus })
  status!: FacilityStatus;

  /** The approval tier decided at application (from the client's segment then). */
  @Column({ type: "simple-enum", enum: ApprovalTier })
  approvalTier!: ApprovalTier;

  @Column(moneyColumn())
  requestedLimit!: Decimal;

  @Column(moneyColumn({ nullable: true }))
  approvedLimit!: Decimal | null;

  @Column(moneyColumn())
  usedAmount!: Decimal;

  @Column(moneyColumn())
  collateralValue!: Decimal;

  @Column(ratioColumn({ nullable: true }))
  maintenanceRatio!: Decimal | null;

  @Column(dateColumn({ nullable: true }))
  valuationAsOf!: string | null;

  @Column(ratioColumn())
  annualRate!: Decimal;

  @Column(dateColumn({ nullable: true }))
  startDate!: string | null;

  @Column(dateColumn({ nullable: true }))
  maturityDate!: string | null;

  @Column({ type: "int", default: 0 })
  extensionsUsed!: number;

  @Column(codeColumn(32, { nullable: true }))
  disclosureVersion!: string | null;

  @Column(instantColumn({ nullable: true }))
  disclosureAcknowledgedAt!: Date | null;

  @Column({ type: "simple-json" })
  decisionReasons!: StoredFitReason[];

  @Column(codeColumn(64, { nullable: true }))
  approvedBy!: string | null;

  /** Set the first time the facility goes to LIQUIDATING: the portrait's defaultsCount counts these. */
  @Column(instantColumn({ nullable: true }))
  defaultedAt!: Date | null;

  @Column(instantColumn())
  createdAt!: Date;

  @Column(instantColumn())
  updatedAt!: Date;

  @Column({ type: "int", default: 1 })
  version!: number;
}
