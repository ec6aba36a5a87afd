import type { EntityManager } from "typeorm";
import {
  ClientEntity,
  CreditFacilityEntity,
  PortraitEntity,
  ProductEntity,
  ProductSegmentEntity,
  RiskAssessmentEntity,
  SegmentEntity,
} from "../../entities";
import { isValidUntilAfter } from "../../domain/assessment";
import { productFit, bestSegment, type FitSubject, type ProductFitResult } from "../matching";
import {
  activeSegments,
  openLimitsExcluding,
  productRef,
  subjectOf,
  type ProductRef,
  type SegmentRef,
} from "../fit/catalogue";

export interface FitNow {
  client: ClientEntity;
  subject: FitSubject | null;
  assessment: RiskAssessmentEntity | null;
  assessmentValid: boolean;
  segment: SegmentRef | null;
  fit: ProductFitResult<ProductRef> | null;
}

/** The product fit of a client now, from its latest portrait, inside the caller's transaction. */
export async function fitNow(
  manager: EntityManager,
  client: ClientEntity,
  product: ProductEntity,
  now: Date,
): Promise<FitNow> {
  const [portrait, assessment, facilities, segments, links] = await Promise.all([
    client.latestPortraitId === null ? null : manager.findOneBy(PortraitEntity, { id: client.latestPortraitId }),
    manager.findOne(RiskAssessmentEntity, {
      where: { clientId: client.id },
      order: { assessedAt: "DESC", id: "DESC" },
    }),
    manager.findBy(CreditFacilityEntity, { clientId: client.id }),
    manager.find(SegmentEntity, { order: { priority: "ASC", code: "ASC" } }),
    manager.findBy(ProductSegmentEntity, { productId: product.id }),
  ]);
  const active = activeSegments(segments);
  const validUntil = assessment?.validUntil ?? null;
  const subject = subjectOf(client, portrait, validUntil, now);
  const assessmentValid = isValidUntilAfter(validUntil, now);
  if (subject === null) return { client, subject, assessment, assessmentValid, segment: null, fit: null };
  const segment = bestSegment(subject, active);
  const codes = links.map((l) => segments.find((s) => s.id === l.segmentId)?.code).filter((c): c is string => !!c);
  const fit = productFit(subject, productRef(product, codes), {
    segmentCode: segment?.code ?? null,
    openLimitsExcluding: () => openLimitsExcluding(facilities, product.id),
  });
  return { client, subject, assessment, assessmentValid, segment, fit };
}
