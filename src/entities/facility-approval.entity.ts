import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type Decimal from "decimal.js";
import { codeColumn, instantColumn, moneyColumn } from "./columns";
import { CreditFacilityEntity } from "./credit-facility.entity";

/** One officer's decision on a facility; the committee tier needs two from different officers. */
@Entity("facility_approval")
@Index("UQ_facility_approval_officer", ["facilityId", "officer"], { unique: true })
export class FacilityApprovalEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "int" })
  facilityId!: number;

  @ManyToOne(() => CreditFacilityEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "facilityId" })
  facility?: CreditFacilityEntity;

  @Column(codeColumn(64))
  officer!: string;

  @Column({ type: "boolean" })
  approve!: boolean;

  @Column(moneyColumn({ nullable: true }))
  approvedLimit!: Decimal | null;

  @Column({ type: "varchar", length: 1000, nullable: true })
  note!: string | null;

  @Column(instantColumn())
  createdAt!: Date;
}
