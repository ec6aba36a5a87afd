import { randomUUID } from "node:crypto";
import { In, IsNull, type EntityManager } from "typeorm";
import { EventEntity } from "../entities";
import { afterCommit, insertBeforeCommit, insertChunked } from "../db/transaction";

/** One domain event as its writer knows it; the payload must already be free of personal data. */
export interface NewEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/** What a committed event announces to live subscribers (SPEC §12): which row changed, nothing more. */
export interface CommittedEvent {
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
}

/** Whether an announcement (afterCommit's item) is a committed event. */
export function isCommittedEvent(item: unknown): item is CommittedEvent {
  const e = item as Partial<CommittedEvent> | null;
  return typeof e?.id === "string" && typeof e.type === "string" && typeof e.aggregateId === "string";
}

/**
 * Appends events to the outbox in the caller's transaction (SPEC §12): they commit with the change
 * or not at all. Each gets a fresh UUID; the table's sequence gives their order. In a top-level
 * transaction the rows are inserted right before its COMMIT, with the transaction's other events, in
 * one INSERT (db/transaction.ts insertBeforeCommit); elsewhere at once. Once the transaction commits,
 * each is announced to the live feed (afterCommit); a rollback announces nothing.
 */
export async function appendEvents(manager: EntityManager, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    id: randomUUID(),
    type: e.type,
    aggregateType: e.aggregateType,
    aggregateId: e.aggregateId,
    occurredAt: e.occurredAt,
    payload: JSON.stringify(e.payload),
    sentAt: null,
  }));
  if (!insertBeforeCommit(manager, EventEntity, rows)) await insertChunked(manager, EventEntity, rows);
  afterCommit(
    manager,
    rows.map(({ id, type, aggregateType, aggregateId }): CommittedEvent => ({ id, type, aggregateType, aggregateId })),
  );
}

/** The oldest events not yet confirmed by the broker, in sequence order. */
export function pendingEvents(manager: EntityManager, limit: number): Promise<EventEntity[]> {
  return manager.find(EventEntity, { where: { sentAt: IsNull() }, order: { seq: "ASC" }, take: limit });
}

/** Marks events the broker confirmed. */
export async function markEventsSent(manager: EntityManager, seqs: readonly number[], at: Date): Promise<void> {
  if (seqs.length === 0) return;
  await manager.update(EventEntity, { seq: In([...seqs]) }, { sentAt: at });
}
