import Decimal from "decimal.js";
import { CreditRating, FacilityStatus } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import type { ClientEntity, ProductEntity } from "../../src/entities";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildFacility, buildProduct } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import {
  alertsOf,
  auditRows,
  clientWith,
  defaultSegments,
  DISCLOSURE,
  footprint,
  mutate,
  people,
  readFacility,
  reviewsOf,
  type Facility,
} from "./helpers";

/**
 * One client's facility from application to exit, as the apps drive it over GraphQL (SPEC §5):
 * apply → two committee approvals → sign → valuations → margin call and its review → back above
 * the warning line → extension → maturity with debt → liquidation repaid → close. The steps run in
 * order and share the facility.
 */
describe.each(ENGINES)("the facility journey over GraphQL on $name (SPEC §5)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let t: Awaited<ReturnType<typeof people>>;
  let client: ClientEntity;
  let product: ProductEntity;
  let clientId: string;
  let facilityId: string;
  let reviewId: string;
  let debtFreeId: string;

  /** The facility now, and the version it must have reached. */
  const expectFacility = async (version: number, o: Partial<Facility>) => {
    const f = await readFacility(server, t.viewer, facilityId);
    expect(f).toMatchObject({ ...o, version });
    return f;
  };

  beforeAll(async () => {
    db = await engine.create();
    const { A } = await defaultSegments(db.ds);
    product = await buildProduct(
      db.ds,
      { code: "MRG-A", maxLimit: new Decimal(5_000_000), termDays: 180, maxExtensions: 1 },
      [A],
    );
    // 12,000,000 average assets: segment A, COMMITTEE; AA → floor10000(12,000,000 × 1.5) capped at 5,000,000
    client = await clientWith(db.ds, { avg: "12000000.00", rating: CreditRating.AA });
    clientId = toGlobalId("Client", client.id);
    // Friday 27 November 2026
    server = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"));
    t = await people(server);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("applyForFacility: an eligible COMMITTEE client waits for approval at min(requested, recommended)", async () => {
    const p = await mutate(server, t.rm, "applyForFacility", {
      clientId,
      productId: toGlobalId("Product", product.id),
      requestedLimit: "6000000",
    });
    expect(p.userErrors).toEqual([]);
    expect(p.facility).toMatchObject({
      status: "PENDING_APPROVAL",
      requestedLimit: "6000000.00",
      approvedLimit: "5000000.00",
      usedAmount: "0.00",
      maintenanceRatio: null,
      startDate: null,
      approvedBy: null,
      version: 1,
    });
    facilityId = p.facility!.id;
  });

  it("COMMITTEE needs two different officers (SPEC §5 four eyes)", async () => {
    const first = await mutate(server, t.li, "approveFacility", {
      facilityId,
      approve: true,
      approvedLimit: "3000000",
      expectedVersion: 1,
    });
    expect(first.userErrors).toEqual([]);
    expect(first.facility).toMatchObject({ status: "PENDING_APPROVAL", approvedBy: null, version: 2 });

    // the same officer again: INVALID, nothing advanced
    let before = await footprint(db.ds);
    const again = await mutate(server, t.li, "approveFacility", {
      facilityId,
      approve: true,
      approvedLimit: "3000000",
      expectedVersion: 2,
    });
    expect(again.userErrors.map((e) => e.code)).toEqual(["INVALID"]);
    expect(await footprint(db.ds)).toEqual(before);
    await expectFacility(2, { status: "PENDING_APPROVAL" });

    // a second officer on a stale version: CONFLICT, nothing written
    before = await footprint(db.ds);
    const stale = await mutate(server, t.wang, "approveFacility", {
      facilityId,
      approve: true,
      approvedLimit: "3000000",
      expectedVersion: 1,
    });
    expect(stale.userErrors.map((e) => e.code)).toEqual(["CONFLICT"]);
    expect(await footprint(db.ds)).toEqual(before);

    const second = await mutate(server, t.wang, "approveFacility", {
      facilityId,
      approve: true,
      approvedLimit: "3000000",
      expectedVersion: 2,
    });
    expect(second.userErrors).toEqual([]);
    expect(second.facility).toMatchObject({
      status: "PENDING_SIGNATURE",
      approvedLimit: "3000000.00",
      approvedBy: "ro-wang",
      version: 3,
    });
  });

  it("signFacility needs the current disclosure acknowledged, then starts today for termDays (SPEC §5)", async () => {
    const before = await footprint(db.ds);
    for (const [input, code] of [
      [{ disclosureVersion: "2025-06", acknowledged: true, expectedVersion: 3 }, "INVALID"],
      [{ disclosureVersion: DISCLOSURE, acknowledged: false, expectedVersion: 3 }, "INVALID"],
      [{ disclosureVersion: DISCLOSURE, acknowledged: true, expectedVersion: 2 }, "CONFLICT"],
    ] as const) {
      const refused = await mutate(server, t.rm, "signFacility", { facilityId, ...input });
      expect(refused.userErrors.map((e) => e.code)).toEqual([code]);
    }
    expect(await footprint(db.ds)).toEqual(before);
    await expectFacility(3, { status: "PENDING_SIGNATURE", disclosureVersion: null });

    const signed = await mutate(server, t.rm, "signFacility", {
      facilityId,
      disclosureVersion: DISCLOSURE,
      acknowledged: true,
      expectedVersion: 3,
    });
    expect(signed.userErrors).toEqual([]);
    expect(signed.facility).toMatchObject({
      status: "ACTIVE",
      startDate: "2026-11-27",
      maturityDate: "2027-05-26",
      disclosureVersion: DISCLOSURE,
      disclosureAcknowledgedAt: "2026-11-27T08:00:00.000Z",
      version: 4,
    });
  });

  it("a valuation above every line keeps the facility ACTIVE and raises nothing", async () => {
    const p = await mutate(server, t.li, "recordFacilityValuations", {
      valuations: [{ facilityId, asOf: "2026-11-26", usedAmount: "1000000", collateralValue: "1800000" }],
    });
    expect(p.userErrors).toEqual([]);
    expect(p.alertsRaised).toBe(0);
    expect(p.facilities).toEqual([
      expect.objectContaining({
        id: facilityId,
        status: "ACTIVE",
        usedAmount: "1000000.00",
        collateralValue: "1800000.00",
        maintenanceRatio: "1.8000",
        version: 5,
      }),
    ]);
    expect(await alertsOf(server, t.viewer, clientId)).toEqual([]);
  });

  it("below marginCallLine on a Friday: MARGIN_CALL, a WARNING alert due Tuesday and a MARGIN_CALL review due then", async () => {
    // 1,299,999.99 ÷ 1,000,000 = 1.29999999: rounded down to 1.2999 (half-up would say 1.3000)
    const p = await mutate(server, t.li, "recordFacilityValuations", {
      valuations: [{ facilityId, asOf: "2026-11-27", usedAmount: "1000000", collateralValue: "1299999.99" }],
    });
    expect(p.userErrors).toEqual([]);
    expect(p.alertsRaised).toBe(1);
    expect(p.facilities[0]).toMatchObject({ status: "MARGIN_CALL", maintenanceRatio: "1.2999", version: 6 });

    const alerts = await alertsOf(server, t.viewer, clientId);
    expect(alerts).toEqual([
      expect.objectContaining({
        kind: "MARGIN_CALL",
        severity: "WARNING",
        // Friday + 2 weekdays skips the weekend: Tuesday 1 December
        deadline: "2026-12-01",
        resolvedAt: null,
        facility: { id: facilityId },
      }),
    ]);
    const reviews = await reviewsOf(server, t.viewer, facilityId);
    expect(reviews).toEqual([
      expect.objectContaining({ trigger: "MARGIN_CALL", status: "SCHEDULED", dueDate: "2026-12-01", version: 1 }),
    ]);
    reviewId = reviews[0].id;
  });

  it("startReview: the viewer becomes assignee, the snapshot is captured and MARGIN_CALL recommended", async () => {
    const p = await mutate(server, t.li, "startReview", { reviewId, expectedVersion: 1 });
    expect(p.userErrors).toEqual([]);
    expect(p.review).toMatchObject({
      status: "IN_PROGRESS",
      assignee: "ro-li",
      startedAt: "2026-11-27T08:00:00.000Z",
      recommendation: "MARGIN_CALL",
      version: 2,
      snapshot: expect.objectContaining({
        maintenanceRatio: "1.2999",
        usedAmount: "1000000.00",
        approvedLimit: "3000000.00",
        creditRating: "AA",
        riskLevel: "C4",
        assessmentExpired: false,
        daysToMaturity: 180,
        recommendedLimit: "5000000.00",
      }),
    });
  });

  it("completeReview MAINTAIN: a stale expectedVersion is CONFLICT; then COMPLETED with no effect on the facility", async () => {
    const before = await footprint(db.ds);
    const stale = await mutate(server, t.li, "completeReview", {
      reviewId,
      outcome: "MAINTAIN",
      expectedVersion: 1,
    });
    expect(stale.userErrors.map((e) => e.code)).toEqual(["CONFLICT"]);
    expect(await footprint(db.ds)).toEqual(before);

    const done = await mutate(server, t.li, "completeReview", {
      reviewId,
      outcome: "MAINTAIN",
      notes: "client promised a top-up",
      expectedVersion: 2,
    });
    expect(done.userErrors).toEqual([]);
    expect(done.review).toMatchObject({
      status: "COMPLETED",
      outcome: "MAINTAIN",
      completedAt: "2026-11-27T08:00:00.000Z",
      version: 3,
    });
    const f = await readFacility(server, t.viewer, facilityId);
    expect(f).toMatchObject({ status: "MARGIN_CALL", approvedLimit: "3000000.00", usedAmount: "1000000.00" });
  });

  it("back at warningLine exactly: ACTIVE again and the margin-call alert resolved by system", async () => {
    server.clock.set(new Date("2026-11-30T08:00:00.000Z"));
    const p = await mutate(server, t.li, "recordFacilityValuations", {
      valuations: [{ facilityId, asOf: "2026-11-30", usedAmount: "1000000", collateralValue: "1500000" }],
    });
    expect(p.userErrors).toEqual([]);
    expect(p.alertsRaised).toBe(0);
    expect(p.facilities[0]).toMatchObject({ status: "ACTIVE", maintenanceRatio: "1.5000", version: 7 });
    expect(await alertsOf(server, t.viewer, clientId)).toEqual([
      expect.objectContaining({
        kind: "MARGIN_CALL",
        resolvedBy: "system",
        resolvedAt: "2026-11-30T08:00:00.000Z",
      }),
    ]);
  });

  it("extendFacility moves maturity by termDays once; a stale version is CONFLICT, past maxExtensions INVALID_TRANSITION", async () => {
    let before = await footprint(db.ds);
    const stale = await mutate(server, t.rm, "extendFacility", { facilityId, expectedVersion: 6 });
    expect(stale.userErrors.map((e) => e.code)).toEqual(["CONFLICT"]);
    expect(await footprint(db.ds)).toEqual(before);

    const p = await mutate(server, t.rm, "extendFacility", { facilityId, expectedVersion: 7 });
    expect(p.userErrors).toEqual([]);
    expect(p.facility).toMatchObject({
      status: "ACTIVE",
      maturityDate: "2027-11-22",
      extensionsUsed: 1,
      version: 8,
    });

    before = await footprint(db.ds);
    const past = await mutate(server, t.rm, "extendFacility", { facilityId, expectedVersion: 8 });
    expect(past.userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]);
    expect(await footprint(db.ds)).toEqual(before);
  });

  it("processMaturities at maturity: with debt LIQUIDATING and a CRITICAL MATURITY_DUE, without debt CLOSED; idempotent", async () => {
    const other = await buildProduct(db.ds, { code: "MRG-B", termDays: 180 });
    const debtFree = await buildFacility(db.ds, client, other, {
      status: FacilityStatus.ACTIVE,
      approvedLimit: new Decimal(1_000_000),
      usedAmount: new Decimal(0),
      collateralValue: new Decimal(0),
      maintenanceRatio: null,
      startDate: "2027-05-26",
      maturityDate: "2027-11-22",
      version: 3,
    });
    debtFreeId = toGlobalId("CreditFacility", debtFree.id);

    server.clock.set(new Date("2027-11-22T08:00:00.000Z"));
    const run = await mutate(server, t.li, "processMaturities", { asOf: "2027-11-22" });
    expect(run.userErrors).toEqual([]);
    expect(run.count).toBeGreaterThanOrEqual(2);

    await expectFacility(9, { status: "LIQUIDATING", usedAmount: "1000000.00" });
    expect(await readFacility(server, t.viewer, debtFreeId)).toMatchObject({ status: "CLOSED", version: 4 });
    const due = (await alertsOf(server, t.viewer, clientId)).filter((a) => a.kind === "MATURITY_DUE");
    expect(due).toEqual([
      expect.objectContaining({ severity: "CRITICAL", resolvedAt: null, facility: { id: facilityId } }),
    ]);

    const before = await footprint(db.ds);
    const second = await mutate(server, t.li, "processMaturities", { asOf: "2027-11-22" });
    expect(second).toEqual({ count: 0, userErrors: [] });
    expect(await footprint(db.ds)).toEqual(before);
  });

  it("the exit: closeFacility is INVALID while something is borrowed, CLOSED once the liquidation repaid the debt", async () => {
    const before = await footprint(db.ds);
    const owing = await mutate(server, t.rm, "closeFacility", { facilityId, expectedVersion: 9 });
    expect(owing.userErrors.map((e) => e.code)).toEqual(["INVALID"]);
    expect(await footprint(db.ds)).toEqual(before);

    const repaid = await mutate(server, t.li, "recordFacilityValuations", {
      valuations: [{ facilityId, asOf: "2027-11-22", usedAmount: "0", collateralValue: "250000" }],
    });
    expect(repaid.userErrors).toEqual([]);
    expect(repaid.facilities[0]).toMatchObject({
      status: "LIQUIDATING",
      usedAmount: "0.00",
      maintenanceRatio: null,
      version: 10,
    });

    const closed = await mutate(server, t.rm, "closeFacility", { facilityId, expectedVersion: 10 });
    expect(closed.userErrors).toEqual([]);
    expect(closed.facility).toMatchObject({ status: "CLOSED", version: 11 });

    const twice = await mutate(server, t.rm, "closeFacility", { facilityId, expectedVersion: 11 });
    expect(twice.userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]);
  });

  it("every write of the journey is audited in order with the token's subject as actor, personal data masked", async () => {
    const journey: [string, string][] = [
      ["applyForFacility", "rm-zhang"],
      ["approveFacility", "ro-li"],
      ["approveFacility", "ro-wang"],
      ["signFacility", "rm-zhang"],
      ["recordFacilityValuations", "ro-li"],
      ["recordFacilityValuations", "ro-li"],
      ["startReview", "ro-li"],
      ["completeReview", "ro-li"],
      ["recordFacilityValuations", "ro-li"],
      ["extendFacility", "rm-zhang"],
      ["processMaturities", "ro-li"],
      ["recordFacilityValuations", "ro-li"],
      ["closeFacility", "rm-zhang"],
    ];
    type Page = {
      auditLog: {
        totalCount: number;
        nodes: { actor: string; action: string; entityType: string; entityId: string }[];
      };
    };
    const AUDIT = `query($filter: AuditFilter) { auditLog(first: 500, filter: $filter) {
      totalCount nodes { actor action entityType entityId changes at } } }`;

    const all = await server.gql<Page>(t.compliance, AUDIT, {});
    expect(all.body.errors).toBeUndefined();
    const seen = all.body.data!.auditLog.nodes.map((n) => [n.action, n.actor] as [string, string]);
    // the journey's actions appear in this order (some may write one entry per facility)
    let at = 0;
    for (const step of seen)
      if (at < journey.length && step[0] === journey[at][0] && step[1] === journey[at][1]) at += 1;
    expect(journey.slice(at)).toEqual([]);
    // refusals wrote nothing: only the actions above are in the trail
    expect(new Set(seen.map((s) => s[0]))).toEqual(new Set(journey.map((s) => s[0])));
    expect(new Set(seen.map((s) => s[1]))).toEqual(new Set(["rm-zhang", "ro-li", "ro-wang"]));
    for (const row of await auditRows(db.ds)) {
      expect(row.changes ?? "").not.toContain("王小明");
      expect(row.changes ?? "").not.toContain(client.idNumber);
    }

    const byFacility = await server.gql<Page>(t.compliance, AUDIT, { filter: { entityId: facilityId } });
    const facilityActions = byFacility.body.data!.auditLog.nodes.map((n) => n.action);
    expect(byFacility.body.data!.auditLog.nodes.every((n) => n.entityId === facilityId)).toBe(true);
    expect(facilityActions.filter((a) => a !== "recordFacilityValuations" && a !== "processMaturities")).toEqual([
      "applyForFacility",
      "approveFacility",
      "approveFacility",
      "signFacility",
      "extendFacility",
      "closeFacility",
    ]);

    const byActor = await server.gql<Page>(t.admin, AUDIT, { filter: { actor: "ro-wang" } });
    expect(byActor.body.data!.auditLog.nodes).toEqual([
      expect.objectContaining({ action: "approveFacility", actor: "ro-wang", entityId: facilityId }),
    ]);
    const byAction = await server.gql<Page>(t.compliance, AUDIT, { filter: { action: "completeReview" } });
    expect(byAction.body.data!.auditLog.nodes).toEqual([
      expect.objectContaining({ actor: "ro-li", entityType: "PostLoanReview", entityId: reviewId }),
    ]);
  });

  it("auditLog pages by keyset: first/after walk the same entries as one page, in the same order", async () => {
    type Page = {
      auditLog: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    };
    const PAGE = `query($after: String) { auditLog(first: 4, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
    const all = await server.gql<{ auditLog: { nodes: { id: string }[] } }>(
      t.compliance,
      `{ auditLog(first: 500) { nodes { id } } }`,
    );
    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i += 1) {
      const res: Awaited<ReturnType<typeof server.gql<Page>>> = await server.gql<Page>(t.compliance, PAGE, { after });
      walked.push(...res.body.data!.auditLog.nodes.map((n) => n.id));
      if (!res.body.data!.auditLog.pageInfo.hasNextPage) break;
      after = res.body.data!.auditLog.pageInfo.endCursor;
    }
    expect(walked).toEqual(all.body.data!.auditLog.nodes.map((n) => n.id));
    expect(walked.length).toBeGreaterThan(4);
  });

  it("auditLog is for COMPLIANCE and ADMIN only (SPEC §6)", async () => {
    for (const token of [t.li, t.rm, t.analyst, t.viewer]) {
      const res = await server.gql(token, `{ auditLog(first: 5) { nodes { action } } }`);
      expect(res.body.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
  });
});
