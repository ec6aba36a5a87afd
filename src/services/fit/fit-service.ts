import { productFits, segmentFits, type FitSubject, type ProductFitResult, type SegmentFitResult } from "../matching";
import { openLimitsExcluding, type Catalogue, type FacilityLimit, type ProductRef, type SegmentRef } from "./catalogue";

/**
 * Fits computed on demand from the catalogue of the request: nothing is cached across requests, so
 * an edited segment or product changes every client's fit on the next request.
 */

/** One client's fit, computed once per request and shared by `segment`, `segmentFits` and `productFits`. */
export interface ClientFit {
  segment: SegmentFitResult<SegmentRef> | null;
  /** Every active segment: matched first, then by priority (the first, when matched, is `segment`). */
  segments: SegmentFitResult<SegmentRef>[];
  /** Every active product, ranked: eligible first, then score, then code. */
  products: ProductFitResult<ProductRef>[];
}

export function clientFit(subject: FitSubject, facilities: readonly FacilityLimit[], catalogue: Catalogue): ClientFit {
  // segmentFits ranks matched segments first, by priority then code: its head, when matched, is the
  // segment bestSegment picks, so each segment is evaluated once.
  const segments = segmentFits(subject, catalogue.segments);
  const segment = segments[0]?.matched ? segments[0] : null;
  return {
    segment,
    segments,
    products: productFitsFor(subject, segment?.segment.code ?? null, facilities, catalogue, { eligibleOnly: false }),
  };
}

/** The first `first` of a ranked list, eligible ones only when asked: what productFits(options) returns. */
export function pickProductFits(
  ranked: readonly ProductFitResult<ProductRef>[],
  options: { first: number; eligibleOnly: boolean },
): ProductFitResult<ProductRef>[] {
  const list = options.eligibleOnly ? ranked.filter((f) => f.eligible) : ranked;
  return list.slice(0, Math.max(0, options.first));
}

function productFitsFor(
  subject: FitSubject,
  segmentCode: string | null,
  facilities: readonly FacilityLimit[],
  catalogue: Catalogue,
  options: { first?: number; eligibleOnly: boolean },
): ProductFitResult<ProductRef>[] {
  const idOf = new Map(catalogue.products.map((p) => [p.code, p.entity.id]));
  return productFits(
    subject,
    catalogue.products,
    { segmentCode, openLimitsExcluding: (code) => openLimitsExcluding(facilities, idOf.get(code) ?? -1) },
    options,
  );
}
