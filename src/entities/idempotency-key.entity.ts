import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { instantColumn } from "./columns";

/**
 * A keyed mutation's stored answer (SPEC §10 "retries are safe"): written in the transaction of the
 * change it answers, so a committed change always has its answer to replay and an uncommitted one
 * none. Keys belong to the token's subject and are kept 24 hours.
 */
@Entity("idempotency_key")
@Index("IDX_idempotency_key_expires", ["expiresAt"])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: "varchar", length: 64 })
  subject!: string;

  @PrimaryColumn({ type: "varchar", length: 64 })
  key!: string;

  /** SHA-256 of the request body: the same key with another body is refused, never replayed. */
  @Column({ type: "varchar", length: 64 })
  requestHash!: string;

  @Column({ type: "int" })
  httpStatus!: number;

  /** The response body as sent (JSON). */
  @Column({ type: "json" })
  response!: object;

  @Column(instantColumn())
  createdAt!: Date;

  @Column(instantColumn())
  expiresAt!: Date;
}
