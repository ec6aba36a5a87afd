import Decimal from "decimal.js";
import { FacilityStatus, ReviewOutcome, ReviewStatus, ReviewTrigger, UserErrorCode } from "../../../src/domain/enums";
import { In, type DataSource } from "typeorm";
import { AlertEntity, FacilityValuationEntity, type CreditFacilityEntity } from "../../../src/entities";
import { withSqlTally } from "../../../src/db/sql-counter";
import { toGlobalId } from "../../../src/domain/global-id";
import { ENGINES, type TestDatabase } from "../../support/engines";
import { buildAssessment, buildFacility, buildReview } from "../../support/factories";
import { clientWith, defaultSegments, footprint, plainProduct } from "../../lifecycle/helpers";
import {
  alertsOf,
  auditOf,
  EXPIRED,
  facilityRow,
  LI,
  NOW,
  nothingBorrowed,
  pendingSignature,
  ratio,
  refusalCodes,
  reviewsOf,
  services,
  withFacility,
} from "./setup";

/** MonitoringService on both engines: valuations, the maturity run, periodic scheduling (SPEC §5), without HTTP. */

const clientAlerts = async (ds: DataSource, clientId: number) =>
  (await ds.manager.find(AlertEntity, { where: { clientId }, order: { id: "ASC" } })).map(
    (a) => `${a.kind} ${a.severity}`,
  );

describe.each(ENGINES)("valuations on $name (service tier)", (engine) => {
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

  const item = (facilityId: number, used: string, collateral: string, asOf = "2026-11-26") => ({
    facilityId,
    asOf,
    usedAmount: new Decimal(used),
    collateralValue: new Decimal(collateral),
  });
  const value = (facilityId: number, used: string, collateral: string, asOf?: string) =>
    svc.monitoring.recordValuations(LI, [item(facilityId, used, collateral, asOf)]);

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
    "SPEC §5 valuations: used %s, collateral %s: ratio %s rounded down, the lowest line crossed gives %s and the one alert %j",
    async (used, collateral, expectedRatio, status, alerts) => {
      const { client, facility } = await withFacility(db.ds);
      const out = await value(facility.id, used, collateral);
      expect(out.alertsRaised).toBe(alerts.length);
      const row = await facilityRow(db.ds, facility.id);
      expect(row).toMatchObject({ status, version: 4, valuationAsOf: "2026-11-26" });
      expect(row.maintenanceRatio?.toFixed(4) ?? null).toBe(expectedRatio);
      expect(row.usedAmount.toFixed(2)).toBe(new Decimal(used).toFixed(2));
      expect(await clientAlerts(db.ds, client.id)).toEqual(alerts);
      const reviews = await reviewsOf(db.ds, facility.id);
      expect(reviews.map((r) => r.trigger)).toEqual(status === "MARGIN_CALL" ? [ReviewTrigger.MARGIN_CALL] : []);
      expect((await auditOf(db.ds, "CreditFacility", facility.id)).length).toBeGreaterThan(0);
    },
  );

  it.each([
    ["Monday", "2026-11-23", "2026-11-25"],
    ["Thursday", "2026-11-26", "2026-11-30"],
    ["Friday", "2026-11-27", "2026-12-01"],
  ])(
    "SPEC §5 valuations: margin-call deadline = asOf + 2 weekdays: %s %s → %s, and the review is due then",
    async (_, asOf, deadline) => {
      const { facility } = await withFacility(db.ds, { facility: { valuationAsOf: "2026-11-20" } });
      await value(facility.id, "1000000", "1250000", asOf);
      expect(await alertsOf(db.ds, facility.id)).toEqual([
        expect.objectContaining({ kind: "MARGIN_CALL", severity: "WARNING", deadline }),
      ]);
      expect(await reviewsOf(db.ds, facility.id)).toEqual([
        expect.objectContaining({
          trigger: ReviewTrigger.MARGIN_CALL,
          status: ReviewStatus.SCHEDULED,
          dueDate: deadline,
        }),
      ]);
    },
  );

  it("SPEC §5 valuations: an open alert of a kind is never raised twice (nor the margin-call review)", async () => {
    const { facility } = await withFacility(db.ds);
    expect((await value(facility.id, "1000000", "1250000")).alertsRaised).toBe(1);
    const second = await value(facility.id, "1000000", "1200000", "2026-11-27");
    expect(second.alertsRaised).toBe(0);
    expect(await facilityRow(db.ds, facility.id)).toMatchObject({ status: FacilityStatus.MARGIN_CALL, version: 5 });
    expect((await alertsOf(db.ds, facility.id)).map((a) => a.kind)).toEqual(["MARGIN_CALL"]);
    expect((await reviewsOf(db.ds, facility.id)).map((r) => r.trigger)).toEqual([ReviewTrigger.MARGIN_CALL]);
  });

  it("SPEC §5 resolveAlert: resolved by the officer now; the next crossing raises a new one; resolving twice is refused", async () => {
    const { facility } = await withFacility(db.ds);
    await value(facility.id, "1000000", "1450000");
    const [alert] = await alertsOf(db.ds, facility.id);
    const resolved = await svc.reviews.resolveAlert(LI, { alertId: alert.id, note: "client called" });
    expect(resolved).toMatchObject({ resolvedBy: "ro-li" });
    expect(resolved.resolvedAt!.toISOString()).toBe(NOW.toISOString());
    expect(await auditOf(db.ds, "Alert", alert.id)).toEqual([
      expect.objectContaining({ actor: "ro-li", action: "resolveAlert" }),
    ]);
    const before = await footprint(db.ds);
    expect(await refusalCodes(svc.reviews.resolveAlert(LI, { alertId: alert.id }))).toEqual([
      UserErrorCode.INVALID_TRANSITION,
    ]);
    expect(await footprint(db.ds)).toEqual(before);
    expect((await value(facility.id, "1000000", "1400000", "2026-11-27")).alertsRaised).toBe(1);
    expect((await alertsOf(db.ds, facility.id)).map((a) => [a.kind, a.resolvedBy])).toEqual([
      ["MAINTENANCE_WARNING", "ro-li"],
      ["MAINTENANCE_WARNING", null],
    ]);
  });

  it("SPEC §5 valuations: MARGIN_CALL between the lines stays, its alert open; back at the warning line → ACTIVE, alert resolved by system", async () => {
    const { facility } = await withFacility(db.ds);
    await value(facility.id, "1000000", "1250000");
    await value(facility.id, "1000000", "1450000", "2026-11-27");
    expect((await facilityRow(db.ds, facility.id)).status).toBe(FacilityStatus.MARGIN_CALL);
    expect((await alertsOf(db.ds, facility.id))[0]).toMatchObject({ kind: "MARGIN_CALL", resolvedBy: null });
    await value(facility.id, "1000000", "1500000", "2026-11-27");
    expect((await facilityRow(db.ds, facility.id)).status).toBe(FacilityStatus.ACTIVE);
    const [margin] = (await alertsOf(db.ds, facility.id)).filter((a) => a.kind === "MARGIN_CALL");
    expect(margin.resolvedBy).toBe("system");
    expect(margin.resolvedAt!.toISOString()).toBe(NOW.toISOString());
  });

  it.each([
    ["a negative collateralValue", { collateralValue: new Decimal(-1) }, UserErrorCode.INVALID],
    ["a negative usedAmount", { usedAmount: new Decimal(-1) }, UserErrorCode.INVALID],
    ["an unknown facility", { facilityId: 99_999_999 }, UserErrorCode.NOT_FOUND],
  ])("SPEC §5 valuations all-or-nothing: %s in item 1 refuses the batch, nothing written", async (_, bad, code) => {
    const good = await withFacility(db.ds);
    const other = await withFacility(db.ds);
    const before = await footprint(db.ds);
    const call = svc.monitoring.recordValuations(LI, [
      item(good.facility.id, "1000000", "1000000"), // would liquidate if written
      { ...item(other.facility.id, "100000", "200000"), ...bad },
    ]);
    const err = await call.then(
      () => null,
      (e: { errors?: { code: string; field: string[] | null }[] }) => e,
    );
    expect(err?.errors?.map((e) => e.code)).toContain(code);
    expect(err!.errors!.every((e) => e.field?.slice(0, 3).join(".") === "input.valuations.1")).toBe(true);
    expect(await footprint(db.ds)).toEqual(before);
    expect(await facilityRow(db.ds, good.facility.id)).toMatchObject({ status: FacilityStatus.ACTIVE, version: 3 });
  });

  it("SPEC §5 valuations: a batch is at most 5,000 items: 5,001 is INVALID and writes nothing", async () => {
    const { facility } = await withFacility(db.ds);
    const before = await footprint(db.ds);
    const items = Array.from({ length: 5001 }, () => item(facility.id, "1000000", "1000000"));
    expect(await refusalCodes(svc.monitoring.recordValuations(LI, items))).toEqual([UserErrorCode.INVALID]);
    expect(await footprint(db.ds)).toEqual(before);
  });

  it("SPEC §13 valuation history: one row per facility and date, a second valuation of a date replacing the first", async () => {
    const a = await withFacility(db.ds);
    const b = await withFacility(db.ds);
    await svc.monitoring.recordValuations(LI, [
      item(a.facility.id, "1000000", "1600000", "2026-11-25"),
      item(b.facility.id, "500000", "900000", "2026-11-25"),
    ]);
    await svc.monitoring.recordValuations(LI, [
      item(a.facility.id, "1000000", "1700000", "2026-11-26"),
      item(b.facility.id, "400000", "1000000", "2026-11-25"),
    ]);
    await value(a.facility.id, "900000", "1800000", "2026-11-26");
    const history = await db.ds.manager.find(FacilityValuationEntity, {
      where: { facilityId: In([a.facility.id, b.facility.id]) },
      order: { facilityId: "ASC", asOf: "ASC" },
    });
    expect(
      history.map((h) => [
        h.facilityId,
        h.asOf,
        h.usedAmount.toFixed(2),
        h.collateralValue.toFixed(2),
        h.maintenanceRatio?.toFixed(4),
      ]),
    ).toEqual([
      [a.facility.id, "2026-11-25", "1000000.00", "1600000.00", "1.6000"],
      [a.facility.id, "2026-11-26", "900000.00", "1800000.00", "2.0000"],
      [b.facility.id, "2026-11-25", "400000.00", "1000000.00", "2.5000"],
    ]);
  });

  it("SPEC §5 valuations: a batch writes every item, one alert each at most", async () => {
    const a = await withFacility(db.ds);
    const b = await withFacility(db.ds);
    const out = await svc.monitoring.recordValuations(LI, [
      item(a.facility.id, "1000000", "1250000"),
      item(b.facility.id, "1000000", "2000000"),
    ]);
    expect(out.alertsRaised).toBe(1);
    expect(out.facilities.map((f) => [f.id, f.status, f.maintenanceRatio!.toFixed(4)])).toEqual([
      [a.facility.id, FacilityStatus.MARGIN_CALL, "1.2500"],
      [b.facility.id, FacilityStatus.ACTIVE, "2.0000"],
    ]);
  });

  it("SPEC §5 valuations: an end-of-day batch costs the same number of statements whatever its size, and still writes every alert, review, valuation, audit entry and event", async () => {
    const batch = async (n: number) => {
      const made: Awaited<ReturnType<typeof withFacility>>[] = [];
      for (let k = 0; k < n; k += 1) made.push(await withFacility(db.ds));
      const tally = { statements: 0 };
      const out = await withSqlTally(tally, () =>
        svc.monitoring.recordValuations(
          LI,
          made.map((m) => item(m.facility.id, "1000000", "1200000")),
        ),
      );
      const ids = made.map((m) => m.facility.id);
      const count = async (table: string, column = "facilityId") =>
        Number(
          (
            (await db.ds.query(
              `SELECT COUNT(*) AS n FROM \`${table}\` WHERE \`${column}\` IN (${ids.map(() => "?").join(",")})`,
              ids,
            )) as { n: number }[]
          )[0].n,
        );
      const events = (await db.ds.query(
        `SELECT \`type\` FROM \`event\` WHERE \`aggregateId\` IN (${ids.map(() => "?").join(",")})`,
        ids.map((id) => toGlobalId("CreditFacility", id)),
      )) as { type: string }[];
      return {
        statements: tally.statements,
        raised: out.alertsRaised,
        marginCalls: out.facilities.filter((f) => f.status === FacilityStatus.MARGIN_CALL).length,
        alerts: await count("alert"),
        reviews: await count("post_loan_review"),
        valuations: await count("facility_valuation"),
        facilityEvents: events.length,
      };
    };
    const small = await batch(4);
    const large = await batch(12);
    expect(small).toMatchObject({ raised: 4, marginCalls: 4, alerts: 4, reviews: 4, valuations: 4, facilityEvents: 4 });
    expect(large).toMatchObject({
      raised: 12,
      marginCalls: 12,
      alerts: 12,
      reviews: 12,
      valuations: 12,
      facilityEvents: 12,
    });
    // Eight more facilities, no more statements: the facilities' versioned UPDATE is one for the batch.
    expect(large.statements).toBe(small.statements);
  });
});

describe.each(ENGINES)("processMaturities on $name (service tier)", (engine) => {
  let db: TestDatabase;
  let svc: ReturnType<typeof services>;
  const ids: Record<string, { clientId: number; facilityId: number | null }> = {};

  const scenario = async (
    name: string,
    o: { validUntil?: Date; facility?: Partial<CreditFacilityEntity> | null; olderExpired?: boolean } = {},
  ) => {
    const client = await clientWith(db.ds, { validUntil: o.validUntil });
    if (o.olderExpired) {
      await buildAssessment(db.ds, client, {
        assessedAt: new Date("2024-10-01T02:00:00.000Z"),
        validUntil: new Date("2026-10-01T02:00:00.000Z"),
        createdAt: new Date("2024-10-01T02:00:00.000Z"),
      });
    }
    let facilityId: number | null = null;
    if (o.facility !== null) {
      const product = await plainProduct(db.ds);
      facilityId = (await buildFacility(db.ds, client, product, { maturityDate: "2027-02-28", ...o.facility })).id;
    }
    ids[name] = { clientId: client.id, facilityId };
  };
  const alertsBy = (name: string) => clientAlerts(db.ds, ids[name].clientId);
  const statusOf = async (name: string) => (await facilityRow(db.ds, ids[name].facilityId!)).status;

  beforeAll(async () => {
    db = await engine.create();
    await defaultSegments(db.ds);
    svc = services(db.ds);
    await scenario("maturedWithDebt", { facility: { maturityDate: "2026-11-20" } });
    await scenario("maturedMarginCall", {
      facility: { status: FacilityStatus.MARGIN_CALL, maturityDate: "2026-11-26", ...ratio(1_000_000, 1_200_000) },
    });
    await scenario("maturedDebtFree", { facility: { maturityDate: "2026-11-27", ...nothingBorrowed() } });
    await scenario("maturingSoon", { facility: { maturityDate: "2026-12-10" } });
    await scenario("maturingLater", { facility: { maturityDate: "2026-12-12" } });
    await scenario("expiringOpen", { validUntil: new Date("2026-12-17T02:00:00.000Z") });
    await scenario("expiringLater", { validUntil: new Date("2027-01-15T02:00:00.000Z") });
    await scenario("expiredOpen", { validUntil: EXPIRED });
    await scenario("expiredOldOnly", { olderExpired: true });
    await scenario("expiredClosed", { validUntil: EXPIRED, facility: { status: FacilityStatus.CLOSED } });
    await scenario("expiredNoFacility", { validUntil: EXPIRED, facility: null });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("SPEC §5 processMaturities: matured with debt → LIQUIDATING + CRITICAL MATURITY_DUE; without → CLOSED; within 14 days INFO", async () => {
    expect(await svc.monitoring.processMaturities(LI, "2026-11-27")).toBeGreaterThan(0);
    for (const name of ["maturedWithDebt", "maturedMarginCall"]) {
      expect([name, await statusOf(name), await alertsBy(name)]).toEqual([
        name,
        FacilityStatus.LIQUIDATING,
        ["MATURITY_DUE CRITICAL"],
      ]);
    }
    expect(await statusOf("maturedDebtFree")).toBe(FacilityStatus.CLOSED);
    expect(await alertsBy("maturedDebtFree")).toEqual([]);
    expect(await statusOf("maturingSoon")).toBe(FacilityStatus.ACTIVE);
    expect(await alertsBy("maturingSoon")).toEqual(["MATURITY_DUE INFO"]);
    expect(await alertsBy("maturingLater")).toEqual([]);
  });

  it("SPEC §5 processMaturities: expiring within 30 days → ASSESSMENT_EXPIRING; expired → ASSESSMENT_EXPIRED + review; only with an open facility", async () => {
    expect(await alertsBy("expiringOpen")).toEqual(["ASSESSMENT_EXPIRING INFO"]);
    expect(await alertsBy("expiringLater")).toEqual([]);
    expect(await alertsBy("expiredOpen")).toEqual(["ASSESSMENT_EXPIRED WARNING"]);
    expect(await reviewsOf(db.ds, ids.expiredOpen.facilityId!)).toEqual([
      expect.objectContaining({
        trigger: ReviewTrigger.ASSESSMENT_EXPIRY,
        status: ReviewStatus.SCHEDULED,
        dueDate: "2026-11-27",
      }),
    ]);
    expect(await alertsBy("expiredOldOnly")).toEqual([]);
    expect(await alertsBy("expiredClosed")).toEqual([]);
    expect(await reviewsOf(db.ds, ids.expiredClosed.facilityId!)).toEqual([]);
    expect(await alertsBy("expiredNoFacility")).toEqual([]);
  });

  it("SPEC §5 processMaturities: idempotent — a second run returns 0 and writes nothing", async () => {
    const before = await footprint(db.ds);
    expect(await svc.monitoring.processMaturities(LI, "2026-11-27")).toBe(0);
    expect(await footprint(db.ds)).toEqual(before);
  });

  it("SPEC §5 processMaturities: at maturity the CRITICAL MATURITY_DUE comes even while the INFO reminder is open", async () => {
    svc.clock.set(new Date("2026-12-10T08:00:00.000Z"));
    await svc.monitoring.processMaturities(LI, "2026-12-10");
    expect(await statusOf("maturingSoon")).toBe(FacilityStatus.LIQUIDATING);
    const open = (await alertsOf(db.ds, ids.maturingSoon.facilityId!)).filter(
      (a) => a.kind === "MATURITY_DUE" && a.resolvedAt === null,
    );
    expect(open.map((a) => a.severity)).toContain("CRITICAL");
    expect(await alertsBy("maturingLater")).toEqual(["MATURITY_DUE INFO"]);
  });
});

describe.each(ENGINES)("scheduleReviews on $name (service tier)", (engine) => {
  let db: TestDatabase;
  let svc: ReturnType<typeof services>;
  const ids: Record<string, number> = {};
  const AVG = { A: "12000000.00", B: "3200000.00", C: "800000.00", none: "400000.00" } as const;
  const completed = (trigger: ReviewTrigger, at: string) => ({
    trigger,
    status: ReviewStatus.COMPLETED,
    outcome: ReviewOutcome.MAINTAIN,
    startedAt: new Date(`${at}T03:00:00.000Z`),
    completedAt: new Date(`${at}T06:00:00.000Z`),
    dueDate: at,
  });
  const DUE = ["A30", "B90", "none90", "lastReviewLongAgo", "suspended", "marginCall", "openOtherReview"];

  const scenario = async (
    name: string,
    segment: keyof typeof AVG,
    facility: Partial<CreditFacilityEntity>,
    reviews: Parameters<typeof buildReview>[2][] = [],
  ) => {
    const client = await clientWith(db.ds, { avg: AVG[segment] });
    const f = await buildFacility(db.ds, client, await plainProduct(db.ds), facility);
    for (const r of reviews) await buildReview(db.ds, f, r);
    ids[name] = f.id;
  };

  beforeAll(async () => {
    db = await engine.create();
    await defaultSegments(db.ds);
    svc = services(db.ds);
    const since = { startDate: "2026-01-05" };
    await scenario("A30", "A", { startDate: "2026-10-28" });
    await scenario("A29", "A", { startDate: "2026-10-29" });
    await scenario("B90", "B", { startDate: "2026-08-29" });
    await scenario("B89", "B", { startDate: "2026-08-30" });
    await scenario("none90", "none", { startDate: "2026-08-29" });
    await scenario("C90", "C", { startDate: "2026-08-29" });
    await scenario("lastReviewRecent", "B", since, [completed(ReviewTrigger.PERIODIC, "2026-10-01")]);
    await scenario("lastReviewLongAgo", "B", since, [
      completed(ReviewTrigger.PERIODIC, "2026-08-01"),
      completed(ReviewTrigger.MANUAL, "2026-11-01"),
    ]);
    await scenario("openPeriodic", "B", since, [
      { trigger: ReviewTrigger.PERIODIC, status: ReviewStatus.SCHEDULED, dueDate: "2026-11-20" },
    ]);
    await scenario("openOtherReview", "B", since, [
      { trigger: ReviewTrigger.MARGIN_CALL, status: ReviewStatus.IN_PROGRESS, dueDate: "2026-11-30" },
    ]);
    await scenario("suspended", "B", { ...since, status: FacilityStatus.SUSPENDED });
    await scenario("marginCall", "B", { ...since, status: FacilityStatus.MARGIN_CALL });
    await scenario("liquidating", "B", { ...since, status: FacilityStatus.LIQUIDATING });
    await scenario("closed", "B", { ...since, status: FacilityStatus.CLOSED });
    await scenario("pendingSignature", "B", pendingSignature());
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("SPEC §5 scheduleReviews: a PERIODIC review due asOf for each facility in force past its segment's interval (no segment: 90)", async () => {
    expect(await svc.monitoring.scheduleReviews(LI, "2026-11-27")).toBe(DUE.length);
    const scheduled: string[] = [];
    for (const [name, id] of Object.entries(ids)) {
      const fresh = (await reviewsOf(db.ds, id)).filter(
        (r) =>
          r.trigger === ReviewTrigger.PERIODIC && r.status === ReviewStatus.SCHEDULED && r.dueDate === "2026-11-27",
      );
      expect(fresh.length).toBeLessThanOrEqual(1);
      if (fresh.length > 0) scheduled.push(name);
    }
    expect(scheduled.sort()).toEqual([...DUE].sort());
  });

  it("SPEC §5 scheduleReviews: idempotent — a second run creates nothing", async () => {
    const before = await footprint(db.ds);
    expect(await svc.monitoring.scheduleReviews(LI, "2026-11-27")).toBe(0);
    expect(await footprint(db.ds)).toEqual(before);
  });
});
