import Decimal from "decimal.js";
import {
  AlertKind,
  AlertSeverity,
  ClientStatus,
  CreditRating,
  ReviewOutcome,
  ReviewStatus,
  ReviewTrigger,
  UserErrorCode,
} from "../../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../../support/engines";
import { buildAlert, buildReview } from "../../support/factories";
import { defaultSegments, footprint } from "../../lifecycle/helpers";
import {
  alertsOf,
  auditOf,
  EXPIRED,
  facilityRow,
  LI,
  NOW,
  nothingBorrowed,
  ratio,
  refusalCodes,
  services,
  WANG,
  withFacility,
  type Setup,
} from "./setup";
import { PostLoanReviewEntity } from "../../../src/entities";

/** ReviewService on both engines: create, start (recommendation, snapshot), complete (effects), cancel (SPEC §5). */

describe.each(ENGINES)("review lifecycle rules on $name (service tier)", (engine) => {
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

  const reviewRow = (id: number) => db.ds.manager.findOneByOrFail(PostLoanReviewEntity, { id });

  it("SPEC §5 createReview: a MANUAL review of an open facility, SCHEDULED on the given due date, audited", async () => {
    const { facility } = await withFacility(db.ds);
    const r = await svc.reviews.create(LI, { facilityId: facility.id, dueDate: "2026-12-15", notes: "one issuer" });
    expect(await reviewRow(r.id)).toMatchObject({
      facilityId: facility.id,
      trigger: ReviewTrigger.MANUAL,
      status: ReviewStatus.SCHEDULED,
      dueDate: "2026-12-15",
      notes: "one issuer",
      assignee: null,
      version: 1,
    });
    expect(await auditOf(db.ds, "PostLoanReview", r.id)).toEqual([
      expect.objectContaining({ actor: "ro-li", action: "createReview" }),
    ]);
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
      "only LIMIT_RANGE fails → DECREASE_LIMIT, not SUSPEND",
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
      "utilization 0.8 but rating BBB → MAINTAIN",
      { ...INCREASE, avg: "6000000.00", rating: CreditRating.BBB },
      ReviewOutcome.MAINTAIN,
    ],
    [
      "utilization 0.79 → MAINTAIN",
      { facility: { ...INCREASE.facility, ...ratio(790_000, 1_400_000) } },
      ReviewOutcome.MAINTAIN,
    ],
    ["nothing borrowed → MAINTAIN", { facility: nothingBorrowed() }, ReviewOutcome.MAINTAIN],
  ])("SPEC §5 startReview recommends the first rule that applies: %s", async (_, setup, recommendation) => {
    const { facility } = await withFacility(db.ds, setup);
    const review = await buildReview(db.ds, facility);
    await svc.reviews.start(WANG, { reviewId: review.id, expectedVersion: 1 });
    const row = await reviewRow(review.id);
    expect(row).toMatchObject({ status: ReviewStatus.IN_PROGRESS, assignee: "ro-wang", recommendation, version: 2 });
    expect(row.startedAt!.toISOString()).toBe(NOW.toISOString());
  });

  it("SPEC §5 startReview captures the snapshot the recommendation was made on", async () => {
    const { facility } = await withFacility(db.ds, INCREASE);
    const review = await buildReview(db.ds, facility);
    await svc.reviews.start(LI, { reviewId: review.id, expectedVersion: 1 });
    const s = (await reviewRow(review.id)).snapshot!;
    expect({
      ...s,
      maintenanceRatio: new Decimal(s.maintenanceRatio!).toFixed(4),
      usedAmount: new Decimal(s.usedAmount).toFixed(2),
      approvedLimit: new Decimal(s.approvedLimit).toFixed(2),
      recommendedLimit: new Decimal(s.recommendedLimit!).toFixed(2),
    }).toEqual({
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

  it("SPEC §5 startReview: only at the expected version (CONFLICT) and only a SCHEDULED review (INVALID_TRANSITION)", async () => {
    const { facility } = await withFacility(db.ds);
    const review = await buildReview(db.ds, facility);
    const before = await footprint(db.ds);
    expect(await refusalCodes(svc.reviews.start(LI, { reviewId: review.id, expectedVersion: 2 }))).toEqual([
      UserErrorCode.CONFLICT,
    ]);
    expect(await footprint(db.ds)).toEqual(before);
    await svc.reviews.start(LI, { reviewId: review.id, expectedVersion: 1 });
    expect(await refusalCodes(svc.reviews.start(LI, { reviewId: review.id, expectedVersion: 2 }))).toEqual([
      UserErrorCode.INVALID_TRANSITION,
    ]);
  });

  /** A facility (3,200,000 AA: recommended 4,800,000; approved 1,500,000, used 800,000) with a started review. */
  async function started(o: Setup = {}) {
    const fx = await withFacility(db.ds, o);
    const review = await buildReview(db.ds, fx.facility);
    await svc.reviews.start(LI, { reviewId: review.id, expectedVersion: 1 });
    return { ...fx, review };
  }

  it.each<[string, Setup, ReviewOutcome, string | null, string, string, string[] | null]>([
    ["MAINTAIN: no effect", {}, ReviewOutcome.MAINTAIN, null, "ACTIVE", "1500000.00", []],
    [
      "INCREASE_LIMIT up to the recommended limit",
      {},
      ReviewOutcome.INCREASE_LIMIT,
      "4800000",
      "ACTIVE",
      "4800000.00",
      [],
    ],
    ["DECREASE_LIMIT down to usedAmount", {}, ReviewOutcome.DECREASE_LIMIT, "800000", "ACTIVE", "800000.00", []],
    ["SUSPEND → SUSPENDED", {}, ReviewOutcome.SUSPEND, null, "SUSPENDED", "1500000.00", []],
    [
      "MARGIN_CALL → MARGIN_CALL with its alert",
      {},
      ReviewOutcome.MARGIN_CALL,
      null,
      "MARGIN_CALL",
      "1500000.00",
      ["MARGIN_CALL WARNING"],
    ],
    [
      "FORCED_LIQUIDATION → LIQUIDATING with a CRITICAL LIQUIDATION alert",
      {},
      ReviewOutcome.FORCED_LIQUIDATION,
      null,
      "LIQUIDATING",
      "1500000.00",
      ["LIQUIDATION CRITICAL"],
    ],
    [
      "TERMINATE with something borrowed → LIQUIDATING",
      {},
      ReviewOutcome.TERMINATE,
      null,
      "LIQUIDATING",
      "1500000.00",
      null,
    ],
    [
      "TERMINATE with nothing borrowed → CLOSED",
      { facility: nothingBorrowed() },
      ReviewOutcome.TERMINATE,
      null,
      "CLOSED",
      "1500000.00",
      null,
    ],
  ])(
    "SPEC §5 completeReview %s, in the same write as COMPLETED",
    async (_, setup, outcome, newLimit, status, limit, alerts) => {
      const { facility, review } = await started(setup);
      await svc.reviews.complete(LI, {
        reviewId: review.id,
        outcome,
        newLimit: newLimit === null ? null : new Decimal(newLimit),
        notes: "reviewed",
        expectedVersion: 2,
      });
      const row = await reviewRow(review.id);
      expect(row).toMatchObject({ status: ReviewStatus.COMPLETED, outcome, notes: "reviewed", version: 3 });
      expect(row.newLimit?.toFixed(2) ?? null).toBe(newLimit === null ? null : new Decimal(newLimit).toFixed(2));
      expect(row.completedAt!.toISOString()).toBe(NOW.toISOString());
      const f = await facilityRow(db.ds, facility.id);
      expect(f.status).toBe(status);
      expect(f.approvedLimit!.toFixed(2)).toBe(limit);
      expect(f.version).toBe(outcome === ReviewOutcome.MAINTAIN ? 3 : 4);
      if (alerts !== null) {
        expect((await alertsOf(db.ds, facility.id)).map((a) => `${a.kind} ${a.severity}`)).toEqual(alerts);
      }
      expect((await auditOf(db.ds, "PostLoanReview", review.id)).map((a) => a.action)).toContain("completeReview");
    },
  );

  it.each<[string, ReviewOutcome, string, UserErrorCode]>([
    [
      "INCREASE_LIMIT above the recommended limit",
      ReviewOutcome.INCREASE_LIMIT,
      "4800000.01",
      UserErrorCode.LIMIT_EXCEEDED,
    ],
    ["INCREASE_LIMIT not above the approved limit", ReviewOutcome.INCREASE_LIMIT, "1500000", UserErrorCode.INVALID],
    ["DECREASE_LIMIT below usedAmount", ReviewOutcome.DECREASE_LIMIT, "799999.99", UserErrorCode.INVALID],
    ["DECREASE_LIMIT not below the approved limit", ReviewOutcome.DECREASE_LIMIT, "1500000", UserErrorCode.INVALID],
    ["a newLimit with MAINTAIN", ReviewOutcome.MAINTAIN, "1000000", UserErrorCode.INVALID],
  ])(
    "SPEC §5 completeReview refuses %s (%s %s → %s): still IN_PROGRESS, nothing written",
    async (_, outcome, newLimit, code) => {
      const { facility, review } = await started();
      const before = await footprint(db.ds);
      const call = svc.reviews.complete(LI, {
        reviewId: review.id,
        outcome,
        newLimit: new Decimal(newLimit),
        expectedVersion: 2,
      });
      expect(await refusalCodes(call)).toEqual([code]);
      expect(await footprint(db.ds)).toEqual(before);
      expect(await reviewRow(review.id)).toMatchObject({ status: ReviewStatus.IN_PROGRESS, version: 2 });
      const f = await facilityRow(db.ds, facility.id);
      expect([f.approvedLimit!.toFixed(2), f.version]).toEqual(["1500000.00", 3]);
    },
  );

  it("SPEC §5 completeReview of a review not started is INVALID_TRANSITION", async () => {
    const { facility } = await withFacility(db.ds);
    const review = await buildReview(db.ds, facility);
    const call = svc.reviews.complete(LI, { reviewId: review.id, outcome: ReviewOutcome.MAINTAIN, expectedVersion: 1 });
    expect(await refusalCodes(call)).toEqual([UserErrorCode.INVALID_TRANSITION]);
  });

  it("SPEC §5 completeReview: two reviewers at once — exactly one wins, the other gets CONFLICT", async () => {
    const { review } = await started();
    const props = { reviewId: review.id, outcome: ReviewOutcome.MAINTAIN, expectedVersion: 2 };
    const results = await Promise.allSettled([svc.reviews.complete(LI, props), svc.reviews.complete(WANG, props)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [lost] = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(await refusalCodes(Promise.reject(lost.reason))).toEqual([UserErrorCode.CONFLICT]);
    expect(await reviewRow(review.id)).toMatchObject({ status: ReviewStatus.COMPLETED, version: 3 });
  });

  it("SPEC §5 cancelReview: SCHEDULED or IN_PROGRESS → CANCELLED, reason kept in notes; COMPLETED or stale refused", async () => {
    const { facility } = await withFacility(db.ds);
    const scheduled = await buildReview(db.ds, facility, { notes: "first look" });
    await svc.reviews.cancel(LI, {
      reviewId: scheduled.id,
      reason: "duplicate of the margin-call review",
      expectedVersion: 1,
    });
    const cancelled = await reviewRow(scheduled.id);
    expect(cancelled).toMatchObject({ status: ReviewStatus.CANCELLED, version: 2 });
    expect(cancelled.notes).toContain("first look");
    expect(cancelled.notes).toContain("duplicate of the margin-call review");
    expect(await auditOf(db.ds, "PostLoanReview", scheduled.id)).toEqual([
      expect.objectContaining({ actor: "ro-li", action: "cancelReview" }),
    ]);

    const inProgress = await started();
    await svc.reviews.cancel(WANG, {
      reviewId: inProgress.review.id,
      reason: "facility being closed",
      expectedVersion: 2,
    });
    expect((await reviewRow(inProgress.review.id)).status).toBe(ReviewStatus.CANCELLED);

    const done = await buildReview(db.ds, facility, {
      trigger: ReviewTrigger.MANUAL,
      status: ReviewStatus.COMPLETED,
      outcome: ReviewOutcome.MAINTAIN,
      completedAt: new Date("2026-11-20T08:00:00.000Z"),
    });
    const before = await footprint(db.ds);
    expect(
      await refusalCodes(svc.reviews.cancel(LI, { reviewId: done.id, reason: "too late", expectedVersion: 1 })),
    ).toEqual([UserErrorCode.INVALID_TRANSITION]);
    expect(
      await refusalCodes(svc.reviews.cancel(LI, { reviewId: scheduled.id, reason: "again", expectedVersion: 1 })),
    ).toEqual([UserErrorCode.CONFLICT]);
    expect(await footprint(db.ds)).toEqual(before);
  });

  it("SPEC §5 resolveAlert: a MARGIN_CALL alert resolved by the officer now; resolving it again is refused, nothing written", async () => {
    const { facility } = await withFacility(db.ds);
    const alert = await buildAlert(db.ds, facility, {
      kind: AlertKind.MARGIN_CALL,
      severity: AlertSeverity.WARNING,
      deadline: "2026-12-01",
    });
    const resolved = await svc.reviews.resolveAlert(LI, { alertId: alert.id, note: "topped up in cash" });
    expect(resolved.resolvedBy).toBe("ro-li");
    expect(resolved.resolvedAt!.toISOString()).toBe(NOW.toISOString());
    const before = await footprint(db.ds);
    expect(await refusalCodes(svc.reviews.resolveAlert(WANG, { alertId: alert.id }))).toHaveLength(1);
    expect(await footprint(db.ds)).toEqual(before);
    expect((await alertsOf(db.ds, facility.id))[0].resolvedBy).toBe("ro-li");
  });
});
