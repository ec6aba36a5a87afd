import {
  bestSegment,
  productFits,
  segmentFits,
  type FitSubject,
  type ProductFitResult,
  type SegmentFitResult,
} from "../matching";
import type { CreditFacilityEntity } from "../../entities";
import { openLimitsExcluding, type Catalogue, type ProductRef, type SegmentRef } from "./catalogue";

/**
 * Fits computed on demand from the catalogue of the request: nothing is cached across requests, so
 * an edited segment or product changes every client's fit on the next request.
 */
export function clientSegment(subject: FitSubject, catalogue: Catalogue): SegmentFitResult<SegmentRef> | null {
  const best = bestSegment(subject, catalogue.segments);
  return best === null ? null : (segmentFits(subject, [best])[0] ?? null);
}

export function clientSegmentFits(subject: FitSubject, catalogue: Catalogue): SegmentFitResult<SegmentRef>[] {
  return segmentFits(subject, catalogue.segments);
}

export function clientProductFits(
  subject: FitSubject,
  facilities: readonly CreditFacilityEntity[],
  catalogue: Catalogue,
  options: { first: number; eligibleOnly: boolean },
): ProductFitResult<ProductRef>[] {
  const segment = bestSegment(subject, catalogue.segments);
  const idOf = new Map(catalogue.products.map((p) => [p.code, p.entity.id]));
  return productFits(
    subject,
    catalogue.products,
    {
      segmentCode: segment?.code ?? null,
      openLimitsExcluding: (code) => openLimitsExcluding(facilities, idOf.get(code) ?? -1),
    },
    options,
  );
}
