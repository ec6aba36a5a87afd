import Decimal from "decimal.js";
import { In, type DataSource, type EntityManager } from "typeorm";
import { CreditFacilityEntity, FacilityValuationEntity, ProductEntity } from "../../entities";
import { inTransaction } from "../../db/transaction";
import { lockFacilities } from "../../db/locks";
import { updateVersionedMany } from "../../db/versioned";
import { RATIO_MAX, ratio } from "../../domain/decimal";
import { today, type Clock } from "../../domain/clock";
import { addWeekdays } from "../../domain/dates";
import { AlertKind, AlertSeverity, FacilityStatus, ReviewTrigger, UserErrorCode } from "../../domain/enums";
import { VALUED } from "../../domain/facility-status";
import { Refusal, UserError } from "../../errors";
import { raiseAlerts, resolveOpenAlerts, type NewAlert } from "../../repositories/alert.writes";
import { openReviews } from "../../repositories/review.writes";
import type { Viewer } from "../access/viewer";
import { recordAudits } from "../audit/audit";

export const MAX_VALUATIONS_PER_CALL = 5000;

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

/** Valuations of facilities in force and what they set off: state changes, alerts, margin-call reviews. */
export class ValuationService {
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
      // One client, one line of writes (SPEC §10): the clients first (ascending), then the facilities
      // in id order, so two overlapping batches queue instead of deadlocking or deciding on stale rows.
      const locked = new Map(
        (
          await lockFacilities(
            manager,
            items.map((v) => v.facilityId!),
          )
        ).map((f) => [f.id, f]),
      );
      const order = items.map((v, i) => ({ v, i })).sort((a, b) => a.v.facilityId! - b.v.facilityId!);
      const refuse = (code: UserErrorCode, message: string, i: number) =>
        Refusal.of(code, message, ["input", "valuations", String(i), "facilityId"]);
      for (const { v, i } of order) {
        const f = locked.get(v.facilityId!);
        if (f === undefined) throw refuse(UserErrorCode.NOT_FOUND, "No such facility", i);
        if (!VALUED.includes(f.status))
          throw refuse(UserErrorCode.INVALID_TRANSITION, `A ${f.status} facility takes no valuation`, i);
      }
      const productIds = [...new Set([...locked.values()].map((f) => f.productId))];
      const products = new Map(
        (await manager.findBy(ProductEntity, { id: In(productIds) })).map((p) => [p.id, p] as const),
      );
      // Each valuation's decision first; then the writes, a constant number of statements for the batch
      // (the facilities in one versioned UPDATE per 200) plus a resolution per facility leaving MARGIN_CALL.
      const decided = order.map(({ v, i }) => {
        const f = locked.get(v.facilityId!)!;
        return decide(f, products.get(f.productId)!, v, i, now);
      });
      for (const d of decided) {
        if (d.resolveMarginCall)
          await resolveOpenAlerts(manager, { facilityId: d.facility.id, kind: AlertKind.MARGIN_CALL }, now);
      }
      const raised = await raiseAlerts(
        manager,
        decided.flatMap((d) => (d.alert === null ? [] : [d.alert])),
      );
      const marginCalls = new Set(raised.filter((a) => a.kind === AlertKind.MARGIN_CALL).map((a) => a.facilityId));
      await openReviews(
        manager,
        decided.flatMap((d) =>
          d.alert !== null && marginCalls.has(d.facility.id)
            ? [{ facility: d.facility, trigger: ReviewTrigger.MARGIN_CALL, dueDate: d.alert.deadline! }]
            : [],
        ),
        now,
      );
      await updateVersionedMany(
        manager,
        CreditFacilityEntity,
        decided.map((d) => ({ row: d.facility, changes: d.changes })),
      );
      const facilities: CreditFacilityEntity[] = new Array(items.length);
      for (const d of decided) facilities[d.index] = d.facility;
      await recordValuationHistory(manager, decided, now);
      await recordAudits(
        manager,
        viewer,
        "recordFacilityValuations",
        decided.map(({ facility: f, valuation: v, changes }) => ({
          entity: { type: "CreditFacility" as const, id: f.id, version: f.version },
          at: now,
          changes: {
            asOf: v.asOf,
            usedAmount: v.usedAmount,
            collateralValue: v.collateralValue,
            maintenanceRatio: changes.maintenanceRatio ?? null,
            status: f.status,
          },
        })),
      );
      const alertsRaised = raised.length;
      return { facilities, alertsRaised };
    });
  }
}

/** What one valuation does to its facility, decided before anything is written. */
interface Decision {
  facility: CreditFacilityEntity;
  valuation: ValuationProps;
  /** The item's index in the call. */
  index: number;
  changes: Partial<CreditFacilityEntity>;
  /** The one alert of the lowest line crossed, if any. */
  alert: NewAlert | null;
  /** A MARGIN_CALL facility back at or above the warning line: its margin-call alerts resolve. */
  resolveMarginCall: boolean;
}

/** The lowest line crossed decides the state and the one alert (SPEC §5, recordValuations). */
function decide(
  f: CreditFacilityEntity,
  product: ProductEntity,
  v: ValuationProps,
  index: number,
  now: Date,
): Decision {
  const r = maintenanceRatio(v.usedAmount, v.collateralValue);
  const changes: Partial<CreditFacilityEntity> = {
    usedAmount: v.usedAmount,
    collateralValue: v.collateralValue,
    maintenanceRatio: r,
    valuationAsOf: v.asOf,
    updatedAt: now,
  };
  const decision: Decision = { facility: f, valuation: v, index, changes, alert: null, resolveMarginCall: false };
  const alert = (kind: AlertKind, severity: AlertSeverity, message: string, deadline: string | null = null) => {
    decision.alert = { clientId: f.clientId, facilityId: f.id, kind, severity, message, deadline, at: now };
  };
  const shown = r === null ? "n/a" : ratio(r);
  if (r !== null && r.lt(product.liquidationLine)) {
    if (f.status !== FacilityStatus.LIQUIDATING) {
      changes.status = FacilityStatus.LIQUIDATING;
      changes.defaultedAt = f.defaultedAt ?? now;
    }
    alert(
      AlertKind.LIQUIDATION,
      AlertSeverity.CRITICAL,
      `Maintenance ratio ${shown} below the liquidation line ${ratio(product.liquidationLine)}`,
    );
  } else if (r !== null && r.lt(product.marginCallLine)) {
    const deadline = addWeekdays(v.asOf, 2);
    if (f.status === FacilityStatus.ACTIVE) changes.status = FacilityStatus.MARGIN_CALL;
    alert(
      AlertKind.MARGIN_CALL,
      AlertSeverity.WARNING,
      `Maintenance ratio ${shown} below the margin-call line ${ratio(product.marginCallLine)}: top up by ${deadline}`,
      deadline,
    );
  } else if (r !== null && r.lt(product.warningLine)) {
    alert(
      AlertKind.MAINTENANCE_WARNING,
      AlertSeverity.INFO,
      `Maintenance ratio ${shown} below the warning line ${ratio(product.warningLine)}`,
    );
  } else if (f.status === FacilityStatus.MARGIN_CALL) {
    changes.status = FacilityStatus.ACTIVE;
    decision.resolveMarginCall = true;
  }
  return decision;
}

/**
 * The history SPEC §13 reads utilization and interest from: one row per facility and date, a second
 * valuation of a date replacing the first. One upsert on the (facility, date) key per 1,000 rows.
 */
async function recordValuationHistory(manager: EntityManager, decided: readonly Decision[], now: Date): Promise<void> {
  const rows = decided.map(({ facility, valuation: v, changes }) => ({
    facilityId: facility.id,
    asOf: v.asOf,
    usedAmount: v.usedAmount,
    collateralValue: v.collateralValue,
    maintenanceRatio: changes.maintenanceRatio ?? null,
    recordedAt: now,
  }));
  for (let i = 0; i < rows.length; i += 1000) {
    await manager.upsert(FacilityValuationEntity, rows.slice(i, i + 1000), {
      conflictPaths: ["facilityId", "asOf"],
      skipUpdateIfNoValuesChanged: false,
    });
  }
}
