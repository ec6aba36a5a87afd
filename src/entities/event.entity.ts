import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { codeColumn, instantColumn } from "./columns";

/**
 * The outbox (SPEC §12): one row per domain event, inserted in the transaction of the change, so a
 * committed change always has its events and a rolled-back one none. `seq` orders the stream: the
 * writers of one aggregate hold its client's lock, so per aggregate it is commit order. `payload` is
 * JSON without personal data; `sentAt` is set once the broker confirmed it.
 */
@Entity("event")
@Index("UQ_event_id", ["id"], { unique: true })
@Index("IDX_event_pending", ["sentAt", "seq"])
@Index("IDX_event_type", ["type", "seq"])
@Index("IDX_event_aggregate", ["aggregateType", "seq"])
export class EventEntity {
  @PrimaryGeneratedColumn()
  seq!: number;

  /** A UUID: consumers de-duplicate by it. */
  @Column(codeColumn(36))
  id!: string;

  @Column(codeColumn(64))
  type!: string;

  @Column(codeColumn(32))
  aggregateType!: string;

  /** The aggregate's global ID, or the job's batch key. */
  @Column(codeColumn(128))
  aggregateId!: string;

  @Column(instantColumn())
  occurredAt!: Date;

  @Column({ type: "text" })
  payload!: string;

  @Column(instantColumn({ nullable: true }))
  sentAt!: Date | null;
}
