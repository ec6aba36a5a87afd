import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import type Decimal from "decimal.js";
import { ClientEntity } from "./client.entity";
import { moneyColumn } from "./columns";

/**
 * A client's segment on one date (SPEC §13, snapshotSegments): from its latest portrait dated on or
 * before `asOf` and the segments active when the snapshot was taken, with the book figures that
 * Segment.history sums. One row per client and date; taking a date again replaces its rows.
 */
@Entity("segment_snapshot")
@Index("IDX_segment_snapshot_client", ["clientId", "asOf", "segmentId"])
@Index("IDX_segment_snapshot_segment", ["segmentId", "asOf"])
export class SegmentSnapshotEntity {
  @PrimaryColumn({ type: "date" })
  asOf!: string;

  @PrimaryColumn({ type: "int" })
  clientId!: number;

  @ManyToOne(() => ClientEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "clientId" })
  client?: ClientEntity;

  /** Null: in no segment (no portrait dated by then, or no active segment matched). */
  @Column({ type: "int", nullable: true })
  segmentId!: number | null;

  /** The portrait the segment was judged on; null without one. */
  @Column({ type: "int", nullable: true })
  portraitId!: number | null;

  /** That portrait's 20-day average (0 without a portrait). */
  @Column(moneyColumn())
  avgDailyAssets20d!: Decimal;

  /** Facilities of the client in force (ACTIVE, MARGIN_CALL, SUSPENDED) at the end of `asOf`. */
  @Column({ type: "int" })
  facilitiesInForce!: number;

  /** Their approved limits, summed. */
  @Column(moneyColumn())
  approvedLimit!: Decimal;
}
