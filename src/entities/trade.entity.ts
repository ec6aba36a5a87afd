import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type Decimal from "decimal.js";
import { TradeSide } from "../domain/enums";
import { ClientEntity } from "./client.entity";
import { codeColumn, dateColumn, instantColumn, moneyColumn } from "./columns";

@Entity("trade")
@Index("IDX_trade_client_date", ["clientId", "tradeDate"])
export class TradeEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "int" })
  clientId!: number;

  @ManyToOne(() => ClientEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "clientId" })
  client?: ClientEntity;

  @Column(dateColumn())
  tradeDate!: string;

  @Column(codeColumn(16))
  symbol!: string;

  @Column({ type: "simple-enum", enum: TradeSide })
  side!: TradeSide;

  @Column({ type: "int" })
  quantity!: number;

  @Column(moneyColumn())
  amount!: Decimal;

  @Column(instantColumn())
  recordedAt!: Date;
}
