import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { SatisfactionChannel } from "../domain/enums";
import { ClientEntity } from "./client.entity";
import { codeColumn, dateColumn, instantColumn } from "./columns";

/** Most characters a satisfaction comment may hold (SPEC §10: longer text is refused, not cut). */
export const SATISFACTION_COMMENT_MAX = 1000;

/**
 * One satisfaction survey answer (SPEC §13): 0–10, 9–10 a promoter, 0–6 a detractor. The comment is
 * the client's own words and so personal data: it is never audited, logged, published or exported,
 * and reads show it only to viewers who may read the client's personal data.
 */
@Entity("satisfaction_response")
@Index("IDX_satisfaction_client", ["clientId", "surveyedOn", "id"])
@Index("IDX_satisfaction_surveyedOn", ["surveyedOn", "clientId"])
export class SatisfactionResponseEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "int" })
  clientId!: number;

  @ManyToOne(() => ClientEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "clientId" })
  client?: ClientEntity;

  @Column(dateColumn())
  surveyedOn!: string;

  @Column({ type: "int" })
  score!: number;

  @Column({ type: "simple-enum", enum: SatisfactionChannel })
  channel!: SatisfactionChannel;

  /** Sealed (SPEC §14, crypto/personal-data.ts): up to 1,000 characters in clear. */
  @Column({ type: "text", nullable: true })
  comment!: string | null;

  @Column(codeColumn(64))
  recordedBy!: string;

  @Column(instantColumn())
  createdAt!: Date;
}
