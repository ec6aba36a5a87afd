import Decimal from "decimal.js";
import type { DataSource, EntityManager } from "typeorm";
import type { AlertEntity } from "../../entities";
import { CreditFacilityEntity, PostLoanReviewEntity } from "../../entities";
import { inTransaction } from "../../db/transaction";
import { lockById, lockWithClient } from "../../db/locks";
import { checkVersion, updateVersioned } from "../../db/versioned";
import { today, type Clock } from "../../domain/clock";
import { addWeekdays } from "../../domain/dates";
import {
  AlertKind,
  AlertSeverity,
  FacilityStatus,
  ReviewOutcome,
  ReviewStatus,
  ReviewTrigger,
  UserErrorCode,
} from "../../domain/enums";
import { isOpen, IN_FORCE, VALUED } from "../../domain/facility-status";
import { toGlobalId } from "../../domain/global-id";
import { Refusal } from "../../errors";
import { raiseAlert } from "../../repositories/alert.writes";
import { countOpenReviews } from "../../repositories/review.writes";
import type { Viewer } from "../access/viewer";
import { recordAudit, type AuditAction } from "../audit/audit";
import { AlertService } from "./alerts";
import { assessForReview } from "./review-assessment";

const field = (...path: string[]) => ["input", ...path];
/** post_loan_review.notes is varchar(2000). */
const NOTES_MAX_LENGTH = 2000;

/** Post-loan reviews (贷后管理) and alert handling (SPEC §5). */
export class ReviewService {
  private readonly alerts: AlertService;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {
    this.alerts = new AlertService(ds, clock);
  }

  private async audit(
    manager: EntityManager,
    viewer: Viewer,
    action: AuditAction,
    r: PostLoanReviewEntity,
    changes: Record<string, unknown>,
  ): Promise<void> {
    const entity = { type: "PostLoanReview", id: r.id, version: r.version } as const;
    await recordAudit(manager, viewer, action, entity, { at: this.clock.now(), changes });
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
      if (!isOpen(f.status)) {
        throw Refusal.of(
          UserErrorCode.INVALID_TRANSITION,
          `A ${f.status} facility takes no review`,
          field("facilityId"),
        );
      }
      // One open review of a trigger per facility (SPEC §10; UQ_review_open holds it in the database).
      if ((await countOpenReviews(manager, f.id, ReviewTrigger.MANUAL)) > 0) {
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
      const a = await assessForReview(manager, f, now, today(this.clock));
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
          const a = await assessForReview(manager, f, now, today(this.clock));
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
    if (!IN_FORCE.includes(f.status)) {
      throw Refusal.of(
        UserErrorCode.INVALID_TRANSITION,
        `A ${f.status} facility cannot take that outcome`,
        field("outcome"),
      );
    }
  }

  private requireOpenSigned(f: CreditFacilityEntity): void {
    if (!VALUED.includes(f.status)) {
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

  /** Resolves an open alert (see AlertService.resolve). */
  resolveAlert(viewer: Viewer, props: { alertId: number | null; note?: string | null }): Promise<AlertEntity> {
    return this.alerts.resolve(viewer, props);
  }
}
