import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { InvestmentHorizon, RiskLevel } from "../domain/enums";
import { ClientEntity } from "./client.entity";
import { codeColumn, instantColumn } from "./columns";

export interface StoredAnswer {
  questionId: string;
  optionId: string;
}

@Entity("risk_assessment")
@Index("IDX_risk_assessment_client_assessedAt", ["clientId", "assessedAt", "id"])
export class RiskAssessmentEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "int" })
  clientId!: number;

  @ManyToOne(() => ClientEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "clientId" })
  client?: ClientEntity;

  @Column(codeColumn(16))
  questionnaireVersion!: string;

  @Column({ type: "simple-json" })
  answers!: StoredAnswer[];

  @Column({ type: "int" })
  score!: number;

  @Column({ type: "simple-enum", enum: RiskLevel })
  riskLevel!: RiskLevel;

  @Column({ type: "boolean", default: false })
  lowestCategory!: boolean;

  @Column({ type: "simple-enum", enum: InvestmentHorizon })
  horizon!: InvestmentHorizon;

  @Column(instantColumn())
  assessedAt!: Date;

  @Column(instantColumn())
  validUntil!: Date;

  @Column(instantColumn())
  createdAt!: Date;
}
