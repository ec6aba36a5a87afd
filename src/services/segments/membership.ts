import type { SegmentEntity } from "../../entities";
import { membershipPredicate, type SqlPredicate } from "../../repositories/segment-membership.sql";
import { segmentRef, type Catalogue, type SegmentRef } from "../fit/catalogue";

/** No client is a member: an unknown or inactive segment. */
export const NO_MEMBERS: SqlPredicate = { sql: "1 = 0", params: [] };

/**
 * What membership needs of a request: its segments by id and its catalogue, each loaded once per
 * request (the request's loaders are one).
 */
export interface RequestCatalogue {
  segment: { load(id: number): Promise<SegmentEntity | null> };
  catalogue(): Promise<Catalogue>;
}

/** The SQL membership of a segment among the active segments; an unknown segment has no members. */
export function membershipAmong(segment: SegmentEntity | null, active: readonly SegmentRef[]): SqlPredicate {
  return segment === null ? NO_MEMBERS : membershipPredicate(segmentRef(segment), active);
}

/** The SQL membership of a segment, from the request's catalogue of active segments. */
export async function membershipOf(request: RequestCatalogue, segmentId: number): Promise<SqlPredicate> {
  const [segment, catalogue] = await Promise.all([request.segment.load(segmentId), request.catalogue()]);
  return membershipAmong(segment, catalogue.segments);
}
