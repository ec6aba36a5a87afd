import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { codeColumn, instantColumn } from "./columns";

/** Append-only; `changes` is JSON with personal data already masked. */
@Entity("audit_entry")
@Index("IDX_audit_at", ["at", "id"])
@Index("IDX_audit_entity", ["entityId", "at"])
@Index("IDX_audit_actor", ["actor", "at"])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(instantColumn())
  at!: Date;

  @Column(codeColumn(64))
  actor!: string;

  @Column(codeColumn(64))
  action!: string;

  @Column(codeColumn(32))
  entityType!: string;

  /** The global ID of the entity the action was about. */
  @Column(codeColumn(128))
  entityId!: string;

  @Column({ type: "text", nullable: true })
  changes!: string | null;
}
