import type { DataSource } from "typeorm";
import { AlertEntity } from "../../entities";
import { inTransaction } from "../../db/transaction";
import { lockWithClient } from "../../db/locks";
import type { Clock } from "../../domain/clock";
import { UserErrorCode } from "../../domain/enums";
import { Refusal } from "../../errors";
import { resolveAlertBy } from "../../repositories/alert.writes";
import type { Viewer } from "../access/viewer";
import { recordAudit } from "../audit/audit";

/** Alert handling by people (SPEC §5); the system raises and resolves alerts through repositories/alert.writes. */
export class AlertService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Resolves an open alert. An unknown alert is NOT_FOUND; a resolved one INVALID_TRANSITION. */
  async resolve(viewer: Viewer, props: { alertId: number | null; note?: string | null }): Promise<AlertEntity> {
    const now = this.clock.now();
    const field = ["input", "alertId"];
    return inTransaction(this.ds, async (manager) => {
      const alert = await lockWithClient(manager, AlertEntity, props.alertId);
      if (alert === null) throw Refusal.of(UserErrorCode.NOT_FOUND, "No such alert", field);
      if (alert.resolvedAt !== null)
        throw Refusal.of(UserErrorCode.INVALID_TRANSITION, "The alert is already resolved", field);
      if (!(await resolveAlertBy(manager, alert.id, viewer.subject, now)))
        throw Refusal.of(UserErrorCode.CONFLICT, "The alert was resolved by someone else", field);
      Object.assign(alert, { resolvedAt: now, resolvedBy: viewer.subject });
      await recordAudit(
        manager,
        viewer,
        "resolveAlert",
        { type: "Alert", id: alert.id },
        { at: now, changes: { note: props.note ?? null } },
      );
      return alert;
    });
  }
}
