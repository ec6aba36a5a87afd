import { productFits, segmentFits, type FitSubject, type ProductFitResult, type SegmentFitResult } from "../matching";
import type { ClientEntity, PortraitEntity } from "../../entities";
import {
  openLimitsExcluding,
  subjectOf,
  type Catalogue,
  type FacilityLimit,
  type ProductRef,
  type SegmentRef,
} from "./catalogue";

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

/** Everything the fit of one client needs. */
export interface ClientFitInputs {
  subject: FitSubject;
  facilities: FacilityLimit[];
}

/**
 * The fit inputs of a batch of clients from what the loaders gathered for them, position by position
 * (`portraits`, `validUntils` and `limits` hold one entry per client that is not null): null for a
 * client out of scope or without a portrait, an error where a load failed.
 */
export function fitInputsOf(
  clients: readonly (ClientEntity | null)[],
  portraits: readonly (PortraitEntity | null | Error)[],
  validUntils: readonly (Date | null | Error)[],
  limits: readonly (FacilityLimit[] | Error)[],
  at: Date,
): (ClientFitInputs | null | Error)[] {
  let i = 0;
  return clients.map((c) => {
    if (c === null) return null;
    const [portrait, validUntil, facilities] = [portraits[i], validUntils[i], limits[i]];
    i += 1;
    if (portrait instanceof Error) return portrait;
    if (validUntil instanceof Error) return validUntil;
    if (facilities instanceof Error) return facilities;
    const subject = subjectOf(c, portrait, validUntil, at);
    return subject && { subject, facilities };
  });
}

/** The fits of a batch of clients against the request's catalogue, position by position. */
export function fitsOf(
  inputs: readonly (ClientFitInputs | null | Error)[],
  catalogue: Catalogue,
): (ClientFit | null | Error)[] {
  return inputs.map((i) =>
    i === null ? null : i instanceof Error ? i : clientFit(i.subject, i.facilities, catalogue),
  );
}
