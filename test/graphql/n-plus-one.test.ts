import { AlertKind, ReviewTrigger, Role } from "../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../support/engines";
import {
  buildAlert,
  buildAssessment,
  buildClient,
  buildFacility,
  buildPortrait,
  buildProduct,
  buildReview,
  buildSegment,
} from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

const REVIEW_TRIGGERS = [
  ReviewTrigger.PERIODIC,
  ReviewTrigger.MANUAL,
  ReviewTrigger.MARGIN_CALL,
  ReviewTrigger.MATURITY,
];
const ALERT_KINDS = [AlertKind.MAINTENANCE_WARNING, AlertKind.MARGIN_CALL];

const PAGE = `query($first: Int!) {
  clients(first: $first) {
    nodes {
      clientNo
      riskAssessment { riskLevel expired }
      portrait { avgDailyAssets20d creditRating }
      facilities { status product { code segments { code } } }
      reviews(first: 3) { totalCount nodes { status dueDate } }
      alerts(first: 3) { nodes { kind severity } }
    }
  }
}`;

describe.each(ENGINES)("no N+1 on $name", (engine) => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await engine.create();
    const { ds } = db;
    const segment = await buildSegment(ds, { code: "B" });
    const products = [await buildProduct(ds, {}, [segment]), await buildProduct(ds)];
    for (let i = 0; i < 110; i += 1) {
      const client = await buildClient(ds, { branch: i % 2 === 0 ? "SH-PUDONG" : "BJ-XICHENG" });
      await buildAssessment(ds, client);
      await buildPortrait(ds, client);
      const facility = await buildFacility(ds, client, products[i % 2]);
      // One open review of a trigger and one open alert of a kind per facility (SPEC §10).
      for (let r = 0; r < 1 + (i % 4); r += 1) await buildReview(ds, facility, { trigger: REVIEW_TRIGGERS[r] });
      for (let a = 0; a < i % 3; a += 1) await buildAlert(ds, facility, { kind: ALERT_KINDS[a] });
    }
    server = await startTestServer(ds);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("runs the same number of SQL statements for a page of 10 and of 100 clients", async () => {
    const token = await server.token(Role.RISK_OFFICER);
    const ten = await server.gql<{ clients: { nodes: unknown[] } }>(token, PAGE, { first: 10 });
    const tenStatements = server.lastStatements();
    const hundred = await server.gql<{ clients: { nodes: unknown[] } }>(token, PAGE, { first: 100 });
    const hundredStatements = server.lastStatements();

    expect(ten.body.errors).toBeUndefined();
    expect(hundred.body.errors).toBeUndefined();
    expect(ten.body.data!.clients.nodes).toHaveLength(10);
    expect(hundred.body.data!.clients.nodes).toHaveLength(100);
    // clients (with their portraits), assessments, facilities, products, product segments, segments,
    // reviews, review counts, alerts: one statement each, whatever the page size.
    expect(tenStatements).toBe(9);
    expect(hundredStatements).toBe(tenStatements);
  });

  it("matching loads segments and products once per request: segment and productFits cost the same for 10 and 100 clients", async () => {
    const FITS = `query($first: Int!) { clients(first: $first) { nodes { clientNo
      segment { segment { code } matched reasons { code passed } }
      productFits(first: 3) { product { code } eligible recommendedLimit blockers { code } } } } }`;
    const token = await server.token(Role.ANALYST);
    const ten = await server.gql<{ clients: { nodes: { segment: unknown }[] } }>(token, FITS, { first: 10 });
    const tenStatements = server.lastStatements();
    const hundred = await server.gql<{ clients: { nodes: { segment: unknown }[] } }>(token, FITS, { first: 100 });
    expect(ten.body.errors).toBeUndefined();
    expect(hundred.body.data!.clients.nodes.filter((n) => n.segment !== null)).toHaveLength(100);
    // clients (with portraits and assessment validity), facilities, segments, products with their
    // segment links
    expect(tenStatements).toBe(4);
    expect(server.lastStatements()).toBe(tenStatements);
  });

  it("serves the benchmark's page (portrait, segment, 3 product fits, 3 reviews) in 5 statements for 10 and 100 clients", async () => {
    const BENCH_PAGE = `query($first: Int!) { clients(first: $first) {
      pageInfo { hasNextPage endCursor }
      nodes { id clientNo name portrait { asOf avgDailyAssets20d creditScore creditRating riskLevel horizon }
        segment { matched score segment { code name } }
        productFits(first: 3) { eligible score recommendedLimit product { code name } blockers { code } }
        reviews(first: 3) { pageInfo { hasNextPage } nodes { id trigger status dueDate } } } } }`;
    const token = await server.token(Role.ANALYST);
    const counts: number[] = [];
    for (const first of [10, 100]) {
      const res = await server.gql<{ clients: { nodes: { productFits: unknown[] }[] } }>(token, BENCH_PAGE, { first });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.clients.nodes).toHaveLength(first);
      expect(res.body.data!.clients.nodes.every((n) => n.productFits.length === 2)).toBe(true);
      counts.push(server.lastStatements());
    }
    // clients (with portraits and assessment validity), segments, products with their segment links,
    // facilities (for open limits), reviews
    expect(counts).toEqual([5, 5]);
  });

  it("serves one client's full fit by clientNo in 4 statements (client with portrait, facilities, segments, products)", async () => {
    const FIT = `query($no: String!) { client(clientNo: $no) { clientNo
      segment { matched score segment { code } reasons { code passed message required actual } }
      segmentFits { matched segment { code } }
      productFits(first: 500) { eligible score recommendedLimit product { code } blockers { code } reasons { code } } } }`;
    const token = await server.token(Role.ANALYST);
    const list = await server.gql<{ clients: { nodes: { clientNo: string }[] } }>(token, PAGE, { first: 1 });
    const res = await server.gql<{ client: { segment: unknown; productFits: unknown[] } }>(token, FIT, {
      no: list.body.data!.clients.nodes[0].clientNo,
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.client.segment).not.toBeNull();
    expect(res.body.data!.client.productFits).toHaveLength(2);
    expect(server.lastStatements()).toBe(4);
  });

  it("reads back portraits, asset snapshots and trades with their totals in 8 statements for 10 and 100 clients (SPEC §14: one of them the access trail's INSERT)", async () => {
    const READ_BACK = `query($first: Int!) { clients(first: $first) { nodes { clientNo annualIncome financialAssets
      portraits(first: 3) { totalCount nodes { asOf creditScore annualIncome } }
      assetSnapshots(first: 3) { totalCount nodes { date totalAssets } }
      trades(first: 3) { totalCount pageInfo { hasNextPage } nodes { tradeDate amount } } } } }`;
    const token = await server.token(Role.COMPLIANCE);
    const counts: number[] = [];
    for (const first of [10, 100]) {
      const res = await server.gql<{ clients: { nodes: { portraits: { totalCount: number } }[] } }>(token, READ_BACK, {
        first,
      });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.clients.nodes).toHaveLength(first);
      expect(res.body.data!.clients.nodes.every((n) => n.portraits.totalCount === 1)).toBe(true);
      counts.push(server.lastStatements());
    }
    // clients (with portraits), then a page and a count for each of portraits, snapshots and trades,
    // and COMPLIANCE read declared income and assets in clear: one INSERT of the access trail for the
    // whole page (10 or 100 records), not one per client or field
    expect(counts).toEqual([8, 8]);
  });

  it("keeps the count constant for a branch-scoped relationship manager too", async () => {
    const token = await server.token(Role.RELATIONSHIP_MANAGER, { branch: "SH-PUDONG" });
    await server.gql(token, PAGE, { first: 10 });
    const ten = server.lastStatements();
    const res = await server.gql<{ clients: { nodes: unknown[] } }>(token, PAGE, { first: 50 });
    expect(res.body.data!.clients.nodes).toHaveLength(50);
    expect(server.lastStatements()).toBe(ten);
  });
});
