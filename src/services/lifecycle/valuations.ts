import Decimal from "decimal.js";
import type { DataSource } from "typeorm";
import { CreditFacilityEntity, FacilityValuationEntity, ProductEntity } from "../../entities";
import { inTransaction } from "../../db/transaction";
import { lockById, lockClientsOfFacilities } from "../../db/locks";
import { updateVersioned } from "../../db/versioned";
import { RATIO_MAX, ratio } from "../../domain/decimal";
import { today, type Clock } from "../../domain/clock";
import { addWeekdays } from "../../domain/dates";
import { AlertKind, AlertSeverity, FacilityStatus, ReviewTrigger, UserErrorCode } from "../../domain/enums";
import { VALUED } from "../../domain/facility-status";
import { Refusal, UserError } from "../../errors";
import { raiseAlert, resolveOpenAlerts } from "../../repositories/alert.writes";
import { openReview } from "../../repositories/review.writes";
import type { Viewer } from "../access/viewer";
import { recordAudit } from "../audit/audit";

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
          await resolveOpenAlerts(manager, { facilityId: f.id, kind: AlertKind.MARGIN_CALL }, now);
        }
        await updateVersioned(manager, CreditFacilityEntity, f, f.version, changes);
        // The history SPEC §13 reads utilization and interest from; a second valuation of a date replaces it.
        await manager.delete(FacilityValuationEntity, { facilityId: f.id, asOf: v.asOf });
        await manager.insert(FacilityValuationEntity, {
          facilityId: f.id,
          asOf: v.asOf,
          usedAmount: v.usedAmount,
          collateralValue: v.collateralValue,
          maintenanceRatio: r,
          recordedAt: now,
        });
        facilities[i] = f;
        await recordAudit(
          manager,
          viewer,
          "recordFacilityValuations",
          { type: "CreditFacility", id: f.id, version: f.version },
          {
            at: now,
            changes: {
              asOf: v.asOf,
              usedAmount: v.usedAmount,
              collateralValue: v.collateralValue,
              maintenanceRatio: r,
              status: f.status,
            },
          },
        );
      }
      return { facilities, alertsRaised };
    });
  }
}
