import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import type Decimal from "decimal.js";
import { instantColumn, moneyColumn, ratioColumn } from "./columns";
import { CreditFacilityEntity } from "./credit-facility.entity";

/**
 * The valuations of a facility over time (SPEC §13): the facility row holds only the latest, while
 * utilization at a past date and interest income need each day's amount borrowed. One row per facility
 * and valuation date; a second valuation for a date replaces the first.
 */
@Entity("facility_valuation")
export class FacilityValuationEntity {
  @PrimaryColumn({ type: "int" })
  facilityId!: number;

  @PrimaryColumn({ type: "date" })
  asOf!: string;

  @ManyToOne(() => CreditFacilityEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "facilityId" })
  facility?: CreditFacilityEntity;

  @Column(moneyColumn())
  usedAmount!: Decimal;

  @Column(moneyColumn())
  collateralValue!: Decimal;

  @Column(ratioColumn({ nullable: true }))
  maintenanceRatio!: Decimal | null;

  @Column(instantColumn())
  recordedAt!: Date;
}
