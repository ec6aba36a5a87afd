import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { ClientStatus, ClientType, InvestorCategory } from "../domain/enums";
import { codeColumn, dateColumn, instantColumn } from "./columns";

@Entity("client")
@Index("UQ_client_clientNo", ["clientNo"], { unique: true })
// SPEC §10 one account per ID number and §11 search, by keyed blind index (SPEC §14), never the clear value.
@Index("UQ_client_idNumberBlindIndex", ["idNumberBlindIndex"], { unique: true })
@Index("IDX_client_branch_clientNo", ["branch", "clientNo"])
@Index("IDX_client_latestPortraitId", ["latestPortraitId"])
// SPEC §11: the OPENED_AT order, and a search by exact phone (its blind index).
@Index("IDX_client_openedAt", ["openedAt", "id"])
@Index("IDX_client_phoneBlindIndex", ["phoneBlindIndex"])
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

  /**
   * Personal data, sealed (SPEC §14: `<key version>:<nonce>:<ciphertext+tag>`, crypto/personal-data.ts):
   * opened only to be presented in clear or masked by the policy. Up to 100 characters in clear.
   */
  @Column(codeColumn(640))
  name!: string;

  /** Personal data, sealed: resident ID or unified social credit code (18 characters in clear). */
  @Column(codeColumn(128))
  idNumber!: string;

  /** HMAC-SHA-256 of the upper-cased ID number under BLIND_INDEX_KEY: one account per ID number. */
  @Column(codeColumn(64))
  idNumberBlindIndex!: string;

  /** Personal data, sealed (20 characters in clear at most). */
  @Column(codeColumn(128, { nullable: true }))
  phone!: string | null;

  /** HMAC-SHA-256 of the phone's digits under BLIND_INDEX_KEY: search by exact phone. */
  @Column(codeColumn(64, { nullable: true }))
  phoneBlindIndex!: string | null;

  @Column(codeColumn(32))
  branch!: string;

  @Column(dateColumn({ nullable: true }))
  tradingSince!: string | null;

  @Column(dateColumn())
  openedAt!: string;

  /** Declared by the client, personal data: a sealed decimal string (openMoney). */
  @Column(codeColumn(128, { nullable: true }))
  annualIncome!: string | null;

  /** Declared by the client, personal data: a sealed decimal string (openMoney). */
  @Column(codeColumn(128, { nullable: true }))
  financialAssets!: string | null;

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
