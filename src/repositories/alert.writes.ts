import { In, IsNull, type EntityManager } from "typeorm";
import { AlertEntity } from "../entities";
import type { AlertKind, AlertSeverity } from "../domain/enums";
import { insertSkippingDuplicates, sqlInstant } from "../db/sql";
import { toGlobalId } from "../domain/global-id";
import { appendEvents, type NewEvent } from "./event.writes";

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

/**
 * The open alerts of the same (client, facility or none, kind) as any of these, by openKey: read through
 * IDX_alert_facility_kind for facility alerts, the client's rows for client-wide ones.
 */
async function openAlertsLike(manager: EntityManager, alerts: readonly NewAlert[]): Promise<Map<string, number>> {
  const open = new Map<string, number>();
  const kinds = In([...new Set(alerts.map((a) => a.kind))]);
  const facilityIds = [...new Set(alerts.flatMap((a) => (a.facilityId === null ? [] : [a.facilityId])))];
  const clientWide = [...new Set(alerts.filter((a) => a.facilityId === null).map((a) => a.clientId))];
  const select = { id: true, clientId: true, facilityId: true, kind: true } as const;
  for (let i = 0; i < facilityIds.length; i += 1000) {
    const rows = await manager.find(AlertEntity, {
      where: { facilityId: In(facilityIds.slice(i, i + 1000)), kind: kinds, resolvedAt: IsNull() },
      select,
    });
    for (const r of rows) open.set(openKey(r), r.id);
  }
  for (let i = 0; i < clientWide.length; i += 1000) {
    const rows = await manager.find(AlertEntity, {
      where: { clientId: In(clientWide.slice(i, i + 1000)), facilityId: IsNull(), kind: kinds, resolvedAt: IsNull() },
      select,
    });
    for (const r of rows) open.set(openKey(r), r.id);
  }
  return open;
}

/**
 * Raises an alert unless one of the same kind is still open for the facility (or client). Returns 1
 * if raised. The caller holds the client's lock, so the check sees every committed alert; the
 * database's UQ_alert_open makes a second open alert impossible even without it (SPEC §10). A raised
 * alert appends its alert.raised event in the same transaction (SPEC §12). One alert at a time, as the
 * batch jobs judge their facilities one by one: four statements on the unique keys, cheaper there
 * than raiseAlerts' reads of every open alert like it (measured on the maturity run).
 */
export async function raiseAlert(manager: EntityManager, a: NewAlert): Promise<number> {
  const same = {
    clientId: a.clientId,
    facilityId: a.facilityId === null ? IsNull() : a.facilityId,
    kind: a.kind,
    resolvedAt: IsNull(),
  };
  if (await manager.existsBy(AlertEntity, same)) return 0;
  const at = sqlInstant(a.at);
  const raised = await insertSkippingDuplicates(manager, "alert", ALERT_COLUMNS, [
    [a.clientId, a.facilityId, a.kind, a.severity, a.message, at, a.deadline ?? null, at],
  ]);
  if (raised === 0) return 0;
  const alert = await manager.findOneByOrFail(AlertEntity, same);
  await appendEvents(manager, [alertRaised(a, alert.id)]);
  return raised;
}

/** The alert.raised event of a raised alert, its payload free of personal data. */
function alertRaised(a: NewAlert, id: number): NewEvent {
  return {
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
  };
}

/**
 * raiseAlert for a list (a valuation batch): raises each alert unless one of the same kind is still open
 * for its facility (or client), or an earlier one of the list is the same; returns those raised, in
 * the order given. A constant number of statements for the whole list: the open alerts read once, one INSERT, the new ids read back, the
 * alert.raised events appended together (SPEC §12). The caller holds the clients' locks, so the
 * check sees every committed alert; the database's UQ_alert_open makes a second open alert impossible
 * even without it (SPEC §10).
 */
export async function raiseAlerts(manager: EntityManager, alerts: readonly NewAlert[]): Promise<NewAlert[]> {
  if (alerts.length === 0) return [];
  const before = await openAlertsLike(manager, alerts);
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
  const after = await openAlertsLike(manager, [...wanted.values()]);
  const raised = [...wanted].flatMap(([key, a]) => {
    const id = after.get(key);
    return id === undefined ? [] : [{ a, id }];
  });
  await appendEvents(
    manager,
    raised.map(({ a, id }) => alertRaised(a, id)),
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
