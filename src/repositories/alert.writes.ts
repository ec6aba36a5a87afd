import { In, IsNull, type EntityManager } from "typeorm";
import { AlertEntity } from "../entities";
import type { AlertKind, AlertSeverity } from "../domain/enums";
import { insertSkippingDuplicates, sqlInstant } from "../db/sql";
import { toGlobalId } from "../domain/global-id";
import { appendEvents } from "./event.writes";

/** The columns of a newly raised alert, as insertSkippingDuplicates takes them. */
const ALERT_COLUMNS = [
  "clientId",
  "facilityId",
  "kind",
  "severity",
  "message",
  "raisedAt",
  "deadline",
  "createdAt",
] as const;

/** An alert to raise. */
export interface NewAlert {
  clientId: number;
  facilityId: number | null;
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  deadline?: string | null;
  at: Date;
}

/** What makes an alert "the same" while open: its client, facility (or none) and kind. */
const openKey = (a: { clientId: number; facilityId: number | null; kind: AlertKind }) =>
  `${a.clientId}|${a.facilityId ?? ""}|${a.kind}`;

/** The open alerts of these clients, by openKey. */
async function openAlertsOf(manager: EntityManager, clientIds: readonly number[]): Promise<Map<string, number>> {
  const open = new Map<string, number>();
  const ids = [...new Set(clientIds)];
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await manager.find(AlertEntity, {
      where: { clientId: In(ids.slice(i, i + 1000)), resolvedAt: IsNull() },
      select: { id: true, clientId: true, facilityId: true, kind: true },
    });
    for (const r of rows) open.set(openKey(r), r.id);
  }
  return open;
}

/**
 * Raises an alert unless one of the same kind is still open for the facility (or client). Returns 1
 * if raised. See raiseAlerts.
 */
export async function raiseAlert(manager: EntityManager, a: NewAlert): Promise<number> {
  return (await raiseAlerts(manager, [a])).length;
}

/**
 * Raises each alert unless one of the same kind is still open for its facility (or client), or an
 * earlier one of the list is the same; returns those raised, in the order given. A constant number
 * of statements for the whole list: the open alerts read once, one INSERT, the new ids read back, the
 * alert.raised events appended together (SPEC §12). The caller holds the clients' locks, so the
 * check sees every committed alert; the database's UQ_alert_open makes a second open alert impossible
 * even without it (SPEC §10).
 */
export async function raiseAlerts(manager: EntityManager, alerts: readonly NewAlert[]): Promise<NewAlert[]> {
  if (alerts.length === 0) return [];
  const clientIds = alerts.map((a) => a.clientId);
  const before = await openAlertsOf(manager, clientIds);
  const wanted = new Map<string, NewAlert>();
  for (const a of alerts) if (!before.has(openKey(a)) && !wanted.has(openKey(a))) wanted.set(openKey(a), a);
  if (wanted.size === 0) return [];
  const inserted = await insertSkippingDuplicates(
    manager,
    "alert",
    ALERT_COLUMNS,
    [...wanted.values()].map((a) => {
      const at = sqlInstant(a.at);
      return [a.clientId, a.facilityId, a.kind, a.severity, a.message, at, a.deadline ?? null, at];
    }),
  );
  if (inserted === 0) return [];
  const after = await openAlertsOf(manager, clientIds);
  const raised = [...wanted].flatMap(([key, a]) => {
    const id = after.get(key);
    return id === undefined ? [] : [{ a, id }];
  });
  await appendEvents(
    manager,
    raised.map(({ a, id }) => ({
      type: "alert.raised",
      aggregateType: "Alert",
      aggregateId: toGlobalId("Alert", id),
      occurredAt: a.at,
      payload: {
        client: toGlobalId("Client", a.clientId),
        facility: a.facilityId === null ? null : toGlobalId("CreditFacility", a.facilityId),
        kind: a.kind,
        severity: a.severity,
        deadline: a.deadline ?? null,
      },
    })),
  );
  return raised.map(({ a }) => a);
}

/**
 * Resolves, as the system, the open alerts of a facility of a kind (and severity, when given), each
 * with its alert.resolved event.
 */
export async function resolveOpenAlerts(
  manager: EntityManager,
  where: { facilityId: number; kind: AlertKind; severity?: AlertSeverity },
  at: Date,
): Promise<void> {
  const open = await manager.find(AlertEntity, { where: { ...where, resolvedAt: IsNull() }, select: { id: true } });
  if (open.length === 0) return;
  await manager.update(AlertEntity, { ...where, resolvedAt: IsNull() }, { resolvedAt: at, resolvedBy: "system" });
  await appendEvents(
    manager,
    open.map((alert) => ({
      type: "alert.resolved",
      aggregateType: "Alert",
      aggregateId: toGlobalId("Alert", alert.id),
      occurredAt: at,
      payload: { facility: toGlobalId("CreditFacility", where.facilityId), kind: where.kind, resolvedBy: "system" },
    })),
  );
}

/** Resolves one open alert as a person; false when it was resolved first by someone else. */
export async function resolveAlertBy(manager: EntityManager, id: number, subject: string, at: Date): Promise<boolean> {
  const result = await manager.update(
    AlertEntity,
    { id, resolvedAt: IsNull() },
    { resolvedAt: at, resolvedBy: subject },
  );
  return !!result.affected;
}
