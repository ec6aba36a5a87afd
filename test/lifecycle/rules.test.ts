import Decimal from "decimal.js";
import {
  AlertKind,
  AlertSeverity,
  ClientStatus,
  CreditRating,
  FacilityStatus,
  ProductRiskLevel,
  ReviewOutcome,
  ReviewStatus,
  ReviewTrigger,
} from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import type { CreditFacilityEntity, ProductEntity } from "../../src/entities";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildAlert, buildAssessment, buildClient, buildFacility, buildReview } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import {
  alertsOf,
  clientWith,
  countRows,
  defaultSegments,
  deniedCode,
  DISCLOSURE,
  facilitiesOf,
  footprint,
  mutate,
  people,
  plainProduct,
  readFacility,
  readReview,
  reviewsOf,
  type ClientSetup,
  type MutationName,
} from "./helpers";

/** Rule by rule, SPEC §5 and §6, each on fresh clients built by the factories. Today is Friday 27 November 2026. */

const NOW = new Date("2026-11-27T08:00:00.000Z");
const EXPIRED = new Date("2026-11-01T00:00:00.000Z");

type Tokens = Awaited<ReturnType<typeof people>>;

interface Setup extends ClientSetup {
  product?: Partial<ProductEntity>;
  facility?: Partial<CreditFacilityEntity>;
}

describe.each(ENGINES)("facility and review rules on $name (SPEC §5, §6)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let t: Tokens;

  beforeAll(async () => {
    db = await engine.create();
    await defaultSegments(db.ds);
    server = await startTestServer(db.ds, NOW);
    t = await people(server);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  /** A fresh client (3,200,000 AA by default: segment B, STANDARD, recommended 4,800,000) and product. */
  async function fixture(o: Setup = {}) {
    const client = await clientWith(db.ds, o);
    const product = await plainProduct(db.ds, o.product);
    return {
      client,
      product,
      clientId: toGlobalId("Client", client.id),
      productId: toGlobalId("Product", product.id),
    };
  }

  /** …with a facility (ACTIVE, approved 1,500,000, used 800,000, collateral 1,400,000, ratio 1.75, version 3 by default). */
  async function withFacility(o: Setup = {}) {
    const fx = await fixture(o);
    const facility = await buildFacility(db.ds, fx.client, fx.product, o.facility ?? {});
    return { ...fx, facility, facilityId: toGlobalId("CreditFacility", facility.id) };
  }

  const codes = (errors: { code: string }[]) => errors.map((e) => e.code);

  describe("applyForFacility", () => {
    it.each([
      [
        "AUTO (segment C) → PENDING_SIGNATURE approved by system",
        "800000.00",
        "PENDING_SIGNATURE",
        "system",
        "1200000.00",
      ],
      ["STANDARD (segment B) → PENDING_APPROVAL", "3200000.00", "PENDING_APPROVAL", null, "2000000.00"],
      ["COMMITTEE (segment A) → PENDING_APPROVAL", "12000000.00", "PENDING_APPROVAL", null, "2000000.00"],
      ["no segment → PENDING_APPROVAL", "400000.00", "PENDING_APPROVAL", null, "600000.00"],
    ])(
      "the approval tier decides: %s, approvedLimit = min(requested, recommended)",
      async (_, avg, status, by, limit) => {
        const fx = await fixture({ avg });
        const p = await mutate(server, t.rm, "applyForFacility", {
          clientId: fx.clientId,
          productId: fx.productId,
          requestedLimit: "2000000",
        });
        expect(p.userErrors).toEqual([]);
        expect(p.facility).toMatchObject({ status, approvedBy: by, approvedLimit: limit, version: 1 });
      },
    );

    it("NOT_ELIGIBLE keeps a REJECTED facility with the blockers in decisionReasons (SPEC §5 apply)", async () => {
      const fx = await fixture({ product: { riskLevel: ProductRiskLevel.R5 } });
      const audits = await countRows(db.ds, "audit_entry");
      const input = { clientId: fx.clientId, productId: fx.productId, requestedLimit: "1000000" };
      const p = await mutate(server, t.rm, "applyForFacility", input);
      expect(codes(p.userErrors)).toEqual(["NOT_ELIGIBLE"]);
      const kept = await facilitiesOf(server, t.rm, fx.clientId);
      expect(kept).toEqual([
        expect.objectContaining({
          status: "REJECTED",
          requestedLimit: "1000000.00",
          decisionReasons: [{ code: "SUITABILITY", passed: false }],
        }),
      ]);
      // the kept record is a write: audited
      expect(await countRows(db.ds, "audit_entry")).toBe(audits + 1);
      // a REJECTED facility is not open: applying again is judged again, not DUPLICATE
      const again = await mutate(server, t.rm, "applyForFacility", input);
      expect(codes(again.userErrors)).toEqual(["NOT_ELIGIBLE"]);
      expect((await facilitiesOf(server, t.rm, fx.clientId)).map((f) => f.status)).toEqual(["REJECTED", "REJECTED"]);
    });

    it("NOT_ELIGIBLE without a portrait", async () => {
      const client = await buildClient(db.ds);
      await buildAssessment(db.ds, client);
      const product = await plainProduct(db.ds);
      const p = await mutate(server, t.rm, "applyForFacility", {
        clientId: toGlobalId("Client", client.id),
        productId: toGlobalId("Product", product.id),
        requestedLimit: "1000000",
      });
      expect(codes(p.userErrors)).toEqual(["NOT_ELIGIBLE"]);
    });

    it("ASSESSMENT_EXPIRED when the client's assessment has expired, the REJECTED facility kept with its blockers", async () => {
      const fx = await fixture({ validUntil: EXPIRED });
      const p = await mutate(server, t.rm, "applyForFacility", {
        clientId: fx.clientId,
        productId: fx.productId,
        requestedLimit: "1000000",
      });
      expect(codes(p.userErrors)).toEqual(["ASSESSMENT_EXPIRED"]);
      const [kept] = await facilitiesOf(server, t.rm, fx.clientId);
      expect(kept.status).toBe("REJECTED");
      expect(kept.decisionReasons.map((r) => r.code)).toContain("ASSESSMENT_VALID");
      expect(kept.decisionReasons.every((r) => !r.passed)).toBe(true);
    });

    it("NOT_ELIGIBLE, not ASSESSMENT_EXPIRED, for a client that never had an assessment", async () => {
      const fx = await fixture({ validUntil: null });
      const p = await mutate(server, t.rm, "applyForFacility", {
        clientId: fx.clientId,
        productId: fx.productId,
        requestedLimit: "1000000",
      });
      expect(codes(p.userErrors)).toEqual(["NOT_ELIGIBLE"]);
    });

    it.each([
      [FacilityStatus.PENDING_APPROVAL, "DUPLICATE"],
      [FacilityStatus.PENDING_SIGNATURE, "DUPLICATE"],
      [FacilityStatus.ACTIVE, "DUPLICATE"],
      [FacilityStatus.MARGIN_CALL, "DUPLICATE"],
      [FacilityStatus.SUSPENDED, "DUPLICATE"],
      [FacilityStatus.LIQUIDATING, "DUPLICATE"],
      [FacilityStatus.REJECTED, "OK"],
      [FacilityStatus.CLOSED, "OK"],
    ])("one open facility per client and product: with a %s one, applying again is %s", async (status, expected) => {
      const fx = await withFacility({ facility: { status } });
      const before = await footprint(db.ds);
      const p = await mutate(server, t.rm, "applyForFacility", {
        clientId: fx.clientId,
        productId: fx.productId,
        requestedLimit: "1000000",
      });
      if (expected === "DUPLICATE") {
        expect(codes(p.userErrors)).toEqual(["DUPLICATE"]);
        expect(p.facility).toBeNull();
        expect(await footprint(db.ds)).toEqual(before);
      } else {
        expect(p.userErrors).toEqual([]);
        expect(p.facility!.status).toBe("PENDING_APPROVAL");
      }
    });

    it("a second application on the same product while the first is pending is DUPLICATE", async () => {
      const fx = await fixture();
      const input = { clientId: fx.clientId, productId: fx.productId, requestedLimit: "1000000" };
      expect((await mutate(server, t.rm, "applyForFacility", input)).userErrors).toEqual([]);
      expect(codes((await mutate(server, t.rm, "applyForFacility", input)).userErrors)).toEqual(["DUPLICATE"]);
      expect(await facilitiesOf(server, t.rm, fx.clientId)).toHaveLength(1);
    });
  });

  describe("approveFacility", () => {
    async function applied(o: Setup = {}, requestedLimit = "6000000") {
      const fx = await fixture(o);
      const p = await mutate(server, t.rm, "applyForFacility", {
        clientId: fx.clientId,
        productId: fx.productId,
        requestedLimit,
      });
      expect(p.userErrors).toEqual([]);
      return { ...fx, facilityId: p.facility!.id };
    }

    it("STANDARD: one approval moves the facility to PENDING_SIGNATURE, approvedBy the officer", async () => {
      const fx = await applied({}, "2000000");
      const p = await mutate(server, t.li, "approveFacility", {
        facilityId: fx.facilityId,
        approve: true,
        expectedVersion: 1,
      });
      expect(p.userErrors).toEqual([]);
      expect(p.facility).toMatchObject({
        status: "PENDING_SIGNATURE",
        approvedBy: "ro-li",
        approvedLimit: "2000000.00",
        version: 2,
      });
    });

    it("LIMIT_EXCEEDED for an approvedLimit above the recommended limit now, nothing written", async () => {
      // 3,200,000 AA: recommended 4,800,000; the application was cut to it
      const fx = await applied();
      expect((await readFacility(server, t.li, fx.facilityId)).approvedLimit).toBe("4800000.00");
      const before = await footprint(db.ds);
      const over = await mutate(server, t.li, "approveFacility", {
        facilityId: fx.facilityId,
        approve: true,
        approvedLimit: "4800000.01",
        expectedVersion: 1,
      });
      expect(codes(over.userErrors)).toEqual(["LIMIT_EXCEEDED"]);
      expect(await footprint(db.ds)).toEqual(before);
      const ok = await mutate(server, t.li, "approveFacility", {
        facilityId: fx.facilityId,
        approve: true,
        approvedLimit: "4500000",
        expectedVersion: 1,
      });
      expect(ok.userErrors).toEqual([]);
      expect(ok.facility).toMatchObject({ status: "PENDING_SIGNATURE", approvedLimit: "4500000.00" });
    });

    it("approve: false → REJECTED; a REJECTED facility cannot be approved (INVALID_TRANSITION)", async () => {
      const fx = await applied();
      const p = await mutate(server, t.li, "approveFacility", {
        facilityId: fx.facilityId,
        approve: false,
        note: "concentrated collateral",
        expectedVersion: 1,
      });
      expect(p.userErrors).toEqual([]);
      expect(p.facility).toMatchObject({ status: "REJECTED", version: 2 });
      const again = await mutate(server, t.wang, "approveFacility", {
        facilityId: fx.facilityId,
        approve: true,
        expectedVersion: 2,
      });
      expect(codes(again.userErrors)).toEqual(["INVALID_TRANSITION"]);
    });

    it("COMMITTEE: the second officer's approve: false rejects after the first approval", async () => {
      const fx = await applied({ avg: "12000000.00" }, "2000000");
      const first = await mutate(server, t.li, "approveFacility", {
        facilityId: fx.facilityId,
        approve: true,
        expectedVersion: 1,
      });
      expect(first.facility).toMatchObject({ status: "PENDING_APPROVAL", version: 2 });
      const second = await mutate(server, t.wang, "approveFacility", {
        facilityId: fx.facilityId,
        approve: false,
        expectedVersion: 2,
      });
      expect(second.userErrors).toEqual([]);
      expect(second.facility).toMatchObject({ status: "REJECTED", version: 3 });
    });

    it("approving an ACTIVE facility is INVALID_TRANSITION", async () => {
      const fx = await withFacility();
      const before = await footprint(db.ds);
      const p = await mutate(server, t.li, "approveFacility", {
        facilityId: fx.facilityId,
        approve: true,
        expectedVersion: 3,
      });
      expect(codes(p.userErrors)).toEqual(["INVALID_TRANSITION"]);
      expect(await footprint(db.ds)).toEqual(before);
    });
  });

  describe("signFacility, extendFacility, closeFacility", () => {
    it("signing an ACTIVE facility is INVALID_TRANSITION, nothing written", async () => {
      const fx = await withFacility();
      const before = await footprint(db.ds);
      const p = await mutate(server, t.rm, "signFacility", {
        facilityId: fx.facilityId,
        disclosureVersion: DISCLOSURE,
        acknowledged: true,
        expectedVersion: 3,
      });
      expect(codes(p.userErrors)).toEqual(["INVALID_TRANSITION"]);
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("signing with an expired assessment is ASSESSMENT_EXPIRED", async () => {
      const fx = await withFacility({
        validUntil: EXPIRED,
        facility: pendingSignature(),
      });
      const before = await footprint(db.ds);
      const p = await mutate(server, t.rm, "signFacility", {
        facilityId: fx.facilityId,
        disclosureVersion: DISCLOSURE,
        acknowledged: true,
        expectedVersion: 1,
      });
      expect(codes(p.userErrors)).toEqual(["ASSESSMENT_EXPIRED"]);
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("extending past maxExtensions is INVALID_TRANSITION (maxExtensions 1: once, then refused)", async () => {
      const fx = await withFacility({ product: { maxExtensions: 1, termDays: 180 } });
      const once = await mutate(server, t.rm, "extendFacility", { facilityId: fx.facilityId, expectedVersion: 3 });
      expect(once.userErrors).toEqual([]);
      expect(once.facility).toMatchObject({ maturityDate: "2027-08-27", extensionsUsed: 1, version: 4 });
      const before = await footprint(db.ds);
      const twice = await mutate(server, t.rm, "extendFacility", { facilityId: fx.facilityId, expectedVersion: 4 });
      expect(codes(twice.userErrors)).toEqual(["INVALID_TRANSITION"]);
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("a product with maxExtensions 0 is never extended", async () => {
      const fx = await withFacility({ product: { maxExtensions: 0 } });
      const p = await mutate(server, t.li, "extendFacility", { facilityId: fx.facilityId, expectedVersion: 3 });
      expect(codes(p.userErrors)).toEqual(["INVALID_TRANSITION"]);
    });

    it.each([FacilityStatus.MARGIN_CALL, FacilityStatus.SUSPENDED, FacilityStatus.LIQUIDATING, FacilityStatus.CLOSED])(
      "only an ACTIVE facility is extended: %s is INVALID_TRANSITION",
      async (status) => {
        const fx = await withFacility({ facility: { status } });
        const p = await mutate(server, t.li, "extendFacility", { facilityId: fx.facilityId, expectedVersion: 3 });
        expect(codes(p.userErrors)).toEqual(["INVALID_TRANSITION"]);
      },
    );

    it("extending with an expired assessment is ASSESSMENT_EXPIRED", async () => {
      const fx = await withFacility({ validUntil: EXPIRED });
      const p = await mutate(server, t.rm, "extendFacility", { facilityId: fx.facilityId, expectedVersion: 3 });
      expect(codes(p.userErrors)).toEqual(["ASSESSMENT_EXPIRED"]);
    });

    it("closeFacility with usedAmount > 0 is INVALID, nothing written", async () => {
      const fx = await withFacility();
      const before = await footprint(db.ds);
      const p = await mutate(server, t.rm, "closeFacility", { facilityId: fx.facilityId, expectedVersion: 3 });
      expect(codes(p.userErrors)).toEqual(["INVALID"]);
      expect(await footprint(db.ds)).toEqual(before);
      expect((await readFacility(server, t.rm, fx.facilityId)).status).toBe("ACTIVE");
    });

    it.each([FacilityStatus.ACTIVE, FacilityStatus.SUSPENDED, FacilityStatus.PENDING_SIGNATURE])(
      "closeFacility with nothing borrowed: %s → CLOSED, the exit",
      async (status) => {
        const fx = await withFacility({ facility: { status, ...nothingBorrowed() } });
        const p = await mutate(server, t.li, "closeFacility", { facilityId: fx.facilityId, expectedVersion: 3 });
        expect(p.userErrors).toEqual([]);
        expect(p.facility).toMatchObject({ status: "CLOSED", version: 4 });
      },
    );

    it.each([FacilityStatus.CLOSED, FacilityStatus.REJECTED])(
      "closing a %s facility is INVALID_TRANSITION",
      async (status) => {
        const fx = await withFacility({ facility: { status, ...nothingBorrowed() } });
        const p = await mutate(server, t.rm, "closeFacility", { facilityId: fx.facilityId, expectedVersion: 3 });
        expect(codes(p.userErrors)).toEqual(["INVALID_TRANSITION"]);
      },
    );
  });

  describe("recordFacilityValuations", () => {
    const value = (facilityId: string, usedAmount: string, collateralValue: string, asOf = "2026-11-26") =>
      mutate(server, t.li, "recordFacilityValuations", {
        valuations: [{ facilityId, asOf, usedAmount, collateralValue }],
      });

    it.each([
      ["1000000", "1600000", "1.6000", "ACTIVE", []],
      ["1000000", "1500000", "1.5000", "ACTIVE", []],
      ["1000000", "1450000", "1.4500", "ACTIVE", ["MAINTENANCE_WARNING INFO"]],
      ["1000000", "1300000", "1.3000", "ACTIVE", ["MAINTENANCE_WARNING INFO"]],
      ["1000000", "1200000", "1.2000", "MARGIN_CALL", ["MARGIN_CALL WARNING"]],
      ["300000", "389999.99", "1.2999", "MARGIN_CALL", ["MARGIN_CALL WARNING"]],
      ["1000000", "1100000", "1.1000", "MARGIN_CALL", ["MARGIN_CALL WARNING"]],
      ["1000000", "1099999.99", "1.0999", "LIQUIDATING", ["LIQUIDATION CRITICAL"]],
      ["1000000", "500000", "0.5000", "LIQUIDATING", ["LIQUIDATION CRITICAL"]],
      ["0", "500000", null, "ACTIVE", []],
    ])(
      "used %s, collateral %s: ratio %s rounded down, the lowest line crossed gives %s and the one alert %j",
      async (used, collateral, ratio, status, alerts) => {
        const fx = await withFacility();
        const p = await value(fx.facilityId, used, collateral);
        expect(p.userErrors).toEqual([]);
        expect(p.alertsRaised).toBe(alerts.length);
        expect(p.facilities).toEqual([
          expect.objectContaining({ id: fx.facilityId, status, maintenanceRatio: ratio, version: 4 }),
        ]);
        const raised = await alertsOf(server, t.viewer, fx.clientId);
        expect(raised.map((a) => `${a.kind} ${a.severity}`)).toEqual(alerts);
        const reviews = await reviewsOf(server, t.viewer, fx.facilityId);
        expect(reviews.map((r) => r.trigger)).toEqual(status === "MARGIN_CALL" ? ["MARGIN_CALL"] : []);
      },
    );

    it.each([
      ["Monday", "2026-11-23", "2026-11-25"],
      ["Wednesday", "2026-11-25", "2026-11-27"],
      ["Thursday", "2026-11-26", "2026-11-30"],
      ["Friday", "2026-11-27", "2026-12-01"],
    ])(
      "margin-call deadline = asOf + 2 weekdays: a %s valuation (%s) is due %s, and so is its MARGIN_CALL review",
      async (_, asOf, deadline) => {
        const fx = await withFacility({ facility: { valuationAsOf: "2026-11-20" } });
        const p = await value(fx.facilityId, "1000000", "1250000", asOf);
        expect(p.userErrors).toEqual([]);
        expect(await alertsOf(server, t.viewer, fx.clientId)).toEqual([
          expect.objectContaining({
            kind: "MARGIN_CALL",
            severity: "WARNING",
            deadline,
            facility: { id: fx.facilityId },
          }),
        ]);
        expect(await reviewsOf(server, t.viewer, fx.facilityId)).toEqual([
          expect.objectContaining({ trigger: "MARGIN_CALL", status: "SCHEDULED", dueDate: deadline }),
        ]);
      },
    );

    it("an open alert of a kind is never raised twice for one facility (nor its margin-call review)", async () => {
      const fx = await withFacility();
      const first = await value(fx.facilityId, "1000000", "1250000");
      expect(first.alertsRaised).toBe(1);
      const second = await value(fx.facilityId, "1000000", "1200000", "2026-11-27");
      expect(second.userErrors).toEqual([]);
      expect(second.alertsRaised).toBe(0);
      expect(second.facilities[0]).toMatchObject({ status: "MARGIN_CALL", maintenanceRatio: "1.2000", version: 5 });
      expect((await alertsOf(server, t.viewer, fx.clientId)).map((a) => a.kind)).toEqual(["MARGIN_CALL"]);
      expect((await reviewsOf(server, t.viewer, fx.facilityId)).map((r) => r.trigger)).toEqual(["MARGIN_CALL"]);

      const warned = await withFacility();
      expect((await value(warned.facilityId, "1000000", "1450000")).alertsRaised).toBe(1);
      expect((await value(warned.facilityId, "1000000", "1400000", "2026-11-27")).alertsRaised).toBe(0);
      expect((await alertsOf(server, t.viewer, warned.clientId)).map((a) => a.kind)).toEqual(["MAINTENANCE_WARNING"]);
    });

    it("once resolved, the alert is no longer open: the next crossing raises a new one", async () => {
      const fx = await withFacility();
      await value(fx.facilityId, "1000000", "1450000");
      const [alert] = await alertsOf(server, t.viewer, fx.clientId);
      const resolved = await mutate(server, t.li, "resolveAlert", { alertId: alert.id, note: "client called" });
      expect(resolved.userErrors).toEqual([]);
      const again = await value(fx.facilityId, "1000000", "1400000", "2026-11-27");
      expect(again.alertsRaised).toBe(1);
      expect((await alertsOf(server, t.viewer, fx.clientId)).map((a) => [a.kind, a.resolvedBy])).toEqual([
        ["MAINTENANCE_WARNING", "ro-li"],
        ["MAINTENANCE_WARNING", null],
      ]);
    });

    it("a MARGIN_CALL facility between the margin-call and warning lines stays MARGIN_CALL, its alert open", async () => {
      const fx = await withFacility();
      await value(fx.facilityId, "1000000", "1250000");
      const p = await value(fx.facilityId, "1000000", "1450000", "2026-11-27");
      expect(p.facilities[0]).toMatchObject({ status: "MARGIN_CALL", maintenanceRatio: "1.4500" });
      const alerts = await alertsOf(server, t.viewer, fx.clientId);
      expect(alerts.find((a) => a.kind === "MARGIN_CALL")).toMatchObject({ resolvedAt: null, resolvedBy: null });
      const back = await value(fx.facilityId, "1000000", "1600000", "2026-11-27");
      expect(back.facilities[0]).toMatchObject({ status: "ACTIVE" });
      expect((await alertsOf(server, t.viewer, fx.clientId)).find((a) => a.kind === "MARGIN_CALL")).toMatchObject({
        resolvedBy: "system",
        resolvedAt: NOW.toISOString(),
      });
    });

    it.each([
      ["a negative collateralValue", { usedAmount: "100000", collateralValue: "-1" }, "INVALID"],
      ["a negative usedAmount", { usedAmount: "-1", collateralValue: "100000" }, "INVALID"],
      ["an unknown facility", { facilityId: toGlobalId("CreditFacility", 99_999_999) }, "NOT_FOUND"],
    ])("all-or-nothing: %s in item 1 refuses the batch and writes nothing", async (_, bad, code) => {
      const good = await withFacility();
      const other = await withFacility();
      const before = await footprint(db.ds);
      const p = await mutate(server, t.li, "recordFacilityValuations", {
        valuations: [
          // would liquidate, alert and audit if written
          { facilityId: good.facilityId, asOf: "2026-11-26", usedAmount: "1000000", collateralValue: "1000000" },
          {
            facilityId: other.facilityId,
            asOf: "2026-11-26",
            usedAmount: "100000",
            collateralValue: "200000",
            ...bad,
          },
        ],
      });
      expect(p.userErrors).toContainEqual(
        expect.objectContaining({ code, field: expect.arrayContaining(["input", "valuations", "1"]) }),
      );
      expect(p.userErrors.every((e) => e.field?.slice(0, 3).join(".") === "input.valuations.1")).toBe(true);
      expect(p.alertsRaised).toBe(0);
      expect(await footprint(db.ds)).toEqual(before);
      expect(await readFacility(server, t.viewer, good.facilityId)).toMatchObject({
        status: "ACTIVE",
        usedAmount: "800000.00",
        maintenanceRatio: "1.7500",
        version: 3,
      });
    });

    it("a batch is at most 5,000 items: 5,001 is INVALID and writes nothing", async () => {
      const fx = await withFacility();
      const before = await footprint(db.ds);
      const item = { facilityId: fx.facilityId, asOf: "2026-11-26", usedAmount: "1000000", collateralValue: "1000000" };
      const p = await mutate(server, t.li, "recordFacilityValuations", {
        valuations: Array.from({ length: 5001 }, () => item),
      });
      expect(codes(p.userErrors)).toEqual(["INVALID"]);
      expect(p.userErrors[0].field).toEqual(["input", "valuations"]);
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("a batch writes every item: two facilities, two states, one alert each at most", async () => {
      const a = await withFacility();
      const b = await withFacility();
      const p = await mutate(server, t.li, "recordFacilityValuations", {
        valuations: [
          { facilityId: a.facilityId, asOf: "2026-11-26", usedAmount: "1000000", collateralValue: "1250000" },
          { facilityId: b.facilityId, asOf: "2026-11-26", usedAmount: "1000000", collateralValue: "2000000" },
        ],
      });
      expect(p.userErrors).toEqual([]);
      expect(p.alertsRaised).toBe(1);
      expect(p.facilities.map((f) => [f.id, f.status, f.maintenanceRatio])).toEqual([
        [a.facilityId, "MARGIN_CALL", "1.2500"],
        [b.facilityId, "ACTIVE", "2.0000"],
      ]);
    });
  });

  describe("post-loan reviews", () => {
    it("createReview: a MANUAL review, SCHEDULED on the given due date", async () => {
      const fx = await withFacility();
      const p = await mutate(server, t.li, "createReview", {
        facilityId: fx.facilityId,
        dueDate: "2026-12-15",
        notes: "large position in one issuer",
      });
      expect(p.userErrors).toEqual([]);
      expect(p.review).toMatchObject({
        trigger: "MANUAL",
        status: "SCHEDULED",
        dueDate: "2026-12-15",
        notes: "large position in one issuer",
        assignee: null,
        version: 1,
        facility: { id: fx.facilityId },
      });
    });

    const INCREASE: Setup = {
      facility: {
        approvedLimit: new Decimal(1_000_000),
        usedAmount: new Decimal(800_000),
        collateralValue: new Decimal(1_400_000),
        maintenanceRatio: new Decimal("1.7500"),
      },
    };

    it.each<[string, Setup, ReviewOutcome]>([
      [
        "ratio below liquidationLine → FORCED_LIQUIDATION, before everything else",
        { validUntil: EXPIRED, facility: ratio(1_000_000, 1_050_000) },
        ReviewOutcome.FORCED_LIQUIDATION,
      ],
      [
        "ratio below marginCallLine → MARGIN_CALL, before SUSPEND",
        { validUntil: EXPIRED, facility: ratio(1_000_000, 1_200_000) },
        ReviewOutcome.MARGIN_CALL,
      ],
      [
        "assessment expired → SUSPEND, before DECREASE_LIMIT",
        { validUntil: EXPIRED, avg: "1000000.00", rating: CreditRating.BBB },
        ReviewOutcome.SUSPEND,
      ],
      [
        "a blocker other than LIMIT_RANGE (client RESTRICTED) → SUSPEND",
        { client: { status: ClientStatus.RESTRICTED } },
        ReviewOutcome.SUSPEND,
      ],
      [
        "only LIMIT_RANGE fails (recommended 500,000 < minLimit 600,000 < approved) → DECREASE_LIMIT, not SUSPEND",
        {
          avg: "1000000.00",
          rating: CreditRating.B,
          product: { minLimit: new Decimal(600_000) },
          facility: ratio(400_000, 700_000),
        },
        ReviewOutcome.DECREASE_LIMIT,
      ],
      [
        "recommended 1,000,000 < approved 1,500,000 → DECREASE_LIMIT",
        { avg: "1000000.00", rating: CreditRating.BBB },
        ReviewOutcome.DECREASE_LIMIT,
      ],
      ["utilization 0.8, recommended > approved, rating AA → INCREASE_LIMIT", INCREASE, ReviewOutcome.INCREASE_LIMIT],
      [
        "utilization 0.8 and recommended > approved but rating BBB → MAINTAIN",
        { ...INCREASE, avg: "6000000.00", rating: CreditRating.BBB },
        ReviewOutcome.MAINTAIN,
      ],
      [
        "utilization 0.79 → MAINTAIN",
        { facility: { ...INCREASE.facility, ...ratio(790_000, 1_400_000) } },
        ReviewOutcome.MAINTAIN,
      ],
      ["nothing borrowed → MAINTAIN", { facility: nothingBorrowed() }, ReviewOutcome.MAINTAIN],
    ])("startReview recommends the first rule that applies: %s", async (_, setup, recommendation) => {
      const fx = await withFacility(setup);
      const review = await buildReview(db.ds, fx.facility);
      const p = await mutate(server, t.wang, "startReview", {
        reviewId: toGlobalId("PostLoanReview", review.id),
        expectedVersion: 1,
      });
      expect(p.userErrors).toEqual([]);
      expect(p.review).toMatchObject({
        status: "IN_PROGRESS",
        assignee: "ro-wang",
        startedAt: NOW.toISOString(),
        recommendation,
        version: 2,
      });
    });

    it("startReview captures the snapshot the recommendation was made on", async () => {
      const fx = await withFacility(INCREASE);
      const review = await buildReview(db.ds, fx.facility);
      const p = await mutate(server, t.li, "startReview", {
        reviewId: toGlobalId("PostLoanReview", review.id),
        expectedVersion: 1,
      });
      expect(p.review!.snapshot).toEqual({
        maintenanceRatio: "1.7500",
        usedAmount: "800000.00",
        approvedLimit: "1000000.00",
        creditRating: "AA",
        riskLevel: "C4",
        assessmentExpired: false,
        daysToMaturity: 93,
        recommendedLimit: "4800000.00",
      });
    });

    it("startReview moves only a SCHEDULED review (INVALID_TRANSITION) at the expected version (CONFLICT)", async () => {
      const fx = await withFacility();
      const review = await buildReview(db.ds, fx.facility);
      const reviewId = toGlobalId("PostLoanReview", review.id);
      const before = await footprint(db.ds);
      expect(codes((await mutate(server, t.li, "startReview", { reviewId, expectedVersion: 2 })).userErrors)).toEqual([
        "CONFLICT",
      ]);
      expect(await footprint(db.ds)).toEqual(before);
      expect((await mutate(server, t.li, "startReview", { reviewId, expectedVersion: 1 })).userErrors).toEqual([]);
      expect(codes((await mutate(server, t.li, "startReview", { reviewId, expectedVersion: 2 })).userErrors)).toEqual([
        "INVALID_TRANSITION",
      ]);
    });

    /** A facility (3,200,000 AA: recommended 4,800,000; approved 1,500,000, used 800,000) with a started review. */
    async function started(o: Setup = {}) {
      const fx = await withFacility(o);
      const row = await buildReview(db.ds, fx.facility);
      const reviewId = toGlobalId("PostLoanReview", row.id);
      const p = await mutate(server, t.li, "startReview", { reviewId, expectedVersion: 1 });
      expect(p.userErrors).toEqual([]);
      return { ...fx, reviewId };
    }

    it.each<[string, Setup, ReviewOutcome, string | null, Record<string, unknown>, string[] | null]>([
      ["MAINTAIN: no effect", {}, ReviewOutcome.MAINTAIN, null, { status: "ACTIVE", approvedLimit: "1500000.00" }, []],
      [
        "INCREASE_LIMIT up to the recommended limit",
        {},
        ReviewOutcome.INCREASE_LIMIT,
        "4800000",
        { status: "ACTIVE", approvedLimit: "4800000.00", version: 4 },
        [],
      ],
      [
        "DECREASE_LIMIT down to usedAmount",
        {},
        ReviewOutcome.DECREASE_LIMIT,
        "800000",
        { status: "ACTIVE", approvedLimit: "800000.00", version: 4 },
        [],
      ],
      [
        "SUSPEND → SUSPENDED",
        {},
        ReviewOutcome.SUSPEND,
        null,
        { status: "SUSPENDED", approvedLimit: "1500000.00", version: 4 },
        [],
      ],
      [
        "MARGIN_CALL → MARGIN_CALL with a MARGIN_CALL alert",
        {},
        ReviewOutcome.MARGIN_CALL,
        null,
        { status: "MARGIN_CALL", version: 4 },
        ["MARGIN_CALL WARNING"],
      ],
      [
        "FORCED_LIQUIDATION → LIQUIDATING with a CRITICAL LIQUIDATION alert",
        {},
        ReviewOutcome.FORCED_LIQUIDATION,
        null,
        { status: "LIQUIDATING", version: 4 },
        ["LIQUIDATION CRITICAL"],
      ],
      [
        "TERMINATE with something borrowed → LIQUIDATING",
        {},
        ReviewOutcome.TERMINATE,
        null,
        { status: "LIQUIDATING", version: 4 },
        null,
      ],
      [
        "TERMINATE with nothing borrowed → CLOSED",
        { facility: nothingBorrowed() },
        ReviewOutcome.TERMINATE,
        null,
        { status: "CLOSED", version: 4 },
        null,
      ],
    ])("completeReview %s, in the same write as COMPLETED", async (_, setup, outcome, newLimit, facility, alerts) => {
      const fx = await started(setup);
      const p = await mutate(server, t.li, "completeReview", {
        reviewId: fx.reviewId,
        outcome,
        ...(newLimit === null ? {} : { newLimit }),
        notes: "reviewed",
        expectedVersion: 2,
      });
      expect(p.userErrors).toEqual([]);
      expect(p.review).toMatchObject({
        status: "COMPLETED",
        outcome,
        newLimit: newLimit === null ? null : new Decimal(newLimit).toFixed(2),
        completedAt: NOW.toISOString(),
        version: 3,
      });
      expect(await readFacility(server, t.viewer, fx.facilityId)).toMatchObject(facility);
      if (alerts !== null) {
        expect((await alertsOf(server, t.viewer, fx.clientId)).map((a) => `${a.kind} ${a.severity}`)).toEqual(alerts);
      }
    });

    it.each<[string, ReviewOutcome, string | undefined, string]>([
      ["INCREASE_LIMIT above the recommended limit", ReviewOutcome.INCREASE_LIMIT, "4800000.01", "LIMIT_EXCEEDED"],
      ["INCREASE_LIMIT not above the approved limit", ReviewOutcome.INCREASE_LIMIT, "1500000", "INVALID"],
      ["DECREASE_LIMIT below usedAmount", ReviewOutcome.DECREASE_LIMIT, "799999.99", "INVALID"],
      ["DECREASE_LIMIT not below the approved limit", ReviewOutcome.DECREASE_LIMIT, "1500000", "INVALID"],
    ])(
      "completeReview refuses %s (%s %s → %s): review still IN_PROGRESS, nothing written",
      async (_, outcome, newLimit, code) => {
        const fx = await started();
        const before = await footprint(db.ds);
        const p = await mutate(server, t.li, "completeReview", {
          reviewId: fx.reviewId,
          outcome,
          newLimit,
          expectedVersion: 2,
        });
        expect(codes(p.userErrors)).toEqual([code]);
        expect(await footprint(db.ds)).toEqual(before);
        expect(await readReview(server, t.viewer, fx.reviewId)).toMatchObject({ status: "IN_PROGRESS", version: 2 });
        expect(await readFacility(server, t.viewer, fx.facilityId)).toMatchObject({
          approvedLimit: "1500000.00",
          version: 3,
        });
      },
    );

    it("completeReview of a review not started is INVALID_TRANSITION", async () => {
      const fx = await withFacility();
      const review = await buildReview(db.ds, fx.facility);
      const p = await mutate(server, t.li, "completeReview", {
        reviewId: toGlobalId("PostLoanReview", review.id),
        outcome: "MAINTAIN",
        expectedVersion: 1,
      });
      expect(codes(p.userErrors)).toEqual(["INVALID_TRANSITION"]);
    });

    it("cancelReview: SCHEDULED or IN_PROGRESS → CANCELLED with the reason kept in notes; COMPLETED cannot", async () => {
      const fx = await withFacility();
      const scheduled = await buildReview(db.ds, fx.facility, { notes: "first look" });
      const p = await mutate(server, t.li, "cancelReview", {
        reviewId: toGlobalId("PostLoanReview", scheduled.id),
        reason: "duplicate of the margin-call review",
        expectedVersion: 1,
      });
      expect(p.userErrors).toEqual([]);
      expect(p.review).toMatchObject({ status: "CANCELLED", version: 2 });
      expect(p.review!.notes).toContain("duplicate of the margin-call review");

      const inProgress = await started();
      const q = await mutate(server, t.wang, "cancelReview", {
        reviewId: inProgress.reviewId,
        reason: "facility being closed",
        expectedVersion: 2,
      });
      expect(q.userErrors).toEqual([]);
      expect(q.review!.status).toBe("CANCELLED");
      expect(q.review!.notes).toContain("facility being closed");

      const done = await buildReview(db.ds, fx.facility, {
        status: ReviewStatus.COMPLETED,
        outcome: ReviewOutcome.MAINTAIN,
        completedAt: new Date("2026-11-20T08:00:00.000Z"),
      });
      const before = await footprint(db.ds);
      const r = await mutate(server, t.li, "cancelReview", {
        reviewId: toGlobalId("PostLoanReview", done.id),
        reason: "too late",
        expectedVersion: 1,
      });
      expect(codes(r.userErrors)).toEqual(["INVALID_TRANSITION"]);
      const stale = await mutate(server, t.li, "cancelReview", {
        reviewId: toGlobalId("PostLoanReview", scheduled.id),
        reason: "again",
        expectedVersion: 1,
      });
      expect(stale.userErrors).toHaveLength(1);
      expect(await footprint(db.ds)).toEqual(before);
    });
  });

  describe("resolveAlert", () => {
    it("resolves an open alert by the officer, now; a resolved alert is not resolved again", async () => {
      const fx = await withFacility();
      const row = await buildAlert(db.ds, fx.facility, {
        kind: AlertKind.MARGIN_CALL,
        severity: AlertSeverity.WARNING,
        deadline: "2026-12-01",
      });
      const alertId = toGlobalId("Alert", row.id);
      const p = await mutate(server, t.li, "resolveAlert", { alertId, note: "topped up in cash" });
      expect(p.userErrors).toEqual([]);
      expect(p.alert).toMatchObject({ id: alertId, resolvedBy: "ro-li", resolvedAt: NOW.toISOString() });

      const before = await footprint(db.ds);
      const again = await mutate(server, t.wang, "resolveAlert", { alertId });
      expect(again.userErrors).toHaveLength(1);
      expect(await footprint(db.ds)).toEqual(before);
      expect((await alertsOf(server, t.viewer, fx.clientId))[0]).toMatchObject({ resolvedBy: "ro-li" });
    });
  });

  describe("who may do what (SPEC §6)", () => {
    const fx = {} as Record<"clientId" | "productId" | "pending" | "signing" | "active" | "review" | "alert", string>;

    beforeAll(async () => {
      const base = await fixture();
      const { client, product } = base;
      const pending = await buildFacility(db.ds, client, product, {
        status: FacilityStatus.PENDING_APPROVAL,
        approvedBy: null,
        ...notStarted(),
        version: 1,
      });
      const other = await plainProduct(db.ds);
      const signing = await buildFacility(db.ds, client, other, { ...pendingSignature() });
      const third = await plainProduct(db.ds);
      const active = await buildFacility(db.ds, client, third, { ...nothingBorrowed() });
      const review = await buildReview(db.ds, active);
      const alert = await buildAlert(db.ds, active);
      const fourth = await plainProduct(db.ds);
      Object.assign(fx, {
        clientId: base.clientId,
        productId: toGlobalId("Product", fourth.id),
        pending: toGlobalId("CreditFacility", pending.id),
        signing: toGlobalId("CreditFacility", signing.id),
        active: toGlobalId("CreditFacility", active.id),
        review: toGlobalId("PostLoanReview", review.id),
        alert: toGlobalId("Alert", alert.id),
      });
    });

    const approve = () => ({ facilityId: fx.pending, approve: true, expectedVersion: 1 });
    const sign = () => ({
      facilityId: fx.signing,
      disclosureVersion: DISCLOSURE,
      acknowledged: true,
      expectedVersion: 1,
    });
    const apply = () => ({ clientId: fx.clientId, productId: fx.productId, requestedLimit: "1000000" });
    const onActive = () => ({ facilityId: fx.active, expectedVersion: 3 });
    const valuation = () => ({
      valuations: [{ facilityId: fx.active, asOf: "2026-11-26", usedAmount: "100", collateralValue: "100" }],
    });

    it.each<[string, keyof Tokens, MutationName, () => Record<string, unknown>]>([
      ["a VIEWER cannot approve", "viewer", "approveFacility", approve],
      [
        "ADMIN cannot approve (credit decisions are kept apart from administration)",
        "admin",
        "approveFacility",
        approve,
      ],
      ["a RELATIONSHIP_MANAGER cannot approve", "rm", "approveFacility", approve],
      ["a RELATIONSHIP_MANAGER of another branch cannot sign", "rmOther", "signFacility", sign],
      ["a RISK_OFFICER cannot sign", "li", "signFacility", sign],
      ["a RELATIONSHIP_MANAGER of another branch cannot apply", "rmOther", "applyForFacility", apply],
      ["a RISK_OFFICER cannot apply", "li", "applyForFacility", apply],
      ["a RELATIONSHIP_MANAGER of another branch cannot extend", "rmOther", "extendFacility", onActive],
      ["a RELATIONSHIP_MANAGER of another branch cannot close", "rmOther", "closeFacility", onActive],
      ["an ANALYST cannot close", "analyst", "closeFacility", onActive],
      ["a RELATIONSHIP_MANAGER cannot record valuations", "rm", "recordFacilityValuations", valuation],
      ["an ANALYST cannot run processMaturities", "analyst", "processMaturities", () => ({ asOf: "2026-11-27" })],
      ["a RELATIONSHIP_MANAGER cannot run scheduleReviews", "rm", "scheduleReviews", () => ({ asOf: "2026-11-27" })],
      [
        "ADMIN cannot create a review",
        "admin",
        "createReview",
        () => ({ facilityId: fx.active, dueDate: "2026-12-15" }),
      ],
      ["ADMIN cannot start a review", "admin", "startReview", () => ({ reviewId: fx.review, expectedVersion: 1 })],
      [
        "COMPLIANCE cannot complete a review",
        "compliance",
        "completeReview",
        () => ({ reviewId: fx.review, outcome: "MAINTAIN", expectedVersion: 1 }),
      ],
      [
        "a RELATIONSHIP_MANAGER cannot cancel a review",
        "rm",
        "cancelReview",
        () => ({ reviewId: fx.review, reason: "x", expectedVersion: 1 }),
      ],
      ["ADMIN cannot resolve an alert", "admin", "resolveAlert", () => ({ alertId: fx.alert })],
    ])("%s: FORBIDDEN, the field null, nothing written", async (_, who, name, input) => {
      const before = await footprint(db.ds);
      expect(await deniedCode(server, t[who], name, input())).toBe("FORBIDDEN");
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("without a token: HTTP 401 UNAUTHENTICATED", async () => {
      const res = await server.gql(
        null,
        `mutation($input: ProcessMaturitiesInput!) { processMaturities(input: $input) { count } }`,
        { input: { asOf: "2026-11-27" } },
      );
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    });

    it("ADMIN may apply and sign for any branch; a RISK_OFFICER may extend; the branch's RM may close", async () => {
      expect((await mutate(server, t.admin, "applyForFacility", apply())).userErrors).toEqual([]);
      expect((await mutate(server, t.admin, "signFacility", sign())).userErrors).toEqual([]);
      const extended = await mutate(server, t.li, "extendFacility", onActive());
      expect(extended.userErrors).toEqual([]);
      expect(
        (await mutate(server, t.rm, "closeFacility", { facilityId: fx.active, expectedVersion: 4 })).userErrors,
      ).toEqual([]);
    });
  });
});

describe.each(ENGINES)("processMaturities on $name (SPEC §5)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let t: Tokens;
  const ids: Record<string, { clientId: string; facilityId: string | null }> = {};

  const scenario = async (
    name: string,
    o: { validUntil?: Date; facility?: Partial<CreditFacilityEntity> | null; extra?: boolean } = {},
  ) => {
    const client = await clientWith(db.ds, { validUntil: o.validUntil });
    if (o.extra) {
      // an older, expired assessment before the current valid one: only the latest counts
      await buildAssessment(db.ds, client, {
        assessedAt: new Date("2024-10-01T02:00:00.000Z"),
        validUntil: new Date("2026-10-01T02:00:00.000Z"),
        createdAt: new Date("2024-10-01T02:00:00.000Z"),
      });
    }
    let facilityId: string | null = null;
    if (o.facility !== null) {
      const product = await plainProduct(db.ds);
      const f = await buildFacility(db.ds, client, product, { maturityDate: "2027-02-28", ...o.facility });
      facilityId = toGlobalId("CreditFacility", f.id);
    }
    ids[name] = { clientId: toGlobalId("Client", client.id), facilityId };
  };

  beforeAll(async () => {
    db = await engine.create();
    await defaultSegments(db.ds);
    await scenario("maturedWithDebt", { facility: { maturityDate: "2026-11-20" } });
    await scenario("maturedMarginCall", {
      facility: { status: FacilityStatus.MARGIN_CALL, maturityDate: "2026-11-26", ...ratio(1_000_000, 1_200_000) },
    });
    await scenario("maturedSuspended", { facility: { status: FacilityStatus.SUSPENDED, maturityDate: "2026-11-27" } });
    await scenario("maturedDebtFree", { facility: { maturityDate: "2026-11-27", ...nothingBorrowed() } });
    await scenario("maturingSoon", { facility: { maturityDate: "2026-12-10" } });
    await scenario("maturingLater", { facility: { maturityDate: "2026-12-12" } });
    await scenario("expiringOpen", { validUntil: new Date("2026-12-17T02:00:00.000Z") });
    await scenario("expiringLater", { validUntil: new Date("2027-01-15T02:00:00.000Z") });
    await scenario("expiredOpen", { validUntil: EXPIRED });
    await scenario("expiredOldOnly", { extra: true });
    await scenario("expiredClosed", { validUntil: EXPIRED, facility: { status: FacilityStatus.CLOSED } });
    await scenario("expiredRejected", {
      validUntil: EXPIRED,
      facility: { status: FacilityStatus.REJECTED, ...notStarted() },
    });
    await scenario("expiredNoFacility", { validUntil: EXPIRED, facility: null });
    await scenario("expiringNoFacility", { validUntil: new Date("2026-12-17T02:00:00.000Z"), facility: null });
    server = await startTestServer(db.ds, NOW);
    t = await people(server);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const alertsBy = async (name: string) =>
    (await alertsOf(server, t.viewer, ids[name].clientId)).map((a) => `${a.kind} ${a.severity}`);
  const statusOf = async (name: string) => (await readFacility(server, t.viewer, ids[name].facilityId!)).status;

  it("matured with debt → LIQUIDATING + CRITICAL MATURITY_DUE; without debt → CLOSED; within 14 days INFO MATURITY_DUE", async () => {
    const p = await mutate(server, t.li, "processMaturities", { asOf: "2026-11-27" });
    expect(p.userErrors).toEqual([]);
    expect(p.count).toBeGreaterThan(0);
    for (const name of ["maturedWithDebt", "maturedMarginCall", "maturedSuspended"]) {
      expect([name, await statusOf(name), await alertsBy(name)]).toEqual([
        name,
        "LIQUIDATING",
        ["MATURITY_DUE CRITICAL"],
      ]);
    }
    expect(await statusOf("maturedDebtFree")).toBe("CLOSED");
    expect(await alertsBy("maturedDebtFree")).toEqual([]);
    expect(await statusOf("maturingSoon")).toBe("ACTIVE");
    expect(await alertsBy("maturingSoon")).toEqual(["MATURITY_DUE INFO"]);
    expect(await alertsBy("maturingLater")).toEqual([]);
  });

  it("assessments expiring within 30 days → ASSESSMENT_EXPIRING; expired → ASSESSMENT_EXPIRED + an ASSESSMENT_EXPIRY review; only with an open facility", async () => {
    expect(await alertsBy("expiringOpen")).toEqual(["ASSESSMENT_EXPIRING INFO"]);
    expect(await alertsBy("expiringLater")).toEqual([]);
    expect(await alertsBy("expiredOpen")).toEqual(["ASSESSMENT_EXPIRED WARNING"]);
    expect(await reviewsOf(server, t.viewer, ids.expiredOpen.facilityId!)).toEqual([
      expect.objectContaining({ trigger: "ASSESSMENT_EXPIRY", status: "SCHEDULED", dueDate: "2026-11-27" }),
    ]);
    expect(await alertsBy("expiredOldOnly")).toEqual([]);
    for (const name of ["expiredClosed", "expiredRejected", "expiredNoFacility", "expiringNoFacility"]) {
      expect([name, await alertsBy(name)]).toEqual([name, []]);
    }
    for (const name of ["expiredClosed", "expiredRejected"]) {
      expect(await reviewsOf(server, t.viewer, ids[name].facilityId!)).toEqual([]);
    }
  });

  it("is idempotent: a second run raises nothing new and writes nothing (count 0)", async () => {
    const before = await footprint(db.ds);
    const p = await mutate(server, t.li, "processMaturities", { asOf: "2026-11-27" });
    expect(p).toEqual({ count: 0, userErrors: [] });
    expect(await footprint(db.ds)).toEqual(before);
  });

  it("at maturity the CRITICAL MATURITY_DUE comes even while the INFO reminder is open", async () => {
    server.clock.set(new Date("2026-12-10T08:00:00.000Z"));
    const p = await mutate(server, t.li, "processMaturities", { asOf: "2026-12-10" });
    expect(p.userErrors).toEqual([]);
    expect(await statusOf("maturingSoon")).toBe("LIQUIDATING");
    const open = (await alertsOf(server, t.viewer, ids.maturingSoon.clientId)).filter(
      (a) => a.kind === "MATURITY_DUE" && a.resolvedAt === null,
    );
    expect(open.map((a) => a.severity)).toContain("CRITICAL");
    // 2026-12-12 is now within 14 days
    expect(await alertsBy("maturingLater")).toEqual(["MATURITY_DUE INFO"]);
  });
});

describe.each(ENGINES)("scheduleReviews on $name (SPEC §5)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let t: Tokens;
  const ids: Record<string, string> = {};
  const AVG = { A: "12000000.00", B: "3200000.00", C: "800000.00", none: "400000.00" } as const;

  const scenario = async (
    name: string,
    segment: keyof typeof AVG,
    facility: Partial<CreditFacilityEntity>,
    reviews: Parameters<typeof buildReview>[2][] = [],
  ) => {
    const client = await clientWith(db.ds, { avg: AVG[segment] });
    const product = await plainProduct(db.ds);
    const f = await buildFacility(db.ds, client, product, facility);
    for (const r of reviews) await buildReview(db.ds, f, r);
    ids[name] = toGlobalId("CreditFacility", f.id);
  };
  const completed = (trigger: ReviewTrigger, at: string) => ({
    trigger,
    status: ReviewStatus.COMPLETED,
    outcome: ReviewOutcome.MAINTAIN,
    startedAt: new Date(`${at}T03:00:00.000Z`),
    completedAt: new Date(`${at}T06:00:00.000Z`),
    dueDate: at,
  });
  const DUE = ["A30", "B90", "none90", "lastReviewLongAgo", "suspended", "marginCall", "openOtherReview"];

  beforeAll(async () => {
    db = await engine.create();
    await defaultSegments(db.ds);
    await scenario("A30", "A", { startDate: "2026-10-28" });
    await scenario("A29", "A", { startDate: "2026-10-29" });
    await scenario("B90", "B", { startDate: "2026-08-29" });
    await scenario("B89", "B", { startDate: "2026-08-30" });
    await scenario("none90", "none", { startDate: "2026-08-29" });
    await scenario("C90", "C", { startDate: "2026-08-29" });
    await scenario("lastReviewRecent", "B", { startDate: "2026-01-05" }, [
      completed(ReviewTrigger.PERIODIC, "2026-10-01"),
    ]);
    await scenario("lastReviewLongAgo", "B", { startDate: "2026-01-05" }, [
      completed(ReviewTrigger.PERIODIC, "2026-08-01"),
      completed(ReviewTrigger.MANUAL, "2026-11-01"),
    ]);
    await scenario("openPeriodic", "B", { startDate: "2026-01-05" }, [
      { trigger: ReviewTrigger.PERIODIC, status: ReviewStatus.SCHEDULED, dueDate: "2026-11-20" },
    ]);
    await scenario("openOtherReview", "B", { startDate: "2026-01-05" }, [
      { trigger: ReviewTrigger.MARGIN_CALL, status: ReviewStatus.IN_PROGRESS, dueDate: "2026-11-30" },
    ]);
    await scenario("suspended", "B", { startDate: "2026-01-05", status: FacilityStatus.SUSPENDED });
    await scenario("marginCall", "B", { startDate: "2026-01-05", status: FacilityStatus.MARGIN_CALL });
    await scenario("liquidating", "B", { startDate: "2026-01-05", status: FacilityStatus.LIQUIDATING });
    await scenario("closed", "B", { startDate: "2026-01-05", status: FacilityStatus.CLOSED });
    await scenario("pendingSignature", "B", pendingSignature());
    server = await startTestServer(db.ds, NOW);
    t = await people(server);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("a PERIODIC review due asOf for every facility in force whose last periodic review (or start) is at least the segment's reviewIntervalDays ago", async () => {
    const p = await mutate(server, t.li, "scheduleReviews", { asOf: "2026-11-27" });
    expect(p.userErrors).toEqual([]);
    expect(p.count).toBe(DUE.length);
    const scheduled: string[] = [];
    for (const [name, id] of Object.entries(ids)) {
      const fresh = (await reviewsOf(server, t.viewer, id)).filter(
        (r) => r.trigger === "PERIODIC" && r.status === "SCHEDULED" && r.dueDate === "2026-11-27",
      );
      if (fresh.length > 0) scheduled.push(name);
      expect(fresh.length).toBeLessThanOrEqual(1);
    }
    expect(scheduled.sort()).toEqual([...DUE].sort());
  });

  it("is idempotent: a second run creates nothing", async () => {
    const before = await footprint(db.ds);
    const p = await mutate(server, t.li, "scheduleReviews", { asOf: "2026-11-27" });
    expect(p).toEqual({ count: 0, userErrors: [] });
    expect(await footprint(db.ds)).toEqual(before);
  });
});

/** A facility approved but not yet signed: no dates, nothing borrowed, version 1. */
function pendingSignature(): Partial<CreditFacilityEntity> {
  return { status: FacilityStatus.PENDING_SIGNATURE, ...notStarted(), version: 1 };
}

function notStarted(): Partial<CreditFacilityEntity> {
  return {
    ...nothingBorrowed(),
    valuationAsOf: null,
    startDate: null,
    maturityDate: null,
    disclosureVersion: null,
    disclosureAcknowledgedAt: null,
  };
}

function nothingBorrowed(): Partial<CreditFacilityEntity> {
  return { usedAmount: new Decimal(0), collateralValue: new Decimal(0), maintenanceRatio: null };
}

function ratio(used: number, collateral: number): Partial<CreditFacilityEntity> {
  return {
    usedAmount: new Decimal(used),
    collateralValue: new Decimal(collateral),
    maintenanceRatio: new Decimal(collateral).div(used).toDecimalPlaces(4, Decimal.ROUND_DOWN),
  };
}
