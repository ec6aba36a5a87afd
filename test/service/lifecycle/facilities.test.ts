import Decimal from "decimal.js";
import { FacilityStatus, ProductRiskLevel, UserErrorCode } from "../../../src/domain/enums";
import { FacilityApprovalEntity } from "../../../src/entities";
import { ENGINES, type TestDatabase } from "../../support/engines";
import { buildAssessment, buildClient } from "../../support/factories";
import { defaultSegments, footprint, plainProduct } from "../../lifecycle/helpers";
import {
  auditOf,
  DISCLOSURE,
  EXPIRED,
  facilityRow,
  fixture,
  LI,
  nothingBorrowed,
  pendingSignature,
  refusalCodes,
  RM,
  services,
  WANG,
  withFacility,
  type Setup,
} from "./setup";

/** FacilityService on both engines: apply, approve, sign, extend, close (SPEC §5), without HTTP. */

describe.each(ENGINES)("facility lifecycle rules on $name (service tier)", (engine) => {
  let db: TestDatabase;
  let svc: ReturnType<typeof services>;

  beforeAll(async () => {
    db = await engine.create();
    await defaultSegments(db.ds);
    svc = services(db.ds);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const apply = async (o: Setup = {}, requestedLimit = "2000000") => {
    const fx = await fixture(db.ds, o);
    const out = await svc.facilities.apply(RM, {
      clientId: fx.client.id,
      productId: fx.product.id,
      requestedLimit: new Decimal(requestedLimit),
    });
    return { ...fx, out };
  };

  describe("applyForFacility", () => {
    it.each([
      [
        "AUTO (segment C) → PENDING_SIGNATURE approved by system",
        "800000.00",
        "PENDING_SIGNATURE",
        "system",
        "1200000",
      ],
      ["STANDARD (segment B) → PENDING_APPROVAL", "3200000.00", "PENDING_APPROVAL", null, "2000000"],
      ["COMMITTEE (segment A) → PENDING_APPROVAL", "12000000.00", "PENDING_APPROVAL", null, "2000000"],
      ["no segment → PENDING_APPROVAL", "400000.00", "PENDING_APPROVAL", null, "600000"],
    ])(
      "SPEC §5 apply: the approval tier decides: %s, approvedLimit = min(requested, recommended)",
      async (_, avg, status, by, limit) => {
        const { out } = await apply({ avg });
        expect(out.refusal).toBeNull();
        const row = await facilityRow(db.ds, out.facility!.id);
        expect(row).toMatchObject({ status, approvedBy: by, version: 1 });
        expect(row.approvedLimit!.toFixed(2)).toBe(new Decimal(limit).toFixed(2));
        expect(await auditOf(db.ds, "CreditFacility", row.id)).toEqual([
          expect.objectContaining({ actor: "rm-zhang", action: "applyForFacility" }),
        ]);
      },
    );

    it("SPEC §5 apply: not eligible keeps a REJECTED facility with its blockers, reported NOT_ELIGIBLE; applying again is judged again", async () => {
      const { client, product, out } = await apply({ product: { riskLevel: ProductRiskLevel.R5 } }, "1000000");
      expect(out.refusal!.errors.map((e) => e.code)).toEqual([UserErrorCode.NOT_ELIGIBLE]);
      const row = await facilityRow(db.ds, out.facility!.id);
      expect(row.status).toBe(FacilityStatus.REJECTED);
      expect(row.approvedLimit).toBeNull();
      expect(row.decisionReasons).toEqual([expect.objectContaining({ code: "SUITABILITY", passed: false })]);
      expect(await auditOf(db.ds, "CreditFacility", row.id)).toHaveLength(1);
      const again = await svc.facilities.apply(RM, {
        clientId: client.id,
        productId: product.id,
        requestedLimit: new Decimal("1000000"),
      });
      expect(again.refusal!.errors.map((e) => e.code)).toEqual([UserErrorCode.NOT_ELIGIBLE]);
      expect(again.facility!.id).not.toBe(row.id);
    });

    it("SPEC §5 apply: no portrait is NOT_ELIGIBLE and keeps nothing", async () => {
      const client = await buildClient(db.ds);
      await buildAssessment(db.ds, client);
      const product = await plainProduct(db.ds);
      const before = await footprint(db.ds);
      const codes = await refusalCodes(
        svc.facilities.apply(RM, {
          clientId: client.id,
          productId: product.id,
          requestedLimit: new Decimal("1000000"),
        }),
      );
      expect(codes).toEqual([UserErrorCode.NOT_ELIGIBLE]);
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("SPEC §5 apply: an expired assessment is ASSESSMENT_EXPIRED, the REJECTED facility kept with ASSESSMENT_VALID failed", async () => {
      const { out } = await apply({ validUntil: EXPIRED }, "1000000");
      expect(out.refusal!.errors.map((e) => e.code)).toEqual([UserErrorCode.ASSESSMENT_EXPIRED]);
      const row = await facilityRow(db.ds, out.facility!.id);
      expect(row.status).toBe(FacilityStatus.REJECTED);
      expect(row.decisionReasons.map((r) => r.code)).toContain("ASSESSMENT_VALID");
      expect(row.decisionReasons.every((r) => !r.passed)).toBe(true);
    });

    it("SPEC §5 apply: a client that never had an assessment is NOT_ELIGIBLE, not ASSESSMENT_EXPIRED", async () => {
      const { out } = await apply({ validUntil: null }, "1000000");
      expect(out.refusal!.errors.map((e) => e.code)).toEqual([UserErrorCode.NOT_ELIGIBLE]);
    });

    it.each([
      [FacilityStatus.PENDING_APPROVAL, true],
      [FacilityStatus.PENDING_SIGNATURE, true],
      [FacilityStatus.ACTIVE, true],
      [FacilityStatus.MARGIN_CALL, true],
      [FacilityStatus.SUSPENDED, true],
      [FacilityStatus.LIQUIDATING, true],
      [FacilityStatus.REJECTED, false],
      [FacilityStatus.CLOSED, false],
    ])(
      "SPEC §5 apply: one open facility per client and product: with a %s one, DUPLICATE is %s",
      async (status, duplicate) => {
        const fx = await withFacility(db.ds, { facility: { status } });
        const before = await footprint(db.ds);
        const call = svc.facilities.apply(RM, {
          clientId: fx.client.id,
          productId: fx.product.id,
          requestedLimit: new Decimal("1000000"),
        });
        if (duplicate) {
          expect(await refusalCodes(call)).toEqual([UserErrorCode.DUPLICATE]);
          expect(await footprint(db.ds)).toEqual(before);
        } else {
          const out = await call;
          expect(out.refusal).toBeNull();
          expect(out.facility!.status).toBe(FacilityStatus.PENDING_APPROVAL);
        }
      },
    );
  });

  describe("approveFacility", () => {
    const approve = (viewer: typeof LI, facilityId: number, expectedVersion: number, more: object = {}) =>
      svc.facilities.approve(viewer, { facilityId, approve: true, expectedVersion, ...more });

    it("SPEC §5 approve STANDARD: one approval → PENDING_SIGNATURE, approvedBy the officer, version bumped, audited", async () => {
      const { out } = await apply();
      const f = await approve(LI, out.facility!.id, 1);
      expect(f).toMatchObject({ status: FacilityStatus.PENDING_SIGNATURE, approvedBy: "ro-li", version: 2 });
      expect(f.approvedLimit!.toFixed(2)).toBe("2000000.00");
      expect((await auditOf(db.ds, "CreditFacility", f.id)).map((a) => `${a.actor} ${a.action}`)).toEqual([
        "rm-zhang applyForFacility",
        "ro-li approveFacility",
      ]);
    });

    it("SPEC §5 approve: an approvedLimit above the recommended limit now is LIMIT_EXCEEDED, nothing written", async () => {
      const { out } = await apply({}, "6000000"); // 3,200,000 AA: recommended 4,800,000
      const id = out.facility!.id;
      expect(out.facility!.approvedLimit!.toFixed(2)).toBe("4800000.00");
      const before = await footprint(db.ds);
      const over = approve(LI, id, 1, { approvedLimit: new Decimal("4800000.01") });
      expect(await refusalCodes(over)).toEqual([UserErrorCode.LIMIT_EXCEEDED]);
      expect(await footprint(db.ds)).toEqual(before);
      const ok = await approve(LI, id, 1, { approvedLimit: new Decimal("4500000") });
      expect(ok.status).toBe(FacilityStatus.PENDING_SIGNATURE);
      expect(ok.approvedLimit!.toFixed(2)).toBe("4500000.00");
    });

    it("SPEC §5 approve COMMITTEE: four eyes — the first keeps PENDING_APPROVAL, the same officer again is INVALID, a second officer moves it on", async () => {
      const { out } = await apply({ avg: "12000000.00" });
      const id = out.facility!.id;
      const first = await approve(LI, id, 1);
      expect(first).toMatchObject({ status: FacilityStatus.PENDING_APPROVAL, version: 2 });
      const before = await footprint(db.ds);
      const sameAgain = approve({ ...LI, subject: " RO-LI " }, id, 2);
      expect(await refusalCodes(sameAgain)).toEqual([UserErrorCode.INVALID]);
      expect(await footprint(db.ds)).toEqual(before);
      const second = await approve(WANG, id, 2);
      expect(second).toMatchObject({ status: FacilityStatus.PENDING_SIGNATURE, approvedBy: "ro-wang", version: 3 });
      const approvals = await db.ds.manager.findBy(FacilityApprovalEntity, { facilityId: id });
      expect(approvals.map((a) => a.officer).sort()).toEqual(["ro-li", "ro-wang"]);
    });

    it("SPEC §5 approve: approve false → REJECTED; a REJECTED facility cannot be approved (INVALID_TRANSITION)", async () => {
      const { out } = await apply({}, "6000000");
      const id = out.facility!.id;
      const rejected = await svc.facilities.approve(LI, {
        facilityId: id,
        approve: false,
        note: "concentrated",
        expectedVersion: 1,
      });
      expect(rejected).toMatchObject({ status: FacilityStatus.REJECTED, version: 2 });
      expect(await refusalCodes(approve(WANG, id, 2))).toEqual([UserErrorCode.INVALID_TRANSITION]);
    });

    it("SPEC §5 approve COMMITTEE: the second officer's approve false rejects after the first approval", async () => {
      const { out } = await apply({ avg: "12000000.00" });
      const id = out.facility!.id;
      await approve(LI, id, 1);
      const second = await svc.facilities.approve(WANG, { facilityId: id, approve: false, expectedVersion: 2 });
      expect(second).toMatchObject({ status: FacilityStatus.REJECTED, version: 3 });
    });

    it("SPEC §5: approving an ACTIVE facility is INVALID_TRANSITION; a stale expectedVersion is CONFLICT; nothing written", async () => {
      const { facility } = await withFacility(db.ds);
      const before = await footprint(db.ds);
      expect(await refusalCodes(approve(LI, facility.id, 3))).toEqual([UserErrorCode.INVALID_TRANSITION]);
      expect(await refusalCodes(approve(LI, facility.id, 2))).toEqual([UserErrorCode.CONFLICT]);
      expect(await footprint(db.ds)).toEqual(before);
    });
  });

  describe("signFacility, extendFacility, closeFacility", () => {
    const sign = (facilityId: number, expectedVersion: number, more: object = {}) =>
      svc.facilities.sign(RM, {
        facilityId,
        disclosureVersion: DISCLOSURE,
        acknowledged: true,
        expectedVersion,
        ...more,
      });

    it("SPEC §5 sign: acknowledged + current disclosure + valid assessment → ACTIVE, startDate today, maturity start + termDays", async () => {
      const { facility } = await withFacility(db.ds, { product: { termDays: 180 }, facility: pendingSignature() });
      const before = await footprint(db.ds);
      expect(await refusalCodes(sign(facility.id, 1, { acknowledged: false }))).toEqual([UserErrorCode.INVALID]);
      expect(await refusalCodes(sign(facility.id, 1, { disclosureVersion: "2025-01" }))).toEqual([
        UserErrorCode.INVALID,
      ]);
      expect(await footprint(db.ds)).toEqual(before);
      const f = await sign(facility.id, 1);
      expect(f).toMatchObject({
        status: FacilityStatus.ACTIVE,
        startDate: "2026-11-27",
        maturityDate: "2027-05-26",
        disclosureVersion: DISCLOSURE,
        version: 2,
      });
      expect((await auditOf(db.ds, "CreditFacility", f.id)).map((a) => a.action)).toEqual(["signFacility"]);
    });

    it("SPEC §5 sign: signing an ACTIVE facility is INVALID_TRANSITION, nothing written", async () => {
      const { facility } = await withFacility(db.ds);
      const before = await footprint(db.ds);
      expect(await refusalCodes(sign(facility.id, 3))).toEqual([UserErrorCode.INVALID_TRANSITION]);
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("SPEC §5 sign: an expired assessment is ASSESSMENT_EXPIRED, nothing written", async () => {
      const { facility } = await withFacility(db.ds, { validUntil: EXPIRED, facility: pendingSignature() });
      const before = await footprint(db.ds);
      expect(await refusalCodes(sign(facility.id, 1))).toEqual([UserErrorCode.ASSESSMENT_EXPIRED]);
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("SPEC §5 extend: maturity + termDays while extensionsUsed < maxExtensions, then INVALID_TRANSITION", async () => {
      const { facility } = await withFacility(db.ds, { product: { maxExtensions: 1, termDays: 180 } });
      const once = await svc.facilities.extend(RM, { facilityId: facility.id, expectedVersion: 3 });
      expect(once).toMatchObject({ maturityDate: "2027-08-27", extensionsUsed: 1, version: 4 });
      const before = await footprint(db.ds);
      const twice = svc.facilities.extend(RM, { facilityId: facility.id, expectedVersion: 4 });
      expect(await refusalCodes(twice)).toEqual([UserErrorCode.INVALID_TRANSITION]);
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("SPEC §5 extend: a product with maxExtensions 0 is never extended", async () => {
      const { facility } = await withFacility(db.ds, { product: { maxExtensions: 0 } });
      const call = svc.facilities.extend(LI, { facilityId: facility.id, expectedVersion: 3 });
      expect(await refusalCodes(call)).toEqual([UserErrorCode.INVALID_TRANSITION]);
    });

    it.each([FacilityStatus.MARGIN_CALL, FacilityStatus.SUSPENDED, FacilityStatus.LIQUIDATING, FacilityStatus.CLOSED])(
      "SPEC §5 extend: only an ACTIVE facility is extended: %s is INVALID_TRANSITION",
      async (status) => {
        const { facility } = await withFacility(db.ds, { facility: { status } });
        const call = svc.facilities.extend(LI, { facilityId: facility.id, expectedVersion: 3 });
        expect(await refusalCodes(call)).toEqual([UserErrorCode.INVALID_TRANSITION]);
      },
    );

    it("SPEC §5 extend: an expired assessment is ASSESSMENT_EXPIRED", async () => {
      const { facility } = await withFacility(db.ds, { validUntil: EXPIRED });
      const call = svc.facilities.extend(RM, { facilityId: facility.id, expectedVersion: 3 });
      expect(await refusalCodes(call)).toEqual([UserErrorCode.ASSESSMENT_EXPIRED]);
    });

    it("SPEC §5 close: with usedAmount > 0 INVALID, nothing written, still ACTIVE", async () => {
      const { facility } = await withFacility(db.ds);
      const before = await footprint(db.ds);
      const call = svc.facilities.close(RM, { facilityId: facility.id, expectedVersion: 3 });
      expect(await refusalCodes(call)).toEqual([UserErrorCode.INVALID]);
      expect(await footprint(db.ds)).toEqual(before);
      expect((await facilityRow(db.ds, facility.id)).status).toBe(FacilityStatus.ACTIVE);
    });

    it.each([FacilityStatus.ACTIVE, FacilityStatus.SUSPENDED, FacilityStatus.PENDING_SIGNATURE])(
      "SPEC §5 close: nothing borrowed: %s → CLOSED, the exit, audited",
      async (status) => {
        const { facility } = await withFacility(db.ds, { facility: { status, ...nothingBorrowed() } });
        const f = await svc.facilities.close(LI, { facilityId: facility.id, expectedVersion: 3 });
        expect(f).toMatchObject({ status: FacilityStatus.CLOSED, version: 4 });
        expect(await auditOf(db.ds, "CreditFacility", f.id)).toEqual([
          expect.objectContaining({ actor: "ro-li", action: "closeFacility" }),
        ]);
      },
    );

    it.each([FacilityStatus.CLOSED, FacilityStatus.REJECTED])(
      "SPEC §5 close: a %s facility is INVALID_TRANSITION",
      async (status) => {
        const { facility } = await withFacility(db.ds, { facility: { status, ...nothingBorrowed() } });
        const call = svc.facilities.close(RM, { facilityId: facility.id, expectedVersion: 3 });
        expect(await refusalCodes(call)).toEqual([UserErrorCode.INVALID_TRANSITION]);
      },
    );
  });
});
