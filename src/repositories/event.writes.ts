import { randomUUID } from "node:crypto";
import { In, IsNull, type EntityManager } from "typeorm";
import { EventEntity } from "../entities";

/** One domain event as its writer knows it; the payload must already be free of personal data. */
export interface NewEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/**
 * Appends events to the outbox in the caller's transaction (SPEC §12): they commit with the change
 * or not at all. Each gets a fresh UUID; the table's sequence gives their order.
 */
export async function appendEvents(manager: EntityManager, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await manager.insert(
    EventEntity,
    events.map((e) => ({
      id: randomUUID(),
      type: e.type,
      aggregateType: e.aggregateType,
      aggregateId: e.aggregateId,
      occurredAt: e.occurredAt,
      payload: JSON.stringify(e.payload),
      sentAt: null,
    })),
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
