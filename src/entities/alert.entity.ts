import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { AlertKind, AlertSeverity } from "../domain/enums";
import { ClientEntity } from "./client.entity";
import { codeColumn, dateColumn, instantColumn } from "./columns";
import { CreditFacilityEntity } from "./credit-facility.entity";

@Entity("alert")
@Index("IDX_alert_created", ["createdAt", "id"])
@Index("IDX_alert_client", ["clientId", "createdAt", "id"])
@Index("IDX_alert_facility_kind", ["facilityId", "kind", "resolvedAt"])
@Index("IDX_alert_kind_raised", ["kind", "raisedAt"])
export class AlertEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "int" })
  clientId!: number;

  @ManyToOne(() => ClientEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "clientId" })
  client?: ClientEntity;

  @Column({ type: "int", nullable: true })
  facilityId!: number | null;

  @ManyToOne(() => CreditFacilityEntity, { onDelete: "RESTRICT", nullable: true })
  @JoinColumn({ name: "facilityId" })
  facility?: CreditFacilityEntity | null;

  @Column({ type: "simple-enum", enum: AlertKind })
  kind!: AlertKind;

  @Column({ type: "simple-enum", enum: AlertSeverity })
  severity!: AlertSeverity;

  @Column({ type: "varchar", length: 500 })
  message!: string;

  @Column(instantColumn())
  raisedAt!: Date;

  @Column(dateColumn({ nullable: true }))
  deadline!: string | null;

  @Column(instantColumn({ nullable: true }))
  resolvedAt!: Date | null;

  @Column(codeColumn(64, { nullable: true }))
  resolvedBy!: string | null;

  @Column(instantColumn())
  createdAt!: Date;
}
