import Decimal from "decimal.js";
import type { DataSource, EntityManager } from "typeorm";
import { ClientEntity, CreditFacilityEntity, FacilityApprovalEntity, ProductEntity } from "../../entities";
import { inTransaction } from "../../db/transaction";
import { today, type Clock } from "../../domain/clock";
import { ApprovalTier, FacilityStatus, UserErrorCode } from "../../domain/enums";
import { isOpen } from "../../domain/facility-status";
import { Refusal } from "../../errors";
import { sameSubject, type Viewer } from "../access/viewer";
import { assertMayWriteForBranch } from "../access/policy";
import { addDays } from "../../domain/dates";
import { lockById, lockWithClient } from "../../db/locks";
import { checkVersion, updateVersioned } from "../../db/versioned";
import { hasValidAssessmentAt, recordApproval } from "../../repositories/facility.writes";
import { recordAudit, type AuditAction } from "../audit/audit";
import { fitNow } from "./fit-now";

const field = (...path: string[]) => ["input", ...path];

export interface ApplyOutcome {
  facility: CreditFacilityEntity | null;
  /**
   * Set when the application was refused but kept as REJECTED (NOT_ELIGIBLE / ASSESSMENT_EXPIRED): not
   * thrown, as throwing would roll back the REJECTED facility the payload reports with it.
   */
  refusal: Refusal | null;
}

/** Credit facilities from application to exit (SPEC §5). */
export class FacilityService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly disclosureVersion: string,
  ) {}

  private audit(
    manager: EntityManager,
    viewer: Viewer,
    action: AuditAction,
    f: CreditFacilityEntity,
    changes: Record<string, unknown>,
  ): Promise<void> {
    const entity = { type: "CreditFacility", id: f.id, version: f.version } as const;
    return recordAudit(manager, viewer, action, entity, { at: this.clock.now(), changes });
  }

  /** Locks a facility a relationship manager may act on: own branch only, at the version the caller saw. */
  private async lockForClientWrite(
    manager: EntityManager,
    viewer: Viewer,
    facilityId: number | null,
    expectedVersion: number,
  ): Promise<CreditFacilityEntity> {
    const f = await this.lockFacility(manager, facilityId);
    const client = await manager.findOneByOrFail(ClientEntity, { id: f.clientId });
    assertMayWriteForBranch(viewer, client.branch);
    checkVersion(f.version, expectedVersion);
    return f;
  }

  private async lockFacility(manager: EntityManager, facilityId: number | null): Promise<CreditFacilityEntity> {
    const f = await lockWithClient(manager, CreditFacilityEntity, facilityId);
    if (f === null) throw Refusal.of(UserErrorCode.NOT_FOUND, "No such facility", field("facilityId"));
    return f;
  }

  /**
   * Applies for a facility on a product, matched now from the latest portrait. Refuses: unknown
   * client or product (NOT_FOUND), a non-positive limit (INVALID), an open facility on the same
   * product (DUPLICATE), no portrait (NOT_ELIGIBLE, nothing kept). A failed fit is kept as a
   * REJECTED facility with its blockers and reported NOT_ELIGIBLE (ASSESSMENT_EXPIRED when the
   * client's assessment has expired).
   */
  async apply(
    viewer: Viewer,
    props: { clientId: number | null; productId: number | null; requestedLimit: Decimal },
  ): Promise<ApplyOutcome> {
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const client = await lockById(manager, ClientEntity, props.clientId);
      if (client === null) throw Refusal.of(UserErrorCode.NOT_FOUND, "No such client", field("clientId"));
      assertMayWriteForBranch(viewer, client.branch);
      const product = props.productId === null ? null : await manager.findOneBy(ProductEntity, { id: props.productId });
      if (product === null || !product.active) {
        throw Refusal.of(UserErrorCode.NOT_FOUND, "No such active product", field("productId"));
      }
      if (!props.requestedLimit.isPositive() || props.requestedLimit.isZero()) {
        throw Refusal.of(UserErrorCode.INVALID, "requestedLimit must be positive", field("requestedLimit"));
      }
      const open = await manager.findBy(CreditFacilityEntity, { clientId: client.id, productId: product.id });
      if (open.some((f) => isOpen(f.status))) {
        throw Refusal.of(
          UserErrorCode.DUPLICATE,
          "The client already has an open facility on this product",
          field("productId"),
        );
      }
      const ctx = await fitNow(manager, client, product, now);
      if (ctx.fit === null) {
        throw Refusal.of(UserErrorCode.NOT_ELIGIBLE, "The client has no portrait to match", field("clientId"));
      }
      const tier = ctx.segment?.entity.approvalTier ?? ApprovalTier.STANDARD;
      const base = {
        clientId: client.id,
        productId: product.id,
        approvalTier: tier,
        requestedLimit: props.requestedLimit,
        usedAmount: new Decimal(0),
        collateralValue: new Decimal(0),
        maintenanceRatio: null,
        valuationAsOf: null,
        annualRate: product.annualRate,
        startDate: null,
        maturityDate: null,
        extensionsUsed: 0,
        disclosureVersion: null,
        disclosureAcknowledgedAt: null,
        defaultedAt: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      if (!ctx.fit.eligible) {
        const facility = manager.create(CreditFacilityEntity, {
          ...base,
          status: FacilityStatus.REJECTED,
          approvedLimit: null,
          approvedBy: null,
          decisionReasons: ctx.fit.blockers,
        });
        await manager.save(facility);
        await this.audit(manager, viewer, "applyForFacility", facility, {
          status: facility.status,
          requestedLimit: props.requestedLimit,
          blockers: ctx.fit.blockers.map((b) => b.code),
        });
        const expired = ctx.assessment !== null && !ctx.assessmentValid;
        return {
          facility,
          refusal: expired
            ? Refusal.of(
                UserErrorCode.ASSESSMENT_EXPIRED,
                "The client's risk assessment has expired",
                field("clientId"),
              )
            : Refusal.of(
                UserErrorCode.NOT_ELIGIBLE,
                `Not eligible: ${ctx.fit.blockers.map((b) => b.code).join(", ")}`,
                field("productId"),
              ),
        };
      }
      const recommended = ctx.fit.recommendedLimit!;
      const auto = tier === ApprovalTier.AUTO;
      const facility = manager.create(CreditFacilityEntity, {
        ...base,
        status: auto ? FacilityStatus.PENDING_SIGNATURE : FacilityStatus.PENDING_APPROVAL,
        approvedLimit: Decimal.min(props.requestedLimit, recommended),
        approvedBy: auto ? "system" : null,
        decisionReasons: ctx.fit.reasons,
      });
      await manager.save(facility);
      await this.audit(manager, viewer, "applyForFacility", facility, {
        status: facility.status,
        tier,
        requestedLimit: props.requestedLimit,
        approvedLimit: facility.approvedLimit,
      });
      return { facility, refusal: null };
    });
  }

  /**
   * A risk officer's decision. STANDARD: one approval moves the facility on; COMMITTEE: two by
   * different officers (four eyes), the same officer twice is INVALID (subjects compared
   * case-insensitively after trimming). `approve: false` rejects. A limit above the requested limit
   * or the recommended limit now is LIMIT_EXCEEDED; not PENDING_APPROVAL is INVALID_TRANSITION; a
   * stale expectedVersion is CONFLICT.
   */
  async approve(
    viewer: Viewer,
    props: {
      facilityId: number | null;
      approve: boolean;
      approvedLimit?: Decimal | null;
      note?: string | null;
      expectedVersion: number;
    },
  ): Promise<CreditFacilityEntity> {
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const f = await this.lockFacility(manager, props.facilityId);
      checkVersion(f.version, props.expectedVersion);
      if (f.status !== FacilityStatus.PENDING_APPROVAL) {
        throw Refusal.of(
          UserErrorCode.INVALID_TRANSITION,
          `A ${f.status} facility cannot be approved`,
          field("facilityId"),
        );
      }
      const previous = await manager.findBy(FacilityApprovalEntity, { facilityId: f.id });
      const sameOfficer = () =>
        Refusal.of(UserErrorCode.INVALID, "The same officer cannot approve twice (four eyes)", field("facilityId"));
      if (previous.some((a) => sameSubject(a.officer, viewer.subject))) throw sameOfficer();
      const record = async (approvedLimit: Decimal | null) => {
        const decision = { facilityId: f.id, officer: viewer.subject, approve: props.approve, approvedLimit };
        if (!(await recordApproval(manager, { ...decision, note: props.note ?? null, at: now }))) throw sameOfficer();
      };
      if (!props.approve) {
        await record(null);
        await updateVersioned(manager, CreditFacilityEntity, f, props.expectedVersion, {
          status: FacilityStatus.REJECTED,
          updatedAt: now,
        });
        await this.audit(manager, viewer, "approveFacility", f, { approve: false, status: f.status, note: props.note });
        return f;
      }
      const client = await manager.findOneByOrFail(ClientEntity, { id: f.clientId });
      const product = await manager.findOneByOrFail(ProductEntity, { id: f.productId });
      const ctx = await fitNow(manager, client, product, now);
      if (ctx.fit === null || !ctx.fit.eligible) {
        throw Refusal.of(
          UserErrorCode.NOT_ELIGIBLE,
          "The client is no longer eligible for this product",
          field("facilityId"),
        );
      }
      const limit = props.approvedLimit ?? f.approvedLimit ?? f.requestedLimit;
      if (!limit.isPositive() || limit.isZero()) {
        throw Refusal.of(UserErrorCode.INVALID, "approvedLimit must be positive", field("approvedLimit"));
      }
      if (limit.gt(f.requestedLimit)) {
        throw Refusal.of(
          UserErrorCode.LIMIT_EXCEEDED,
          "approvedLimit is above the requested limit",
          field("approvedLimit"),
        );
      }
      if (limit.gt(ctx.fit.recommendedLimit!)) {
        throw Refusal.of(
          UserErrorCode.LIMIT_EXCEEDED,
          "approvedLimit is above the recommended limit now",
          field("approvedLimit"),
        );
      }
      await record(limit);
      const approvals = previous.filter((a) => a.approve);
      const needed = f.approvalTier === ApprovalTier.COMMITTEE ? 2 : 1;
      if (approvals.length + 1 < needed) {
        await updateVersioned(manager, CreditFacilityEntity, f, props.expectedVersion, {
          approvedLimit: limit,
          updatedAt: now,
        });
      } else {
        // Four eyes: the lower of the two committee limits stands.
        const finalLimit = approvals.reduce(
          (min, a) => (a.approvedLimit && a.approvedLimit.lt(min) ? a.approvedLimit : min),
          limit,
        );
        await updateVersioned(manager, CreditFacilityEntity, f, props.expectedVersion, {
          status: FacilityStatus.PENDING_SIGNATURE,
          approvedLimit: finalLimit,
          approvedBy: viewer.subject,
          updatedAt: now,
        });
      }
      await this.audit(manager, viewer, "approveFacility", f, {
        approve: true,
        approvedLimit: f.approvedLimit,
        status: f.status,
      });
      return f;
    });
  }

  /**
   * The client signs the risk disclosure: PENDING_SIGNATURE → ACTIVE, starting today and maturing
   * after the product's term. Refuses an unacknowledged or outdated disclosure (INVALID) and an
   * expired assessment (ASSESSMENT_EXPIRED).
   */
  async sign(
    viewer: Viewer,
    props: { facilityId: number | null; disclosureVersion: string; acknowledged: boolean; expectedVersion: number },
  ): Promise<CreditFacilityEntity> {
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const f = await this.lockForClientWrite(manager, viewer, props.facilityId, props.expectedVersion);
      if (f.status !== FacilityStatus.PENDING_SIGNATURE) {
        throw Refusal.of(
          UserErrorCode.INVALID_TRANSITION,
          `A ${f.status} facility cannot be signed`,
          field("facilityId"),
        );
      }
      if (!props.acknowledged)
        throw Refusal.of(UserErrorCode.INVALID, "The risk disclosure must be acknowledged", field("acknowledged"));
      if (props.disclosureVersion !== this.disclosureVersion) {
        throw Refusal.of(UserErrorCode.INVALID, "That is not the current risk disclosure", field("disclosureVersion"));
      }
      await this.requireValidAssessment(manager, f, now);
      const product = await manager.findOneByOrFail(ProductEntity, { id: f.productId });
      const start = today(this.clock);
      await updateVersioned(manager, CreditFacilityEntity, f, props.expectedVersion, {
        status: FacilityStatus.ACTIVE,
        startDate: start,
        maturityDate: addDays(start, product.termDays),
        disclosureVersion: props.disclosureVersion,
        disclosureAcknowledgedAt: now,
        updatedAt: now,
      });
      await this.audit(manager, viewer, "signFacility", f, {
        status: f.status,
        startDate: f.startDate,
        maturityDate: f.maturityDate,
        disclosureVersion: props.disclosureVersion,
      });
      return f;
    });
  }

  private async requireValidAssessment(manager: EntityManager, f: CreditFacilityEntity, now: Date): Promise<void> {
    if (!(await hasValidAssessmentAt(manager, f.clientId, now))) {
      throw Refusal.of(
        UserErrorCode.ASSESSMENT_EXPIRED,
        "The client has no valid risk assessment",
        field("facilityId"),
      );
    }
  }

  /**
   * Extends an ACTIVE facility by the product's term. Refuses: not ACTIVE or no extension left
   * (INVALID_TRANSITION), an expired assessment (ASSESSMENT_EXPIRED).
   */
  async extend(
    viewer: Viewer,
    props: { facilityId: number | null; expectedVersion: number },
  ): Promise<CreditFacilityEntity> {
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const f = await this.lockForClientWrite(manager, viewer, props.facilityId, props.expectedVersion);
      const product = await manager.findOneByOrFail(ProductEntity, { id: f.productId });
      if (f.status !== FacilityStatus.ACTIVE || f.maturityDate === null) {
        throw Refusal.of(
          UserErrorCode.INVALID_TRANSITION,
          `A ${f.status} facility cannot be extended`,
          field("facilityId"),
        );
      }
      if (f.extensionsUsed >= product.maxExtensions) {
        throw Refusal.of(
          UserErrorCode.INVALID_TRANSITION,
          "No extension is left on this facility",
          field("facilityId"),
        );
      }
      await this.requireValidAssessment(manager, f, now);
      await updateVersioned(manager, CreditFacilityEntity, f, props.expectedVersion, {
        maturityDate: addDays(f.maturityDate, product.termDays),
        extensionsUsed: f.extensionsUsed + 1,
        updatedAt: now,
      });
      await this.audit(manager, viewer, "extendFacility", f, {
        maturityDate: f.maturityDate,
        extensionsUsed: f.extensionsUsed,
      });
      return f;
    });
  }

  /** The exit: an open facility with nothing borrowed → CLOSED. Debt outstanding is INVALID. */
  async close(
    viewer: Viewer,
    props: { facilityId: number | null; expectedVersion: number },
  ): Promise<CreditFacilityEntity> {
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const f = await this.lockForClientWrite(manager, viewer, props.facilityId, props.expectedVersion);
      if (!isOpen(f.status)) {
        throw Refusal.of(
          UserErrorCode.INVALID_TRANSITION,
          `A ${f.status} facility cannot be closed`,
          field("facilityId"),
        );
      }
      if (!f.usedAmount.isZero()) {
        throw Refusal.of(UserErrorCode.INVALID, "The facility still has an amount borrowed", field("facilityId"));
      }
      await updateVersioned(manager, CreditFacilityEntity, f, props.expectedVersion, {
        status: FacilityStatus.CLOSED,
        updatedAt: now,
      });
      await this.audit(manager, viewer, "closeFacility", f, { status: f.status });
      return f;
    });
  }
}
