import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import type Decimal from "decimal.js";
import { ClientType, CreditRating, InvestmentHorizon, ProductKind, ProductRiskLevel } from "../domain/enums";
import { codeColumn, instantColumn, moneyColumn, ratioColumn } from "./columns";

@Entity("product")
@Index("UQ_product_code", ["code"], { unique: true })
@Index("IDX_product_active_code", ["active", "code"])
export class ProductEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(codeColumn(32))
  code!: string;

  @Column(codeColumn(100))
  name!: string;

  @Column({ type: "simple-enum", enum: ProductKind })
  kind!: ProductKind;

  @Column({ type: "simple-enum", enum: ProductRiskLevel })
  riskLevel!: ProductRiskLevel;

  @Column({ type: "simple-enum", enum: InvestmentHorizon })
  horizon!: InvestmentHorizon;

  @Column({ type: "boolean", default: true })
  active!: boolean;

  @Column(moneyColumn())
  minLimit!: Decimal;

  @Column(moneyColumn())
  maxLimit!: Decimal;

  @Column({ type: "int" })
  termDays!: number;

  @Column({ type: "int" })
  maxExtensions!: number;

  @Column(ratioColumn())
  annualRate!: Decimal;

  @Column(ratioColumn())
  initialMarginRatio!: Decimal;

  @Column(ratioColumn())
  warningLine!: Decimal;

  @Column(ratioColumn())
  marginCallLine!: Decimal;

  @Column(ratioColumn())
  liquidationLine!: Decimal;

  @Column(ratioColumn())
  withdrawalLine!: Decimal;

  @Column(moneyColumn())
  eligibilityMinAvgDailyAssets!: Decimal;

  @Column({ type: "int" })
  eligibilityMinExperienceMonths!: number;

  @Column({ type: "simple-enum", enum: CreditRating })
  eligibilityMinCreditRating!: CreditRating;

  @Column({ type: "simple-json", nullable: true })
  eligibilityClientTypes!: ClientType[] | null;

  @Column({ type: "boolean", default: false })
  eligibilityProfessionalOnly!: boolean;

  @Column(instantColumn())
  createdAt!: Date;

  @Column(instantColumn())
  updatedAt!: Date;

  @Column({ type: "int", default: 1 })
  version!: number;
}
