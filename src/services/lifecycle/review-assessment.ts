import Decimal from "decimal.js";
import type { EntityManager } from "typeorm";
import { ClientEntity, CreditFacilityEntity, ProductEntity } from "../../entities";
import type { StoredReviewSnapshot } from "../../entities/post-loan-review.entity";
import { money, ratio } from "../../domain/decimal";
import { daysBetween } from "../../domain/dates";
import { CREDIT_RATING_ORDER, CreditRating, FitCode, ReviewOutcome } from "../../domain/enums";
import { recommendedLimit } from "../matching";
import { openLimitsExcluding } from "../fit/catalogue";
import { fitNow } from "./fit-now";

export interface ReviewAssessment {
  snapshot: StoredReviewSnapshot;
  recommendation: ReviewOutcome;
  recommended: Decimal | null;
  assessmentValid: boolean;
}

/** A facility's metrics now and the outcome the review rules suggest, first rule that applies (SPEC §5). */
export async function assessForReview(
  manager: EntityManager,
  f: CreditFacilityEntity,
  now: Date,
  todayDate: string,
): Promise<ReviewAssessment> {
  const client = await manager.findOneByOrFail(ClientEntity, { id: f.clientId });
  const product = await manager.findOneByOrFail(ProductEntity, { id: f.productId });
  const ctx = await fitNow(manager, client, product, now);
  const facilities = await manager.findBy(CreditFacilityEntity, { clientId: f.clientId });
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
      daysToMaturity: f.maturityDate === null ? null : daysBetween(todayDate, f.maturityDate),
      recommendedLimit: recommended === null ? null : money(recommended),
    },
  };
}
