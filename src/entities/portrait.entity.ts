import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type Decimal from "decimal.js";
import { CreditRating, InvestmentHorizon, RiskLevel } from "../domain/enums";
import { ClientEntity } from "./client.entity";
import { codeColumn, dateColumn, instantColumn, moneyColumn } from "./columns";

export interface StoredScoreFactor {
  name: string;
  value: string;
  points: number;
}

/** One row per computation; the client's portrait is the latest (client.latestPortraitId). */
@Entity("portrait")
@Index("IDX_portrait_client_asOf", ["clientId", "asOf", "computedAt", "id"])
@Index("IDX_portrait_avgDailyAssets", ["avgDailyAssets20d"])
export class PortraitEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "int" })
  clientId!: number;

  @ManyToOne(() => ClientEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "clientId" })
  client?: ClientEntity;

  @Column(dateColumn())
  asOf!: string;

  @Column(instantColumn())
  computedAt!: Date;

  @Column({ type: "simple-enum", enum: RiskLevel, nullable: true })
  riskLevel!: RiskLevel | null;

  @Column({ type: "simple-enum", enum: InvestmentHorizon, nullable: true })
  horizon!: InvestmentHorizon | null;

  /** From the assessment the level came from: matching allows such an investor R1 products only. */
  @Column({ type: "boolean", default: false })
  lowestCategory!: boolean;

  @Column(moneyColumn())
  avgDailyAssets20d!: Decimal;

  @Column({ type: "int" })
  assetDays!: number;

  @Column(moneyColumn())
  totalAssets!: Decimal;

  /** The client's declaration when computed: personal data, sealed like the client's (openMoney). */
  @Column(codeColumn(128, { nullable: true }))
  financialAssets!: string | null;

  /** The client's declaration when computed: personal data, sealed like the client's (openMoney). */
  @Column(codeColumn(128, { nullable: true }))
  annualIncome!: string | null;

  @Column({ type: "int" })
  experienceMonths!: number;

  /** A multiple of average assets, 2 dp; unbounded above, hence the money shape. */
  @Column(moneyColumn())
  annualTurnover!: Decimal;

  @Column({ type: "int" })
  marginCallsLast12m!: number;

  @Column({ type: "int" })
  defaultsCount!: number;

  @Column({ type: "int" })
  creditScore!: number;

  @Column({ type: "simple-enum", enum: CreditRating })
  creditRating!: CreditRating;

  @Column({ type: "simple-json" })
  creditFactors!: StoredScoreFactor[];

  @Column({ type: "boolean" })
  professionalEligible!: boolean;
}
