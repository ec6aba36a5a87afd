import Decimal from "decimal.js";
import { In, IsNull, type DataSource, type EntityManager } from "typeorm";
import {
  AlertEntity,
  CreditFacilityEntity,
  PostLoanReviewEntity,
  ProductEntity,
  RiskAssessmentEntity,
  SegmentEntity,
} from "../../entities";
import { inTransaction } from "../../db/transaction";
import { lockClients, lockClientsOfFacilities } from "../../db/locks";
import { placeholders } from "../../db/sql";
import { RATIO_MAX, ratio } from "../../domain/decimal";
import { today, type Clock } from "../../domain/clock";
import {
  AlertKind,
  AlertSeverity,
  FacilityStatus,
  OPEN_FACILITY_STATUSES,
  ReviewStatus,
  ReviewTrigger,
  UserErrorCode,
} from "../../domain/enums";
import { toGlobalId } from "../../domain/global-id";
import { Refusal, UserError } from "../../errors";
import type { Viewer } from "../access/viewer";
import { writeAudit } from "../audit/audit";
import { addDays } from "../../domain/dates";
import {
  addWeekdays,
  auditFacility,
  lockById,
  lockFacilities,
  withJobLock,
  openReview,
  raiseAlert,
  updateVersioned,
} from "./common";
import { PortraitEntity, ClientEntity } from "../../entities";
import { bestSegment } from "../matching";
import { segmentRef, subjectOf } from "../fit/catalogue";

export const MAX_VALUATIONS_PER_CALL = 5000;
/** Facilities (or clients) a batch job commits per transaction, each batch with its audit entry. */
const JOB_BATCH = 200;
const VALUED: readonly FacilityStatus[] = [
  FacilityStatus.ACTIVE,
  FacilityStatus.MARGIN_CALL,
  FacilityStatus.SUSPENDED,
  FacilityStatus.LIQUIDATING,
];
const IN_FORCE: readonly FacilityStatus[] = [
  FacilityStatus.ACTIVE,
  FacilityStatus.MARGIN_CALL,
  FacilityStatus.SUSPENDED,
];

export interface ValuationProps {
  facilityId: number | null;
  asOf: string;
  usedAmount: Decimal;
  collateralValue: Decimal;
}

/** collateral ÷ used, 4 dp rounded down, at most RATIO_MAX; null while nothing is borrowed (SPEC §5, §10). */
export function maintenanceRatio(used: Decimal, collateral: Decimal): Decimal | null {
  return used.isZero() ? null : Decimal.min(collateral.div(used).toDecimalPlaces(4, Decimal.ROUND_DOWN), RATIO_MAX);
}

/** Daily monitoring: valuations and their alerts, maturities, expiring assessments, periodic reviews. */
export class MonitoringService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Records valuations, all or nothing (≤ 5,000). The lowest line crossed decides the state and the
   * one alert: below liquidation → LIQUIDATING + CRITICAL LIQUIDATION; below margin call →
   * MARGIN_CALL + WARNING MARGIN_CALL (deadline asOf + 2 weekdays) + a MARGIN_CALL review; below
   * warning → MAINTENANCE_WARNING. A MARGIN_CALL facility back at or above the warning line returns
   * to ACTIVE and its margin-call alerts resolve. An open alert of a kind is never raised twice.
   * Refuses (INVALID/NOT_FOUND/INVALID_TRANSITION, with the item's field) and then writes nothing.
   */
  async recordValuations(
    viewer: Viewer,
    items: ValuationProps[],
  ): Promise<{ facilities: CreditFacilityEntity[]; alertsRaised: number }> {
    if (items.length > MAX_VALUATIONS_PER_CALL) {
      throw Refusal.of(UserErrorCode.INVALID, `At most ${MAX_VALUATIONS_PER_CALL} valuations per call`, [
        "input",
        "valuations",
      ]);
    }
    const todayDate = today(this.clock);
    const errors: UserError[] = [];
    const seen = new Set<number>();
    items.forEach((v, i) => {
      const at = (name: string) => ["input", "valuations", String(i), name];
      if (v.facilityId === null)
        errors.push(new UserError(UserErrorCode.NOT_FOUND, "No such facility", at("facilityId")));
      else if (seen.has(v.facilityId))
        errors.push(new UserError(UserErrorCode.INVALID, "facility appears twice in this call", at("facilityId")));
      if (v.facilityId !== null) seen.add(v.facilityId);
      if (v.asOf > todayDate)
        errors.push(new UserError(UserErrorCode.INVALID, "asOf must not be in the future", at("asOf")));
      if (v.usedAmount.isNegative())
        errors.push(new UserError(UserErrorCode.INVALID, "usedAmount must not be negative", at("usedAmount")));
      if (v.collateralValue.isNegative())
        errors.push(
          new UserError(UserErrorCode.INVALID, "collateralValue must not be negative", at("collateralValue")),
        );
    });
    if (errors.length > 0) throw new Refusal(errors);
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      // One client, one line of writes (SPEC §10): the clients first (ascending), then each facility
      // in id order, so two overlapping batches queue instead of deadlocking or deciding on stale rows.
      await lockClientsOfFacilities(
        manager,
        items.map((v) => v.facilityId!),
      );
      const order = items.map((v, i) => ({ v, i })).sort((a, b) => a.v.facilityId! - b.v.facilityId!);
      const facilities: CreditFacilityEntity[] = new Array(items.length);
      let alertsRaised = 0;
      const products = new Map<number, ProductEntity>();
      for (const { v, i } of order) {
        const f = await lockById(manager, CreditFacilityEntity, v.facilityId);
        if (f === null)
          throw Refusal.of(UserErrorCode.NOT_FOUND, "No such facility", [
            "input",
            "valuations",
            String(i),
            "facilityId",
          ]);
        if (!VALUED.includes(f.status)) {
          throw Refusal.of(UserErrorCode.INVALID_TRANSITION, `A ${f.status} facility takes no valuation`, [
            "input",
            "valuations",
            String(i),
            "facilityId",
          ]);
        }
        let product = products.get(f.productId);
        if (!product) {
          product = await manager.findOneByOrFail(ProductEntity, { id: f.productId });
          products.set(product.id, product);
        }
        const r = maintenanceRatio(v.usedAmount, v.collateralValue);
        const changes: Partial<CreditFacilityEntity> = {
          usedAmount: v.usedAmount,
          collateralValue: v.collateralValue,
          maintenanceRatio: r,
          valuationAsOf: v.asOf,
          updatedAt: now,
        };
        const alert = (kind: AlertKind, severity: AlertSeverity, message: string, deadline: string | null = null) =>
          raiseAlert(manager, { clientId: f.clientId, facilityId: f.id, kind, severity, message, deadline, at: now });
        const shown = r === null ? "n/a" : ratio(r);
        if (r !== null && r.lt(product.liquidationLine)) {
          if (f.status !== FacilityStatus.LIQUIDATING) {
            changes.status = FacilityStatus.LIQUIDATING;
            changes.defaultedAt = f.defaultedAt ?? now;
          }
          alertsRaised += await alert(
            AlertKind.LIQUIDATION,
            AlertSeverity.CRITICAL,
            `Maintenance ratio ${shown} below the liquidation line ${ratio(product.liquidationLine)}`,
          );
        } else if (r !== null && r.lt(product.marginCallLine)) {
          const deadline = addWeekdays(v.asOf, 2);
          if (f.status === FacilityStatus.ACTIVE) changes.status = FacilityStatus.MARGIN_CALL;
          const raised = await alert(
            AlertKind.MARGIN_CALL,
            AlertSeverity.WARNING,
            `Maintenance ratio ${shown} below the margin-call line ${ratio(product.marginCallLine)}: top up by ${deadline}`,
            deadline,
          );
          alertsRaised += raised;
          if (raised) await openReview(manager, f, ReviewTrigger.MARGIN_CALL, deadline, now);
        } else if (r !== null && r.lt(product.warningLine)) {
          alertsRaised += await alert(
            AlertKind.MAINTENANCE_WARNING,
            AlertSeverity.INFO,
            `Maintenance ratio ${shown} below the warning line ${ratio(product.warningLine)}`,
          );
        } else if (f.status === FacilityStatus.MARGIN_CALL) {
          changes.status = FacilityStatus.ACTIVE;
          await manager.update(
            AlertEntity,
            { facilityId: f.id, kind: AlertKind.MARGIN_CALL, resolvedAt: IsNull() },
            { resolvedAt: now, resolvedBy: "system" },
          );
        }
        await updateVersioned(manager, CreditFacilityEntity, f, f.version, changes);
        facilities[i] = f;
        await writeAudit(manager, {
          at: now,
          actor: viewer.subject,
          action: "recordFacilityValuations",
          entityType: "CreditFacility",
          entityId: toGlobalId("CreditFacility", f.id),
          changes: {
            asOf: v.asOf,
            usedAmount: v.usedAmount,
            collateralValue: v.collateralValue,
            maintenanceRatio: r,
            status: f.status,
          },
        });
      }
      return { facilities, alertsRaised };
    });
  }

  /**
   * Matured facilities with debt → LIQUIDATING + CRITICAL MATURITY_DUE; without debt → CLOSED;
   * maturing within 14 days → INFO MATURITY_DUE; for clients with an open facility, assessments
   * expiring within 30 days → ASSESSMENT_EXPIRING, expired → ASSESSMENT_EXPIRED + an ASSESSMENT_EXPIRY
   * review. Idempotent: returns how many changes it made; a second run makes none.
   */
  async processMaturities(viewer: Viewer, asOf: string): Promise<number> {
    return withJobLock(this.ds, "processMaturities", async () => {
      const horizon = addDays(asOf, 14);
      const candidates = (await this.ds.query(
        `SELECT \`id\` FROM \`credit_facility\` WHERE \`status\` IN (${placeholders(IN_FORCE.length)})
            AND \`maturityDate\` IS NOT NULL AND \`maturityDate\` <= ? ORDER BY \`id\``,
        [...IN_FORCE, horizon],
      )) as { id: unknown }[];
      const ids = candidates.map((r) => Number(r.id));
      let changes = 0;
      for (let i = 0; i < ids.length; i += JOB_BATCH) {
        const batch = ids.slice(i, i + JOB_BATCH);
        changes += await inTransaction(this.ds, (manager) => this.maturities(manager, viewer, asOf, batch));
      }
      const holders = (await this.ds.query(
        `SELECT DISTINCT \`clientId\` FROM \`credit_facility\` WHERE \`status\` IN (${placeholders(OPEN_FACILITY_STATUSES.length)})
          ORDER BY \`clientId\``,
        [...OPEN_FACILITY_STATUSES],
      )) as { clientId: unknown }[];
      const clientIds = holders.map((r) => Number(r.clientId));
      for (let i = 0; i < clientIds.length; i += JOB_BATCH) {
        const batch = clientIds.slice(i, i + JOB_BATCH);
        changes += await inTransaction(this.ds, async (manager) => {
          await lockClients(manager, batch);
          const n = await this.assessmentAlerts(manager, asOf, batch);
          if (n > 0) await this.auditBatch(manager, viewer, "processMaturities", asOf, { assessmentChanges: n });
          return n;
        });
      }
      return changes;
    });
  }

  /** The job's audit entry for one committed batch (SPEC §10), about the job and its as-of date. */
  private auditBatch(
    manager: EntityManager,
    viewer: Viewer,
    job: "processMaturities" | "scheduleReviews",
    asOf: string,
    changes: Record<string, unknown>,
  ): Promise<void> {
    return writeAudit(manager, {
      at: this.clock.now(),
      actor: viewer.subject,
      action: job,
      entityType: "Batch",
      entityId: `${job}:${asOf}`,
      changes: { asOf, ...changes },
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
          await manager.update(
            AlertEntity,
            { facilityId: f.id, kind: AlertKind.MATURITY_DUE, severity: AlertSeverity.INFO, resolvedAt: IsNull() },
            { resolvedAt: now, resolvedBy: "system" },
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
        await auditFacility(manager, now, viewer, "processMaturities", f, { status: f.status, asOf });
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
      await this.auditBatch(manager, viewer, "processMaturities", asOf, {
        changes,
        fromFacilityId: ids[0],
        toFacilityId: ids[ids.length - 1],
      });
    }
    return changes;
  }

  /** Assessment alerts for a batch of clients, locked by the caller; facilities read after the lock. */
  private async assessmentAlerts(manager: EntityManager, asOf: string, batch: number[]): Promise<number> {
    const now = this.clock.now();
    const open = await manager.find(CreditFacilityEntity, {
      where: { clientId: In(batch), status: In([...OPEN_FACILITY_STATUSES]) },
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
    const dayStart = new Date(`${asOf}T00:00:00.000Z`);
    const soon = new Date(`${addDays(asOf, 30)}T00:00:00.000Z`);
    let changes = 0;
    for (const clientId of clientIds) {
      const a = latest.get(clientId);
      if (!a) continue;
      const until = a.validUntil.toISOString().slice(0, 10);
      if (a.validUntil.getTime() <= dayStart.getTime()) {
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
      } else if (a.validUntil.getTime() <= soon.getTime()) {
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

  /**
   * A PERIODIC review (due asOf) for every facility in force whose last completed periodic review
   * (or start) is at least its segment's review interval (no segment: 90 days) before asOf and which
   * has no open periodic review. Idempotent: returns how many it created.
   */
  async scheduleReviews(viewer: Viewer, asOf: string): Promise<number> {
    return withJobLock(this.ds, "scheduleReviews", async () => {
      const listed = (await this.ds.query(
        `SELECT \`id\` FROM \`credit_facility\` WHERE \`status\` IN (${placeholders(IN_FORCE.length)}) ORDER BY \`id\``,
        [...IN_FORCE],
      )) as { id: unknown }[];
      const ids = listed.map((r) => Number(r.id));
      let created = 0;
      for (let i = 0; i < ids.length; i += JOB_BATCH) {
        const batch = ids.slice(i, i + JOB_BATCH);
        created += await inTransaction(this.ds, (manager) => this.schedule(manager, viewer, asOf, batch));
      }
      return created;
    });
  }

  /** One batch of review scheduling: facilities locked (clients first) and judged as they are now. */
  private async schedule(manager: EntityManager, viewer: Viewer, asOf: string, ids: number[]): Promise<number> {
    const now = this.clock.now();
    const facilities = (await lockFacilities(manager, ids)).filter((f) => IN_FORCE.includes(f.status));
    if (facilities.length === 0) return 0;
    const clientIds = [...new Set(facilities.map((f) => f.clientId))];
    const [clients, segments, reviews] = await Promise.all([
      manager.findBy(ClientEntity, { id: In(clientIds) }),
      manager.find(SegmentEntity, { order: { priority: "ASC", code: "ASC" } }),
      manager.find(PostLoanReviewEntity, {
        where: { facilityId: In(facilities.map((f) => f.id)), trigger: ReviewTrigger.PERIODIC },
      }),
    ]);
    const portraitIds = clients.map((c) => c.latestPortraitId).filter((id): id is number => id !== null);
    const portraits = portraitIds.length === 0 ? [] : await manager.findBy(PortraitEntity, { id: In(portraitIds) });
    const active = segments.filter((s) => s.active).map(segmentRef);
    let created = 0;
    for (const f of facilities) {
      const client = clients.find((c) => c.id === f.clientId)!;
      const portrait = portraits.find((p) => p.id === client.latestPortraitId) ?? null;
      const subject = subjectOf(client, portrait, null, now);
      const interval = (subject && bestSegment(subject, active)?.entity.reviewIntervalDays) ?? 90;
      const mine = reviews.filter((r) => r.facilityId === f.id);
      if (mine.some((r) => r.status === ReviewStatus.SCHEDULED || r.status === ReviewStatus.IN_PROGRESS)) continue;
      const lastDone = mine
        .filter((r) => r.status === ReviewStatus.COMPLETED && r.completedAt !== null)
        .map((r) => r.completedAt!.toISOString().slice(0, 10))
        .sort()
        .pop();
      const since = lastDone ?? f.startDate;
      if (since === null || since > addDays(asOf, -interval)) continue;
      created += await openReview(manager, f, ReviewTrigger.PERIODIC, asOf, now);
    }
    if (created > 0) {
      await this.auditBatch(manager, viewer, "scheduleReviews", asOf, {
        created,
        fromFacilityId: ids[0],
        toFacilityId: ids[ids.length - 1],
      });
    }
    return created;
  }
}
