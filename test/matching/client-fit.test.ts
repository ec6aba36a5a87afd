import Decimal from "decimal.js";
import { FacilityStatus, InvestmentHorizon, ProductRiskLevel } from "../../src/domain/enums";
import type { ProductEntity, SegmentEntity } from "../../src/entities";
import {
  openLimitsExcluding,
  type Catalogue,
  type FacilityLimit,
  type ProductRef,
  type SegmentRef,
} from "../../src/services/fit/catalogue";
import { clientFit, pickProductFits } from "../../src/services/fit/fit-service";
import { bestSegment, productFits, segmentFits } from "../../src/services/matching";
import { randomFitInputs } from "../support/random-fit";
import { productDef } from "../support/factories/matching";

/**
 * A page computes each client's fit once (clientFit) and serves `segment`, `segmentFits` and
 * `productFits(first, eligibleOnly)` from it. For random portraits, segment sets, products and open
 * facilities it must give exactly what the separate computations give (SPEC §4).
 */

const { rnd, pick, amount, randomSubject, randomSegments } = randomFitInputs(42);

function randomCatalogue(): Catalogue {
  const segments = randomSegments().filter((s) => s.active);
  const codes = segments.map((s) => s.code);
  const products = Array.from({ length: 1 + Math.floor(rnd() * 6) }, (_, i) =>
    productDef({
      code: `P${i}`,
      riskLevel: pick(Object.values(ProductRiskLevel)),
      horizon: pick(Object.values(InvestmentHorizon)),
      minLimit: new Decimal(pick([0, 100_000, 1_000_000])),
      maxLimit: amount().plus(1),
      segmentCodes: codes.filter(() => rnd() < 0.4),
      eligibility: {
        minAvgDailyAssets: new Decimal(pick([0, 500_000, 2_000_000])),
        minExperienceMonths: pick([0, 12, 24]),
      },
    }),
  );
  return {
    segments: segments.map((s, i) => ({ ...s, entity: { id: i + 1 } as SegmentEntity }) as SegmentRef),
    products: products.map((p, i) => ({ ...p, entity: { id: i + 1 } as ProductEntity }) as ProductRef),
  };
}

function randomFacilities(catalogue: Catalogue): FacilityLimit[] {
  return Array.from({ length: Math.floor(rnd() * 3) }, () => ({
    productId: 1 + Math.floor(rnd() * Math.max(1, catalogue.products.length)),
    status: pick([FacilityStatus.ACTIVE, FacilityStatus.CLOSED, FacilityStatus.MARGIN_CALL]),
    approvedLimit: rnd() < 0.9 ? amount() : null,
  }));
}

/** The rules applied one by one, as SPEC §4 states them: the best segment, then products against it. */
function separately(subject: ReturnType<typeof randomSubject>, facilities: FacilityLimit[], catalogue: Catalogue) {
  const best = bestSegment(subject, catalogue.segments);
  const idOf = new Map(catalogue.products.map((p) => [p.code, p.entity.id]));
  return {
    segment: best === null ? null : segmentFits(subject, [best])[0],
    segments: segmentFits(subject, catalogue.segments),
    products: (options: { first: number; eligibleOnly: boolean }) =>
      productFits(
        subject,
        catalogue.products,
        {
          segmentCode: best?.code ?? null,
          openLimitsExcluding: (code) => openLimitsExcluding(facilities, idOf.get(code) ?? -1),
        },
        options,
      ),
  };
}

describe("one fit per client per request", () => {
  it("equals the separate segment, segmentFits and productFits computations for 1,000 random clients", () => {
    let matched = 0;
    let eligible = 0;
    for (let i = 0; i < 1000; i += 1) {
      const catalogue = randomCatalogue();
      const subject = randomSubject();
      const facilities = randomFacilities(catalogue);
      const fit = clientFit(subject, facilities, catalogue);
      const expected = separately(subject, facilities, catalogue);
      expect(fit.segment).toEqual(expected.segment);
      expect(fit.segments).toEqual(expected.segments);
      for (const options of [
        { first: 500, eligibleOnly: false },
        { first: 3, eligibleOnly: false },
        { first: 2, eligibleOnly: true },
      ]) {
        expect(pickProductFits(fit.products, options)).toEqual(expected.products(options));
      }
      if (fit.segment !== null) matched += 1;
      eligible += fit.products.filter((p) => p.eligible).length;
    }
    // The generator reaches both outcomes often enough for the comparison to mean something.
    expect(matched).toBeGreaterThan(50);
    expect(eligible).toBeGreaterThan(50);
  });
});
