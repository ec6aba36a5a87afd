import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import type Decimal from "decimal.js";
import { ClientEntity } from "./client.entity";
import { instantColumn, moneyColumn } from "./columns";

/** One row per client and trading date: a second snapshot for a date replaces the first (SPEC §3). */
@Entity("asset_snapshot")
export class AssetSnapshotEntity {
  @PrimaryColumn({ type: "int" })
  clientId!: number;

  @PrimaryColumn({ type: "date" })
  date!: string;

  @ManyToOne(() => ClientEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "clientId" })
  client?: ClientEntity;

  @Column(moneyColumn())
  totalAssets!: Decimal;

  @Column(moneyColumn())
  securitiesAssets!: Decimal;

  @Column(moneyColumn())
  liabilities!: Decimal;

  @Column(instantColumn())
  recordedAt!: Date;
}
