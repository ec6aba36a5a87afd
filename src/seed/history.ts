import Decimal from "decimal.js";
import { sqlInstant } from "../db/sql";
import {
  AlertKind,
  AlertSeverity,
  ApprovalTier,
  FacilityStatus,
  FitCode,
  ReviewOutcome,
  ReviewStatus,
  ReviewTrigger,
} from "../domain/enums";
import { addDays, daysBetween } from "../domain/dates";
import { PRODUCTS_FOR_SEGMENT } from "./catalogue";
import { OFFICERS } from "./people";
import { money, type SeedIds } from "./rows";
import { badChance, cohortDate, monthEnds, troubleKept } from "./tracking";

const ALL_STATES = Object.values(FacilityStatus);

/** A client's random draws, all from its one generator: the order of the calls is the book. */
export interface Draws {
  rnd: () => number;
  pick: <T>(xs: readonly T[]) => T;
  between: (lo: number, hi: number) => number;
  instant: (daysAgo: number) => Date;
}

export interface HistoryRows {
  facilities: unknown[][];
  alerts: unknown[][];
  reviews: unknown[][];
  valuations: unknown[][];
}

/**
 * One facility of a client, in a state chosen by its number, with the alerts and reviews that state
 * implies. Returns the margin calls of the last 12 months and the defaults, which the portrait counts.
 */
export function seedFacilityHistory(
  draw: Draws,
  id: number,
  segment: string,
  avg: Decimal,
  asOf: string,
  ids: SeedIds,
  out: HistoryRows,
  /** The client's credit score on the cohort date, before what follows (SPEC §13's credit model). */
  cohortScore: number,
): { marginCalls: number; defaults: number } {
  const { pick, between, instant } = draw;
  const { facilities, alerts, reviews } = out;
  let marginCalls = 0;
  let defaults = 0;
  const drawn = ALL_STATES[(id * 7) % ALL_STATES.length];
  // SPEC §13: trouble (a margin call, a liquidation) is kept the likelier the lower the cohort score.
  const status =
    (drawn === FacilityStatus.MARGIN_CALL || drawn === FacilityStatus.LIQUIDATING) &&
    draw.rnd() >= troubleKept(cohortScore)
      ? FacilityStatus.ACTIVE
      : drawn;
  const product = pick(PRODUCTS_FOR_SEGMENT[segment]);
  const fid = ++ids.facilityId;
  const requested = new Decimal(
    Math.min(product.max, Math.floor((avg.toNumber() * between(0.5, 1.5)) / 10_000) * 10_000 + 100_000),
  );
  const approved =
    status === FacilityStatus.REJECTED ? null : requested.times(between(0.7, 1)).div(10_000).floor().times(10_000);
  const signed = [
    FacilityStatus.ACTIVE,
    FacilityStatus.MARGIN_CALL,
    FacilityStatus.SUSPENDED,
    FacilityStatus.LIQUIDATING,
    FacilityStatus.CLOSED,
  ].includes(status);
  const start = signed ? addDays(asOf, -Math.floor(between(20, product.term - 5))) : null;
  const maturity = start ? addDays(start, product.term) : null;
  const targetRatio =
    status === FacilityStatus.MARGIN_CALL
      ? between(1.15, 1.29)
      : status === FacilityStatus.LIQUIDATING
        ? between(0.9, 1.09)
        : between(1.6, 3.2);
  const used =
    signed && status !== FacilityStatus.CLOSED && approved
      ? approved.times(between(0.3, 0.85)).toDecimalPlaces(2)
      : new Decimal(0);
  const collateral = used.times(targetRatio).toDecimalPlaces(2);
  const ratio = used.isZero() ? null : collateral.div(used).toDecimalPlaces(4, Decimal.ROUND_DOWN);
  const created = instant(start ? daysBetween(start, asOf) + 3 : Math.floor(between(1, 15)));
  const tierOf = segment === "A" ? ApprovalTier.COMMITTEE : segment === "B" ? ApprovalTier.STANDARD : ApprovalTier.AUTO;
  const reasons =
    status === FacilityStatus.REJECTED
      ? [
          {
            code: FitCode.CREDIT_RATING,
            passed: false,
            message: "rating below the product's minimum",
            required: "at least A",
            actual: "BB",
          },
        ]
      : [];
  const defaultedAt = status === FacilityStatus.LIQUIDATING ? sqlInstant(instant(Math.floor(between(1, 10)))) : null;
  if (defaultedAt) defaults += 1;
  facilities.push([
    fid,
    id,
    product.id,
    status,
    tierOf,
    money(requested),
    approved ? money(approved) : null,
    money(used),
    money(collateral),
    ratio ? ratio.toFixed(4) : null,
    signed ? asOf : null,
    product.rate,
    start,
    maturity,
    0,
    signed || status === FacilityStatus.PENDING_SIGNATURE ? "2026-01" : null,
    start ? sqlInstant(instant(daysBetween(start, asOf))) : null,
    JSON.stringify(reasons),
    approved ? (tierOf === ApprovalTier.AUTO ? "system" : pick(OFFICERS)) : null,
    defaultedAt,
    sqlInstant(created),
    sqlInstant(created),
    signed ? 3 : 2,
  ]);
  const alert = (
    kind: AlertKind,
    severity: AlertSeverity,
    message: string,
    daysAgo: number,
    deadline: string | null,
    resolved: boolean,
  ) => {
    const raised = instant(daysAgo);
    alerts.push([
      ++ids.alertId,
      id,
      fid,
      kind,
      severity,
      message,
      sqlInstant(raised),
      deadline,
      resolved ? sqlInstant(instant(Math.max(daysAgo - 2, 0))) : null,
      resolved ? "system" : null,
      sqlInstant(raised),
    ]);
    if (kind === AlertKind.MARGIN_CALL && daysAgo < 365) marginCalls += 1;
  };
  const review = (trigger: ReviewTrigger, status2: ReviewStatus, due: string, outcome: ReviewOutcome | null) => {
    const createdR = sqlInstant(instant(Math.floor(between(1, 20))));
    const started = status2 === ReviewStatus.IN_PROGRESS || status2 === ReviewStatus.COMPLETED;
    reviews.push([
      ++ids.reviewId,
      id,
      fid,
      trigger,
      status2,
      due,
      started ? pick(OFFICERS) : null,
      started ? createdR : null,
      status2 === ReviewStatus.COMPLETED ? createdR : null,
      null,
      started ? (outcome ?? ReviewOutcome.MAINTAIN) : null,
      outcome,
      null,
      status2 === ReviewStatus.CANCELLED ? "Superseded by a margin-call review" : null,
      createdR,
      createdR,
      started ? 3 : 1,
    ]);
  };
  if (status === FacilityStatus.MARGIN_CALL) {
    const deadline = addDays(asOf, 2);
    alert(
      AlertKind.MARGIN_CALL,
      AlertSeverity.WARNING,
      `Maintenance ratio ${ratio?.toFixed(4)} below the margin-call line 1.3000`,
      1,
      deadline,
      false,
    );
    review(ReviewTrigger.MARGIN_CALL, ReviewStatus.SCHEDULED, deadline, null);
  } else if (status === FacilityStatus.LIQUIDATING) {
    alert(
      AlertKind.LIQUIDATION,
      AlertSeverity.CRITICAL,
      `Maintenance ratio ${ratio?.toFixed(4)} below the liquidation line 1.1000`,
      2,
      null,
      false,
    );
    alert(
      AlertKind.MARGIN_CALL,
      AlertSeverity.WARNING,
      "Maintenance ratio below the margin-call line 1.3000",
      9,
      addDays(asOf, -7),
      true,
    );
    review(ReviewTrigger.MARGIN_CALL, ReviewStatus.COMPLETED, addDays(asOf, -7), ReviewOutcome.FORCED_LIQUIDATION);
  } else if (status === FacilityStatus.SUSPENDED) {
    review(ReviewTrigger.PERIODIC, ReviewStatus.COMPLETED, addDays(asOf, -5), ReviewOutcome.SUSPEND);
    alert(
      AlertKind.MAINTENANCE_WARNING,
      AlertSeverity.INFO,
      "Maintenance ratio below the warning line 1.5000",
      30,
      null,
      true,
    );
  } else if (status === FacilityStatus.ACTIVE) {
    review(
      ReviewTrigger.PERIODIC,
      pick([ReviewStatus.SCHEDULED, ReviewStatus.IN_PROGRESS, ReviewStatus.COMPLETED, ReviewStatus.CANCELLED]),
      addDays(asOf, Math.floor(between(-10, 20))),
      null,
    );
    if (maturity && maturity <= addDays(asOf, 14))
      alert(AlertKind.MATURITY_DUE, AlertSeverity.INFO, `Matures on ${maturity}`, 1, maturity, false);
  } else if (status === FacilityStatus.CLOSED) {
    review(ReviewTrigger.MATURITY, ReviewStatus.COMPLETED, addDays(asOf, -3), ReviewOutcome.TERMINATE);
  }
  // SPEC §13: a valuation at each month end the facility was signed by, and now; and after the cohort
  // date, margin calls the likelier the lower the cohort score, so the score ranks the bads.
  if (signed && status !== FacilityStatus.CLOSED && start !== null) {
    const ends = monthEnds(asOf).filter((d) => d >= start);
    ends.forEach((d, k) => {
      const share = (k + 1) / (ends.length + 1);
      const v = used.times(0.5 + 0.5 * share).toDecimalPlaces(2);
      out.valuations.push([fid, d, money(v), money(v.times(2)), v.isZero() ? null : "2.0000", `${d} 09:00:00.000`]);
    });
    out.valuations.push([
      fid,
      asOf,
      money(used),
      money(collateral),
      ratio ? ratio.toFixed(4) : null,
      `${asOf} 09:00:00.000`,
    ]);
  }
  const cohort = cohortDate(asOf);
  if (signed && start !== null && start <= cohort && draw.rnd() < badChance(cohortScore)) {
    const daysAgo = Math.floor(between(3, daysBetween(cohort, asOf) - 1));
    alert(
      AlertKind.MARGIN_CALL,
      AlertSeverity.WARNING,
      "Maintenance ratio below the margin-call line 1.3000",
      daysAgo,
      addDays(asOf, -daysAgo + 2),
      true,
    );
  }
  return { marginCalls, defaults };
}
