import type { EventEntity } from "../entities";
import { EventGql } from "./types/event";

/** An outbox row as the Event type, field by field: the sequence and sentAt stay inside. */
export function presentEvent(e: EventEntity): EventGql {
  return Object.assign(new EventGql(), {
    id: e.id,
    type: e.type,
    aggregateType: e.aggregateType,
    aggregateId: e.aggregateId,
    occurredAt: e.occurredAt,
    payload: e.payload,
  });
}
