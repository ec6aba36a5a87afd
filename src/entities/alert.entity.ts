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
@Index("IDX_alert_raisedAt", ["raisedAt", "id"])
@Index("UQ_alert_open", ["clientId", "kind", "openSlot"], { unique: true })
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

  /**
   * SPEC §10 "never twice", held by the database: while the alert is open, its facility (0 for a
   * client-wide alert); NULL once resolved. UQ_alert_open allows one open alert of a kind per
   * facility or client, any number of resolved ones (a unique index ignores NULLs on both engines).
   */
  @Column({
    type: "int",
    nullable: true,
    generatedType: "STORED",
    asExpression: "CASE WHEN resolvedAt IS NULL THEN COALESCE(facilityId, 0) ELSE NULL END",
    insert: false,
    update: false,
    select: false,
  })
  openSlot?: number | null;
}
