import { IsNull, type EntityManager } from "typeorm";
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

/**
 * Raises an alert unless one of the same kind is still open for the facility (or client). Returns 1
 * if raised. The caller holds the client's lock, so the check sees every committed alert; the
 * database's UQ_alert_open makes a second open alert impossible even without it (SPEC §10). A raised
 * alert appends its alert.raised event in the same transaction (SPEC §12).
 */
export async function raiseAlert(
  manager: EntityManager,
  a: {
    clientId: number;
    facilityId: number | null;
    kind: AlertKind;
    severity: AlertSeverity;
    message: string;
    deadline?: string | null;
    at: Date;
  },
): Promise<number> {
  const open = await manager.existsBy(AlertEntity, {
    clientId: a.clientId,
    facilityId: a.facilityId === null ? IsNull() : a.facilityId,
    kind: a.kind,
    resolvedAt: IsNull(),
  });
  if (open) return 0;
  const at = sqlInstant(a.at);
  const raised = await insertSkippingDuplicates(manager, "alert", ALERT_COLUMNS, [
    [a.clientId, a.facilityId, a.kind, a.severity, a.message, at, a.deadline ?? null, at],
  ]);
  if (raised === 0) return 0;
  const alert = await manager.findOneByOrFail(AlertEntity, {
    clientId: a.clientId,
    facilityId: a.facilityId === null ? IsNull() : a.facilityId,
    kind: a.kind,
    resolvedAt: IsNull(),
  });
  await appendEvents(manager, [
    {
      type: "alert.raised",
      aggregateType: "Alert",
      aggregateId: toGlobalId("Alert", alert.id),
      occurredAt: a.at,
      payload: {
        client: toGlobalId("Client", a.clientId),
        facility: a.facilityId === null ? null : toGlobalId("CreditFacility", a.facilityId),
        kind: a.kind,
        severity: a.severity,
        deadline: a.deadline ?? null,
      },
    },
  ]);
  return raised;
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
