import Decimal from "decimal.js";
import { IsNull, type DataSource, type EntityManager } from "typeorm";
import { AlertEntity, ClientEntity, CreditFacilityEntity, PostLoanReviewEntity, ProductEntity } from "../../entities";
import type { StoredReviewSnapshot } from "../../entities/post-loan-review.entity";
import { inTransaction } from "../../db/transaction";
import { money, ratio } from "../../domain/decimal";
import { today, type Clock } from "../../domain/clock";
import {
  AlertKind,
  AlertSeverity,
  CREDIT_RATING_ORDER,
  CreditRating,
  FacilityStatus,
  FitCode,
  OPEN_FACILITY_STATUSES,
  ReviewOutcome,
  ReviewStatus,
  ReviewTrigger,
  UserErrorCode,
} from "../../domain/enums";
import { toGlobalId } from "../../domain/global-id";
import { Refusal } from "../../errors";
import type { Viewer } from "../access/viewer";
import { writeAudit } from "../audit/audit";
import { recommendedLimit } from "../matching";
import { openLimitsExcluding } from "../fit/catalogue";
import {
  addWeekdays,
  checkVersion,
  daysBetween,
  fitNow,
  lockById,
  lockWithClient,
  raiseAlert,
  updateVersioned,
} from "./common";
import { CreditFacilityEntity as Facilities } from "../../entities";

const field = (...path: string[]) => ["input", ...path];
/** post_loan_review.notes is varchar(2000). */
const NOTES_MAX_LENGTH = 2000;

interface Assessment {
  snapshot: StoredReviewSnapshot;
  recommendation: ReviewOutcome;
  recommended: Decimal | null;
  assessmentValid: boolean;
}

/** Post-loan reviews (贷后管理) and alert handling (SPEC §5). */
export class ReviewService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  private async audit(
    manager: EntityManager,
    viewer: Viewer,
    action: string,
    r: PostLoanReviewEntity,
    changes: Record<string, unknown>,
  ) {
    await writeAudit(manager, {
      at: this.clock.now(),
      actor: viewer.subject,
      action,
      entityType: "PostLoanReview",
      entityId: toGlobalId("PostLoanReview", r.id),
      changes: { ...changes, version: r.version },
    });
  }

  private async lockReview(manager: EntityManager, id: number | null): Promise<PostLoanReviewEntity> {
    const r = await lockWithClient(manager, PostLoanReviewEntity, id);
    if (r === null) throw Refusal.of(UserErrorCode.NOT_FOUND, "No such review", field("reviewId"));
    return r;
  }

  /** A MANUAL review of an open facility. Refuses an unknown facility (NOT_FOUND) or a closed/rejected one (INVALID_TRANSITION). */
  async create(
    viewer: Viewer,
    props: { facilityId: number | null; dueDate: string; notes?: string | null },
  ): Promise<PostLoanReviewEntity> {
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const f = await lockWithClient(manager, CreditFacilityEntity, props.facilityId);
      if (f === null) throw Refusal.of(UserErrorCode.NOT_FOUND, "No such facility", field("facilityId"));
      if (!OPEN_FACILITY_STATUSES.includes(f.status)) {
        throw Refusal.of(
          UserErrorCode.INVALID_TRANSITION,
          `A ${f.status} facility takes no review`,
          field("facilityId"),
        );
      }
      // One open review of a trigger per facility (SPEC §10; UQ_review_open holds it in the database).
      const open = await manager.count(PostLoanReviewEntity, {
        where: [
          { facilityId: f.id, trigger: ReviewTrigger.MANUAL, status: ReviewStatus.SCHEDULED },
          { facilityId: f.id, trigger: ReviewTrigger.MANUAL, status: ReviewStatus.IN_PROGRESS },
        ],
      });
      if (open > 0) {
        throw Refusal.of(
          UserErrorCode.DUPLICATE,
          "The facility already has an open manual review",
          field("facilityId"),
        );
      }
      const review = manager.create(PostLoanReviewEntity, {
        clientId: f.clientId,
        facilityId: f.id,
        trigger: ReviewTrigger.MANUAL,
        status: ReviewStatus.SCHEDULED,
        dueDate: props.dueDate,
        assignee: null,
        startedAt: null,
        completedAt: null,
        snapshot: null,
        recommendation: null,
        outcome: null,
        newLimit: null,
        notes: props.notes ?? null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await manager.save(review);
      await this.audit(manager, viewer, "createReview", review, {
        facility: toGlobalId("CreditFacility", f.id),
        dueDate: props.dueDate,
      });
      return review;
    });
  }

  /** The facility's metrics now and the outcome the rules suggest, first rule that applies. */
  private async assess(manager: EntityManager, f: CreditFacilityEntity, now: Date): Promise<Assessment> {
    const client = await manager.findOneByOrFail(ClientEntity, { id: f.clientId });
    const product = await manager.findOneByOrFail(ProductEntity, { id: f.productId });
    const ctx = await fitNow(manager, client, product, now);
    const facilities = await manager.findBy(Facilities, { clientId: f.clientId });
    const approved = f.approvedLimit ?? new Decimal(0);
    const recommended =
      ctx.subject === null ? null : recommendedLimit(ctx.subject, product, openLimitsExcluding(facilities, product.id));
    const r = f.maintenanceRatio;
    const otherBlocker = ctx.fit === null || ctx.fit.blockers.some((b) => b.code !== FitCode.LIMIT_RANGE);
    const rating = ctx.subject?.creditRating ?? null;
    const utilization = approved.isZero() ? new Decimal(0) : f.usedAmount.div(approved);
    let recommendation = ReviewOutcome.MAINTAIN;
    if (r !== null && r.lt(product.liquidationLine)) recommendation = ReviewOutcome.FORCED_LIQUIDATION;
    else if (r !== null && r.lt(product.marginCallLine)) recommendation = ReviewOutcome.MARGIN_CALL;
    else if (!ctx.assessmentValid || otherBlocker) recommendation = ReviewOutcome.SUSPEND;
    else if (recommended !== null && recommended.lt(approved)) recommendation = ReviewOutcome.DECREASE_LIMIT;
    else if (
      utilization.gte("0.8") &&
      recommended !== null &&
      recommended.gt(approved) &&
      rating !== null &&
      CREDIT_RATING_ORDER.indexOf(rating) <= CREDIT_RATING_ORDER.indexOf(CreditRating.A)
    ) {
      recommendation = ReviewOutcome.INCREASE_LIMIT;
    }
    return {
      recommendation,
      recommended,
      assessmentValid: ctx.assessmentValid,
      snapshot: {
        maintenanceRatio: r === null ? null : ratio(r),
        usedAmount: money(f.usedAmount),
        approvedLimit: money(approved),
        creditRating: rating,
        riskLevel: ctx.subject?.riskLevel ?? null,
        assessmentExpired: !ctx.assessmentValid,
        daysToMaturity: f.maturityDate === null ? null : daysBetween(today(this.clock), f.maturityDate),
        recommendedLimit: recommended === null ? null : money(recommended),
      },
    };
  }

  /** SCHEDULED → IN_PROGRESS: assigned to the viewer, with a snapshot and a recommendation. */
  async start(
    viewer: Viewer,
    props: { reviewId: number | null; expectedVersion: number },
  ): Promise<PostLoanReviewEntity> {
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const review = await this.lockReview(manager, props.reviewId);
      checkVersion(review.version, props.expectedVersion);
      if (review.status !== ReviewStatus.SCHEDULED) {
        throw Refusal.of(
          UserErrorCode.INVALID_TRANSITION,
          `A ${review.status} review cannot be started`,
          field("reviewId"),
        );
      }
      const f = await manager.findOneByOrFail(CreditFacilityEntity, { id: review.facilityId });
      const a = await this.assess(manager, f, now);
      await updateVersioned(manager, PostLoanReviewEntity, review, props.expectedVersion, {
        status: ReviewStatus.IN_PROGRESS,
        assignee: viewer.subject,
        startedAt: now,
        snapshot: a.snapshot,
        recommendation: a.recommendation,
        updatedAt: now,
      });
      await this.audit(manager, viewer, "startReview", review, {
        status: review.status,
        recommendation: a.recommendation,
      });
      return review;
    });
  }

  /**
   * IN_PROGRESS → COMPLETED with the outcome's effect on the facility, in one transaction. Refuses:
   * INCREASE_LIMIT not above the approved limit (INVALID), above the recommended limit now
   * (LIMIT_EXCEEDED) or with an expired assessment (ASSESSMENT_EXPIRED); DECREASE_LIMIT not below the
   * approved limit or below the amount used (INVALID); INCREASE_LIMIT on a facility not ACTIVE or
   * DECREASE_LIMIT on one not in force (INVALID_TRANSITION); a newLimit with any other outcome
   * (INVALID); a stale version (CONFLICT).
   */
  async complete(
    viewer: Viewer,
    props: {
      reviewId: number | null;
      outcome: ReviewOutcome;
      newLimit?: Decimal | null;
      notes?: string | null;
      expectedVersion: number;
    },
  ): Promise<PostLoanReviewEntity> {
    const now = this.clock.now();
    const changesLimit =
      props.outcome === ReviewOutcome.INCREASE_LIMIT || props.outcome === ReviewOutcome.DECREASE_LIMIT;
    if (props.newLimit !== null && props.newLimit !== undefined && !changesLimit) {
      throw Refusal.of(
        UserErrorCode.INVALID,
        "newLimit goes only with INCREASE_LIMIT or DECREASE_LIMIT",
        field("newLimit"),
      );
    }
    return inTransaction(this.ds, async (manager) => {
      const review = await this.lockReview(manager, props.reviewId);
      checkVersion(review.version, props.expectedVersion);
      if (review.status !== ReviewStatus.IN_PROGRESS) {
        throw Refusal.of(
          UserErrorCode.INVALID_TRANSITION,
          `A ${review.status} review cannot be completed`,
          field("reviewId"),
        );
      }
      const f = (await lockById(manager, CreditFacilityEntity, review.facilityId))!;
      const approved = f.approvedLimit ?? new Decimal(0);
      const changes: Partial<CreditFacilityEntity> = {};
      const at = today(this.clock);
      let alert: { kind: AlertKind; severity: AlertSeverity; message: string; deadline: string | null } | null = null;
      switch (props.outcome) {
        case ReviewOutcome.MAINTAIN:
          break;
        case ReviewOutcome.INCREASE_LIMIT: {
          if (f.status !== FacilityStatus.ACTIVE) {
            throw Refusal.of(
              UserErrorCode.INVALID_TRANSITION,
              `A ${f.status} facility cannot take a higher limit`,
              field("outcome"),
            );
          }
          const limit = props.newLimit;
          if (!limit || !limit.gt(approved))
            throw Refusal.of(UserErrorCode.INVALID, "newLimit must be above the approved limit", field("newLimit"));
          const a = await this.assess(manager, f, now);
          if (!a.assessmentValid)
            throw Refusal.of(
              UserErrorCode.ASSESSMENT_EXPIRED,
              "The client's risk assessment has expired",
              field("reviewId"),
            );
          if (a.recommended === null || limit.gt(a.recommended)) {
            throw Refusal.of(
              UserErrorCode.LIMIT_EXCEEDED,
              "newLimit is above the recommended limit now",
              field("newLimit"),
            );
          }
          changes.approvedLimit = limit;
          break;
        }
        case ReviewOutcome.DECREASE_LIMIT: {
          this.requireInForce(f);
          const limit = props.newLimit;
          if (!limit || !limit.lt(approved) || limit.lt(f.usedAmount) || limit.isNegative()) {
            throw Refusal.of(
              UserErrorCode.INVALID,
              "newLimit must be below the approved limit and not below the amount used",
              field("newLimit"),
            );
          }
          changes.approvedLimit = limit;
          break;
        }
        case ReviewOutcome.SUSPEND:
          this.requireInForce(f);
          changes.status = FacilityStatus.SUSPENDED;
          break;
        case ReviewOutcome.MARGIN_CALL: {
          this.requireInForce(f);
          const deadline = addWeekdays(at, 2);
          changes.status = FacilityStatus.MARGIN_CALL;
          alert = {
            kind: AlertKind.MARGIN_CALL,
            severity: AlertSeverity.WARNING,
            message: `Margin call from a post-loan review: top up by ${deadline}`,
            deadline,
          };
          break;
        }
        case ReviewOutcome.FORCED_LIQUIDATION:
          this.requireOpenSigned(f);
          changes.status = FacilityStatus.LIQUIDATING;
          changes.defaultedAt = f.defaultedAt ?? now;
          alert = {
            kind: AlertKind.LIQUIDATION,
            severity: AlertSeverity.CRITICAL,
            message: "Forced liquidation decided in a post-loan review",
            deadline: null,
          };
          break;
        case ReviewOutcome.TERMINATE:
          this.requireOpenSigned(f);
          if (f.usedAmount.isZero()) changes.status = FacilityStatus.CLOSED;
          else {
            changes.status = FacilityStatus.LIQUIDATING;
            changes.defaultedAt = f.defaultedAt ?? now;
          }
          break;
      }
      await updateVersioned(manager, PostLoanReviewEntity, review, props.expectedVersion, {
        status: ReviewStatus.COMPLETED,
        outcome: props.outcome,
        newLimit: props.newLimit ?? null,
        notes: props.notes ?? review.notes,
        completedAt: now,
        updatedAt: now,
      });
      if (Object.keys(changes).length > 0) {
        await updateVersioned(manager, CreditFacilityEntity, f, f.version, { ...changes, updatedAt: now });
      }
      if (alert) await raiseAlert(manager, { clientId: f.clientId, facilityId: f.id, ...alert, at: now });
      await this.audit(manager, viewer, "completeReview", review, {
        outcome: props.outcome,
        newLimit: props.newLimit ?? null,
        facilityStatus: f.status,
      });
      return review;
    });
  }

  private requireInForce(f: CreditFacilityEntity): void {
    if (![FacilityStatus.ACTIVE, FacilityStatus.MARGIN_CALL, FacilityStatus.SUSPENDED].includes(f.status)) {
      throw Refusal.of(
        UserErrorCode.INVALID_TRANSITION,
        `A ${f.status} facility cannot take that outcome`,
        field("outcome"),
      );
    }
  }

  private requireOpenSigned(f: CreditFacilityEntity): void {
    if (
      ![
        FacilityStatus.ACTIVE,
        FacilityStatus.MARGIN_CALL,
        FacilityStatus.SUSPENDED,
        FacilityStatus.LIQUIDATING,
      ].includes(f.status)
    ) {
      throw Refusal.of(
        UserErrorCode.INVALID_TRANSITION,
        `A ${f.status} facility cannot take that outcome`,
        field("outcome"),
      );
    }
  }

  /** SCHEDULED or IN_PROGRESS → CANCELLED, the reason kept in notes. */
  async cancel(
    viewer: Viewer,
    props: { reviewId: number | null; reason: string; expectedVersion: number },
  ): Promise<PostLoanReviewEntity> {
    const now = this.clock.now();
    if (props.reason.trim() === "") throw Refusal.of(UserErrorCode.INVALID, "A reason is required", field("reason"));
    return inTransaction(this.ds, async (manager) => {
      const review = await this.lockReview(manager, props.reviewId);
      checkVersion(review.version, props.expectedVersion);
      if (review.status !== ReviewStatus.SCHEDULED && review.status !== ReviewStatus.IN_PROGRESS) {
        throw Refusal.of(
          UserErrorCode.INVALID_TRANSITION,
          `A ${review.status} review cannot be cancelled`,
          field("reviewId"),
        );
      }
      // Earlier notes stay: the reason is added, not substituted, within the column's width.
      const notes = review.notes ? `${review.notes}\nCancelled: ${props.reason.trim()}` : props.reason.trim();
      if (notes.length > NOTES_MAX_LENGTH) {
        throw Refusal.of(
          UserErrorCode.INVALID,
          `The review's notes and the reason together exceed ${NOTES_MAX_LENGTH} characters`,
          field("reason"),
        );
      }
      await updateVersioned(manager, PostLoanReviewEntity, review, props.expectedVersion, {
        status: ReviewStatus.CANCELLED,
        notes,
        updatedAt: now,
      });
      await this.audit(manager, viewer, "cancelReview", review, { status: review.status, reason: review.notes });
      return review;
    });
  }

  /** Resolves an open alert. An unknown alert is NOT_FOUND; a resolved one INVALID_TRANSITION. */
  async resolveAlert(viewer: Viewer, props: { alertId: number | null; note?: string | null }): Promise<AlertEntity> {
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const alert = await lockWithClient(manager, AlertEntity, props.alertId);
      if (alert === null) throw Refusal.of(UserErrorCode.NOT_FOUND, "No such alert", field("alertId"));
      if (alert.resolvedAt !== null)
        throw Refusal.of(UserErrorCode.INVALID_TRANSITION, "The alert is already resolved", field("alertId"));
      const result = await manager.update(
        AlertEntity,
        { id: alert.id, resolvedAt: IsNull() },
        { resolvedAt: now, resolvedBy: viewer.subject },
      );
      if (!result.affected)
        throw Refusal.of(UserErrorCode.CONFLICT, "The alert was resolved by someone else", field("alertId"));
      Object.assign(alert, { resolvedAt: now, resolvedBy: viewer.subject });
      await writeAudit(manager, {
        at: now,
        actor: viewer.subject,
        action: "resolveAlert",
        entityType: "Alert",
        entityId: toGlobalId("Alert", alert.id),
        changes: { note: props.note ?? null },
      });
      return alert;
    });
  }
}
