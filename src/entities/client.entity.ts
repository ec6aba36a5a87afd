import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import type Decimal from "decimal.js";
import { ClientStatus, ClientType, InvestorCategory } from "../domain/enums";
import { codeColumn, dateColumn, instantColumn, moneyColumn } from "./columns";

@Entity("client")
@Index("UQ_client_clientNo", ["clientNo"], { unique: true })
@Index("UQ_client_idNumber", ["idNumber"], { unique: true })
@Index("IDX_client_branch_clientNo", ["branch", "clientNo"])
@Index("IDX_client_latestPortraitId", ["latestPortraitId"])
// SPEC §11: the OPENED_AT order, and a search by name prefix or phone.
@Index("IDX_client_openedAt", ["openedAt", "id"])
@Index("IDX_client_name", ["name"])
@Index("IDX_client_phone", ["phone"])
export class ClientEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(codeColumn(32))
  clientNo!: string;

  @Column({ type: "simple-enum", enum: ClientType })
  type!: ClientType;

  @Column({ type: "simple-enum", enum: ClientStatus, default: ClientStatus.ACTIVE })
  status!: ClientStatus;

  @Column({ type: "simple-enum", enum: InvestorCategory, default: InvestorCategory.ORDINARY })
  investorCategory!: InvestorCategory;

  /** Personal data: reaches the API only through the masking policy. */
  @Column(codeColumn(100))
  name!: string;

  /** Personal data: resident ID or unified social credit code. */
  @Column(codeColumn(18))
  idNumber!: string;

  /** Personal data. */
  @Column(codeColumn(20, { nullable: true }))
  phone!: string | null;

  @Column(codeColumn(32))
  branch!: string;

  @Column(dateColumn({ nullable: true }))
  tradingSince!: string | null;

  @Column(dateColumn())
  openedAt!: string;

  @Column(moneyColumn({ nullable: true }))
  annualIncome!: Decimal | null;

  @Column(moneyColumn({ nullable: true }))
  financialAssets!: Decimal | null;

  /** The portrait with the latest asOf (ties: latest computed); kept by the profile service. */
  @Column({ type: "int", nullable: true })
  latestPortraitId!: number | null;

  @Column(instantColumn())
  createdAt!: Date;

  @Column(instantColumn())
  updatedAt!: Date;

  @Column({ type: "int", default: 1 })
  version!: number;
}
