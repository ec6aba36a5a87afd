import Decimal from "decimal.js";
import type { ClientEntity, CreditFacilityEntity, PortraitEntity, ProductEntity, SegmentEntity } from "../../entities";
import {
  ClientStatus,
  type ClientType,
  type CreditRating,
  type InvestmentHorizon,
  type InvestorCategory,
  type RiskLevel,
} from "../../domain/enums";
import type { FitSubject, ProductDef, SegmentDef } from "../matching";
import { isValidUntilAfter } from "../../domain/assessment";
import { LIMIT_HOLDING } from "../../domain/facility-status";

/** Entities → the plain values matching takes (matching itself never sees an entity). */

export type SegmentRef = SegmentDef & { entity: SegmentEntity };
export type ProductRef = ProductDef & { entity: ProductEntity };

export interface Catalogue {
  /** Active segments, by priority then code. */
  segments: SegmentRef[];
  /** Active products, by code. */
  products: ProductRef[];
}

export function segmentRef(s: SegmentEntity): SegmentRef {
  return {
    entity: s,
    code: s.code,
    priority: s.priority,
    active: s.active,
    criteria: {
      minAvgDailyAssets: s.minAvgDailyAssets,
      maxAvgDailyAssets: s.maxAvgDailyAssets,
      clientTypes: s.clientTypes,
      investorCategories: s.investorCategories,
      riskLevels: s.riskLevels,
      horizons: s.horizons,
      minExperienceMonths: s.minExperienceMonths,
      minCreditRating: s.minCreditRating,
    },
  };
}

export function productRef(p: ProductEntity, segmentCodes: string[]): ProductRef {
  return {
    entity: p,
    code: p.code,
    riskLevel: p.riskLevel,
    horizon: p.horizon,
    active: p.active,
    minLimit: p.minLimit,
    maxLimit: p.maxLimit,
    eligibility: {
      minAvgDailyAssets: p.eligibilityMinAvgDailyAssets,
      minExperienceMonths: p.eligibilityMinExperienceMonths,
      minCreditRating: p.eligibilityMinCreditRating,
      clientTypes: p.eligibilityClientTypes,
      professionalOnly: p.eligibilityProfessionalOnly,
    },
    segmentCodes,
  };
}

/**
 * The active segments as matching takes them, in the order given (read them by priority, then code:
 * the order membership and bestSegment rely on). Every caller that needs "the active segments" uses this.
 */
export function activeSegments(segments: readonly SegmentEntity[]): SegmentRef[] {
  return segments.filter((s) => s.active).map(segmentRef);
}

/**
 * The catalogue matching runs against, from every segment (by priority, then code) and the active
 * products with the ids of their segments: the one place it is assembled.
 */
export function activeCatalogue(
  segments: readonly SegmentEntity[],
  products: readonly { product: ProductEntity; segmentIds: readonly number[] }[],
): Catalogue {
  const codeOf = new Map(segments.map((s) => [s.id, s.code]));
  return {
    segments: activeSegments(segments),
    products: products.map(({ product, segmentIds }) =>
      productRef(
        product,
        segmentIds.map((id) => codeOf.get(id)!),
      ),
    ),
  };
}

/** What matching needs about a stored client; null without a portrait. */
export function subjectOf(
  client: ClientEntity,
  portrait: PortraitEntity | null,
  /** When the latest risk assessment lapses; null without one. */
  assessmentValidUntil: Date | null,
  now: Date,
): FitSubject | null {
  if (portrait === null) return null;
  return {
    clientType: client.type,
    clientStatus: client.status,
    investorCategory: client.investorCategory,
    riskLevel: portrait.riskLevel,
    lowestCategory: portrait.lowestCategory,
    horizon: portrait.horizon,
    avgDailyAssets20d: portrait.avgDailyAssets20d,
    experienceMonths: portrait.experienceMonths,
    creditRating: portrait.creditRating,
    assessmentValid: isValidUntilAfter(assessmentValidUntil, now),
  };
}

/** What-if subject from a portrait given in the request (simulateFit): an active client. */
export function simulatedSubject(input: {
  clientType: ClientType;
  investorCategory?: InvestorCategory | null;
  riskLevel?: RiskLevel | null;
  lowestCategory?: boolean | null;
  horizon?: InvestmentHorizon | null;
  avgDailyAssets20d: Decimal;
  experienceMonths: number;
  creditRating: CreditRating;
}): FitSubject {
  const riskLevel = input.riskLevel ?? null;
  return {
    clientType: input.clientType,
    clientStatus: ClientStatus.ACTIVE,
    investorCategory: input.investorCategory ?? ("ORDINARY" as InvestorCategory),
    riskLevel,
    lowestCategory: input.lowestCategory ?? false,
    horizon: input.horizon ?? null,
    avgDailyAssets20d: new Decimal(input.avgDailyAssets20d),
    experienceMonths: input.experienceMonths,
    creditRating: input.creditRating,
    assessmentValid: riskLevel !== null,
  };
}

/** What open limits need of a facility. */
export type FacilityLimit = Pick<CreditFacilityEntity, "productId" | "status" | "approvedLimit">;

const NO_LIMITS = new Decimal(0);

export function openLimitsExcluding(facilities: readonly FacilityLimit[], productId: number): Decimal {
  let sum = NO_LIMITS;
  for (const f of facilities) {
    if (f.productId !== productId && LIMIT_HOLDING.includes(f.status) && f.approvedLimit !== null) {
      sum = sum.plus(f.approvedLimit);
    }
  }
  return sum;
}
