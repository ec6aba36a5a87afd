import Decimal from "decimal.js";
import { AlertKind, AlertSeverity, FacilityStatus, ReviewOutcome, ReviewStatus } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import type { CreditFacilityEntity, ProductEntity } from "../../src/entities";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildAlert, buildFacility, buildReview } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import {
  alertsOf,
  clientWith,
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

/**
 * The lifecycle rules themselves (SPEC §5) are tested at the service tier, on both engines:
 * test/service/lifecycle. This file checks what only the GraphQL layer adds: authorization (SPEC §6)
 * and the payload shape — one refusal per mutation with its userErrors code and field path, decimals,
 * dates and ids as shown — plus the few processMaturities and margin-call deadline cases the service
 * tier does not cover. Today is Friday 27 November 2026.
 */

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
  /** The userErrors of a refusal: one error with its code and its field path under input. */
  const refusal = (code: string, ...field: string[]) => [expect.objectContaining({ code, field: ["input", ...field] })];

  describe("applyForFacility", () => {
    it("a second application on the same product while the first is pending is DUPLICATE", async () => {
      const fx = await fixture();
      const input = { clientId: fx.clientId, productId: fx.productId, requestedLimit: "1000000" };
      expect((await mutate(server, t.rm, "applyForFacility", input)).userErrors).toEqual([]);
      const again = await mutate(server, t.rm, "applyForFacility", input);
      expect(again.userErrors).toEqual(refusal("DUPLICATE", "productId"));
      expect(again.facility).toBeNull();
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
      expect(over.userErrors).toEqual(refusal("LIMIT_EXCEEDED", "approvedLimit"));
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
      expect(p.userErrors).toEqual(refusal("INVALID_TRANSITION", "facilityId"));
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("extending past maxExtensions is INVALID_TRANSITION (maxExtensions 1: once, then refused)", async () => {
      const fx = await withFacility({ product: { maxExtensions: 1, termDays: 180 } });
      const once = await mutate(server, t.rm, "extendFacility", { facilityId: fx.facilityId, expectedVersion: 3 });
      expect(once.userErrors).toEqual([]);
      expect(once.facility).toMatchObject({ maturityDate: "2027-08-27", extensionsUsed: 1, version: 4 });
      const before = await footprint(db.ds);
      const twice = await mutate(server, t.rm, "extendFacility", { facilityId: fx.facilityId, expectedVersion: 4 });
      expect(twice.userErrors).toEqual(refusal("INVALID_TRANSITION", "facilityId"));
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("closeFacility with usedAmount > 0 is INVALID, nothing written", async () => {
      const fx = await withFacility();
      const before = await footprint(db.ds);
      const p = await mutate(server, t.rm, "closeFacility", { facilityId: fx.facilityId, expectedVersion: 3 });
      expect(p.userErrors).toEqual(refusal("INVALID", "facilityId"));
      expect(await footprint(db.ds)).toEqual(before);
      expect((await readFacility(server, t.rm, fx.facilityId)).status).toBe("ACTIVE");
    });
  });

  describe("recordFacilityValuations", () => {
    const value = (facilityId: string, usedAmount: string, collateralValue: string, asOf = "2026-11-26") =>
      mutate(server, t.li, "recordFacilityValuations", {
        valuations: [{ facilityId, asOf, usedAmount, collateralValue }],
      });

    // the service tier checks Monday, Thursday and Friday
    it.each([["Wednesday", "2026-11-25", "2026-11-27"]])(
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

    // kept here until the service tier also checks the MAINTENANCE_WARNING half (it checks MARGIN_CALL only)
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
      const stale = await mutate(server, t.li, "startReview", { reviewId, expectedVersion: 2 });
      expect(stale.userErrors).toEqual(refusal("CONFLICT", "expectedVersion"));
      expect(stale.review).toBeNull();
      expect(await footprint(db.ds)).toEqual(before);
      expect((await mutate(server, t.li, "startReview", { reviewId, expectedVersion: 1 })).userErrors).toEqual([]);
      const again = await mutate(server, t.li, "startReview", { reviewId, expectedVersion: 2 });
      expect(again.userErrors).toEqual(refusal("INVALID_TRANSITION", "reviewId"));
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

    it("completeReview refuses INCREASE_LIMIT above the recommended limit (LIMIT_EXCEEDED on newLimit): review still IN_PROGRESS, nothing written", async () => {
      const fx = await started();
      const before = await footprint(db.ds);
      const p = await mutate(server, t.li, "completeReview", {
        reviewId: fx.reviewId,
        outcome: ReviewOutcome.INCREASE_LIMIT,
        newLimit: "4800000.01",
        expectedVersion: 2,
      });
      expect(p.userErrors).toEqual(refusal("LIMIT_EXCEEDED", "newLimit"));
      expect(p.review).toBeNull();
      expect(await footprint(db.ds)).toEqual(before);
      expect(await readReview(server, t.viewer, fx.reviewId)).toMatchObject({ status: "IN_PROGRESS", version: 2 });
      expect(await readFacility(server, t.viewer, fx.facilityId)).toMatchObject({
        approvedLimit: "1500000.00",
        version: 3,
      });
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
      expect(r.userErrors).toEqual(refusal("INVALID_TRANSITION", "reviewId"));
      const stale = await mutate(server, t.li, "cancelReview", {
        reviewId: toGlobalId("PostLoanReview", scheduled.id),
        reason: "again",
        expectedVersion: 1,
      });
      expect(stale.userErrors).toEqual(refusal("CONFLICT", "expectedVersion"));
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
      expect(again.userErrors).toEqual(refusal("INVALID_TRANSITION", "alertId"));
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

/** The processMaturities cases test/service/lifecycle/monitoring.test.ts does not build. */
describe.each(ENGINES)("processMaturities on $name (SPEC §5)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let t: Tokens;
  const ids: Record<string, { clientId: string; facilityId: string | null }> = {};

  const scenario = async (
    name: string,
    o: { validUntil?: Date; facility?: Partial<CreditFacilityEntity> | null } = {},
  ) => {
    const client = await clientWith(db.ds, { validUntil: o.validUntil });
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
    await scenario("maturedSuspended", { facility: { status: FacilityStatus.SUSPENDED, maturityDate: "2026-11-27" } });
    // controls: with an open facility the same assessments do raise their alerts
    await scenario("expiringOpen", { validUntil: new Date("2026-12-17T02:00:00.000Z") });
    await scenario("expiredOpen", { validUntil: EXPIRED });
    await scenario("expiredRejected", {
      validUntil: EXPIRED,
      facility: { status: FacilityStatus.REJECTED, ...notStarted() },
    });
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

  it("a SUSPENDED facility at maturity (with debt) → LIQUIDATING + CRITICAL MATURITY_DUE; the payload counts the changes", async () => {
    const p = await mutate(server, t.li, "processMaturities", { asOf: "2026-11-27" });
    expect(p.userErrors).toEqual([]);
    expect(p.count).toBeGreaterThan(0);
    expect(await statusOf("maturedSuspended")).toBe("LIQUIDATING");
    expect(await alertsBy("maturedSuspended")).toEqual(["MATURITY_DUE CRITICAL"]);
  });

  it("an expired assessment whose only facility is REJECTED raises no alert and no review; an expiring one without a facility raises nothing", async () => {
    expect(await alertsBy("expiringOpen")).toEqual(["ASSESSMENT_EXPIRING INFO"]);
    expect(await alertsBy("expiredOpen")).toEqual(["ASSESSMENT_EXPIRED WARNING"]);
    expect(await alertsBy("expiredRejected")).toEqual([]);
    expect(await reviewsOf(server, t.viewer, ids.expiredRejected.facilityId!)).toEqual([]);
    expect(await alertsBy("expiringNoFacility")).toEqual([]);
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
