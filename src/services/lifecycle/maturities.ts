import { In, type DataSource, type EntityManager } from "typeorm";
import { CreditFacilityEntity, RiskAssessmentEntity } from "../../entities";
import { inTransaction } from "../../db/transaction";
import { lockClients, lockFacilities } from "../../db/locks";
import { withJobLock } from "../../db/job-lock";
import { updateVersioned } from "../../db/versioned";
import type { Clock } from "../../domain/clock";
import { isAssessmentValidAt } from "../../domain/assessment";
import { addDays, startOfDay } from "../../domain/dates";
import { AlertKind, AlertSeverity, FacilityStatus, ReviewTrigger } from "../../domain/enums";
import { IN_FORCE, OPEN } from "../../domain/facility-status";
import { raiseAlert, resolveOpenAlerts } from "../../repositories/alert.writes";
import { openReview } from "../../repositories/review.writes";
import { listClientsWithOpenFacilities, listFacilitiesInForce } from "../../repositories/facility.writes";
import type { Viewer } from "../access/viewer";
import { auditJobBatch, recordAudit } from "../audit/audit";

/** Facilities (or clients) a batch job commits per transaction, each batch with its audit entry. */
export const JOB_BATCH = 200;
/** How far ahead an expiring assessment is flagged. */
const ASSESSMENT_EXPIRING_DAYS = 30;

/** The daily maturity run: matured and maturing facilities, expiring and expired assessments. */
export class MaturityService {
  /** `batchSize`: facilities (or clients) per transaction, JOB_BATCH unless a test asks for fewer. */
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly batchSize = JOB_BATCH,
  ) {}

  /**
   * Matured facilities with debt → LIQUIDATING + CRITICAL MATURITY_DUE; without debt → CLOSED;
   * maturing within 14 days → INFO MATURITY_DUE; for clients with an open facility, assessments
   * expiring within 30 days → ASSESSMENT_EXPIRING, expired → ASSESSMENT_EXPIRED + an ASSESSMENT_EXPIRY
   * review. Idempotent: returns how many changes it made; a second run makes none.
   */
  async processMaturities(viewer: Viewer, asOf: string): Promise<number> {
    return withJobLock(this.ds, "processMaturities", async () => {
      const horizon = addDays(asOf, 14);
      const ids = await listFacilitiesInForce(this.ds, horizon);
      let changes = 0;
      for (let i = 0; i < ids.length; i += this.batchSize) {
        const batch = ids.slice(i, i + this.batchSize);
        changes += await inTransaction(this.ds, (manager) => this.maturities(manager, viewer, asOf, batch));
      }
      const clientIds = await listClientsWithOpenFacilities(this.ds);
      for (let i = 0; i < clientIds.length; i += this.batchSize) {
        const batch = clientIds.slice(i, i + this.batchSize);
        changes += await inTransaction(this.ds, async (manager) => {
          await lockClients(manager, batch);
          const n = await this.assessmentAlerts(manager, asOf, batch);
          if (n > 0)
            await auditJobBatch(manager, viewer, "processMaturities", asOf, {
              at: this.clock.now(),
              changes: { assessmentChanges: n },
            });
          return n;
        });
      }
      return changes;
    });
  }

  /**
   * One batch of the maturity run. Each facility is locked (its client first) and judged as it is
   * now, not as it was listed: one extended or closed since is left alone (SPEC §10).
   */
  private async maturities(manager: EntityManager, viewer: Viewer, asOf: string, ids: number[]): Promise<number> {
    let changes = 0;
    const horizon = addDays(asOf, 14);
    for (const f of await lockFacilities(manager, ids)) {
      if (!IN_FORCE.includes(f.status) || f.maturityDate === null || f.maturityDate > horizon) continue;
      const now = this.clock.now();
      if (f.maturityDate <= asOf) {
        if (f.usedAmount.isZero()) {
          await updateVersioned(manager, CreditFacilityEntity, f, f.version, {
            status: FacilityStatus.CLOSED,
            updatedAt: now,
          });
        } else {
          await updateVersioned(manager, CreditFacilityEntity, f, f.version, {
            status: FacilityStatus.LIQUIDATING,
            defaultedAt: f.defaultedAt ?? now,
            updatedAt: now,
          });
          // The reminder gives way to the escalation: resolve the INFO MATURITY_DUE, raise the CRITICAL one.
          await resolveOpenAlerts(
            manager,
            { facilityId: f.id, kind: AlertKind.MATURITY_DUE, severity: AlertSeverity.INFO },
            now,
          );
          await raiseAlert(manager, {
            clientId: f.clientId,
            facilityId: f.id,
            kind: AlertKind.MATURITY_DUE,
            severity: AlertSeverity.CRITICAL,
            message: `Matured on ${f.maturityDate} with an amount still borrowed`,
            at: now,
          });
        }
        changes += 1;
        await recordAudit(
          manager,
          viewer,
          "processMaturities",
          { type: "CreditFacility", id: f.id, version: f.version },
          { at: now, changes: { status: f.status, asOf } },
        );
      } else {
        changes += await raiseAlert(manager, {
          clientId: f.clientId,
          facilityId: f.id,
          kind: AlertKind.MATURITY_DUE,
          severity: AlertSeverity.INFO,
          message: `Matures on ${f.maturityDate}`,
          deadline: f.maturityDate,
          at: now,
        });
      }
    }
    if (changes > 0) {
      await auditJobBatch(manager, viewer, "processMaturities", asOf, {
        at: this.clock.now(),
        changes: { changes, fromFacilityId: ids[0], toFacilityId: ids[ids.length - 1] },
      });
    }
    return changes;
  }

  /** Assessment alerts for a batch of clients, locked by the caller; facilities read after the lock. */
  private async assessmentAlerts(manager: EntityManager, asOf: string, batch: number[]): Promise<number> {
    const now = this.clock.now();
    const open = await manager.find(CreditFacilityEntity, {
      where: { clientId: In(batch), status: In([...OPEN]) },
      order: { id: "ASC" },
    });
    if (open.length === 0) return 0;
    const clientIds = [...new Set(open.map((f) => f.clientId))];
    const assessments = await manager.find(RiskAssessmentEntity, {
      where: { clientId: In(clientIds) },
      order: { assessedAt: "DESC", id: "DESC" },
    });
    const latest = new Map<number, RiskAssessmentEntity>();
    for (const a of assessments) if (!latest.has(a.clientId)) latest.set(a.clientId, a);
    const dayStart = startOfDay(asOf);
    const soon = startOfDay(addDays(asOf, ASSESSMENT_EXPIRING_DAYS));
    let changes = 0;
    for (const clientId of clientIds) {
      const a = latest.get(clientId);
      if (!a) continue;
      const until = a.validUntil.toISOString().slice(0, 10);
      if (!isAssessmentValidAt(a, dayStart)) {
        const raised = await raiseAlert(manager, {
          clientId,
          facilityId: null,
          kind: AlertKind.ASSESSMENT_EXPIRED,
          severity: AlertSeverity.WARNING,
          message: `Risk assessment expired on ${until}`,
          at: now,
        });
        changes += raised;
        if (raised) {
          for (const f of open.filter((x) => x.clientId === clientId)) {
            changes += await openReview(manager, f, ReviewTrigger.ASSESSMENT_EXPIRY, asOf, now);
          }
        }
      } else if (!isAssessmentValidAt(a, soon)) {
        changes += await raiseAlert(manager, {
          clientId,
          facilityId: null,
          kind: AlertKind.ASSESSMENT_EXPIRING,
          severity: AlertSeverity.INFO,
          message: `Risk assessment expires on ${until}`,
          deadline: until,
          at: now,
        });
      }
    }
    return changes;
  }
}
