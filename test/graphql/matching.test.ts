import Decimal from "decimal.js";
import {
  ApprovalTier,
  ClientType,
  CreditRating,
  FacilityStatus,
  InvestmentHorizon,
  InvestorCategory,
  ProductRiskLevel,
  RiskLevel,
  Role,
} from "../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../support/engines";
import {
  buildAssessment,
  buildClient,
  buildFacility,
  buildPortrait,
  buildProduct,
  buildSegment,
} from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

interface Reason {
  code: string;
  passed: boolean;
  required: string | null;
  actual: string | null;
  message: string;
}

describe.each(ENGINES)("matching over GraphQL on $name (SPEC §4)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let analyst: string;

  beforeAll(async () => {
    db = await engine.create();
    const { ds } = db;
    const A = await buildSegment(ds, {
      code: "A",
      priority: 10,
      minAvgDailyAssets: new Decimal(10_000_000),
      maxAvgDailyAssets: null,
      approvalTier: ApprovalTier.COMMITTEE,
    });
    const B = await buildSegment(ds, {
      code: "B",
      priority: 20,
      minAvgDailyAssets: new Decimal(1_000_000),
      maxAvgDailyAssets: new Decimal(10_000_000),
    });
    await buildSegment(ds, {
      code: "C",
      priority: 30,
      minAvgDailyAssets: new Decimal(500_000),
      maxAvgDailyAssets: new Decimal(1_000_000),
      approvalTier: ApprovalTier.AUTO,
    });
    const std = await buildProduct(
      ds,
      { code: "STD", riskLevel: ProductRiskLevel.R3, maxLimit: new Decimal(5_000_000) },
      [A, B],
    );
    await buildProduct(ds, { code: "HIGH", riskLevel: ProductRiskLevel.R5, maxLimit: new Decimal(50_000_000) }, [A]);
    const other = await buildProduct(ds, {
      code: "SML",
      riskLevel: ProductRiskLevel.R2,
      maxLimit: new Decimal(1_000_000),
      minLimit: new Decimal(50_000),
    });
    const amounts = ["3200000.00", "10000000.00", "999999.99", "400000.00", "1000000.00"];
    for (const [i, avg] of amounts.entries()) {
      const c = await buildClient(ds, { clientNo: `M00${i + 1}` });
      await buildAssessment(ds, c, { riskLevel: RiskLevel.C4 });
      await buildPortrait(ds, c, {
        avgDailyAssets20d: new Decimal(avg),
        riskLevel: RiskLevel.C4,
        horizon: InvestmentHorizon.MEDIUM,
        creditRating: CreditRating.A,
      });
      if (i === 0) {
        await buildFacility(ds, c, other, { status: FacilityStatus.ACTIVE, approvedLimit: new Decimal(800_000) });
        await buildFacility(ds, c, std, { status: FacilityStatus.CLOSED, approvedLimit: new Decimal(900_000) });
      }
    }
    await buildClient(ds, { clientNo: "M009" }); // no portrait: no segment, no fits
    server = await startTestServer(ds);
    analyst = await server.token(Role.ANALYST);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("places a client in its segment with one reason per criterion, required and actual", async () => {
    const res = await server.gql<{
      client: {
        segment: { segment: { code: string }; matched: boolean; score: number; reasons: Reason[] };
        segmentFits: { segment: { code: string }; matched: boolean; score: number; reasons: Reason[] }[];
      };
    }>(
      analyst,
      `{ client(clientNo: "M001") { segment { segment { code } matched score reasons { code passed required actual message } }
           segmentFits { segment { code } matched score reasons { code passed message } } } }`,
    );
    const c = res.body.data!.client;
    expect(c.segment.segment.code).toBe("B");
    expect(c.segment.matched).toBe(true);
    expect(c.segment.reasons.map((r) => [r.code, r.passed])).toEqual([
      ["MIN_ASSETS", true],
      ["MAX_ASSETS", true],
    ]);
    // matched first, then by priority; the gap to A is spelled out
    expect(c.segmentFits.map((f) => [f.segment.code, f.matched, f.score])).toEqual([
      ["B", true, 1],
      ["A", false, 0],
      ["C", false, 0.5],
    ]);
    expect(c.segmentFits[1].reasons[0].message).toContain("3,200,000.00");
    expect(c.segmentFits[1].reasons[0].message).toContain("10,000,000.00");
  });

  it("MIN is inclusive and MAX exclusive at the tier boundaries; below 500,000 there is no segment", async () => {
    const res = await server.gql<{
      clients: { nodes: { clientNo: string; segment: { segment: { code: string } } | null }[] };
    }>(analyst, `{ clients(first: 10) { nodes { clientNo segment { segment { code } } } } }`);
    const seg = Object.fromEntries(
      res.body.data!.clients.nodes.map((n) => [n.clientNo, n.segment?.segment.code ?? null]),
    );
    expect(seg).toEqual({ M001: "B", M002: "A", M003: "C", M004: null, M005: "B", M009: null });
  });

  it("reports all eleven product checks, with the limit formula net of open limits on other products", async () => {
    const res = await server.gql<{
      client: {
        productFits: {
          product: { code: string };
          eligible: boolean;
          score: number;
          recommendedLimit: string | null;
          blockers: Reason[];
          reasons: Reason[];
        }[];
      };
    }>(
      analyst,
      `{ client(clientNo: "M001") { productFits(first: 10) { product { code } eligible score recommendedLimit blockers { code } reasons { code passed } } } }`,
    );
    const fits = res.body.data!.client.productFits;
    expect(fits.map((f) => f.product.code)).toEqual(["STD", "SML", "HIGH"]);
    for (const f of fits) {
      expect(f.reasons.map((r) => r.code)).toEqual([
        "CLIENT_STATUS",
        "ASSESSMENT_VALID",
        "LOWEST_CATEGORY",
        "SUITABILITY",
        "MIN_ASSETS",
        "MIN_EXPERIENCE",
        "CREDIT_RATING",
        "CLIENT_TYPE",
        "INVESTOR_CATEGORY",
        "SEGMENT",
        "LIMIT_RANGE",
      ]);
    }
    // STD: floor10000(3,200,000 × 1.2) − 800,000 open on SML (the CLOSED one does not count) = 3,040,000
    expect(fits[0]).toMatchObject({ eligible: true, recommendedLimit: "3040000.00", blockers: [] });
    // SML: 3,840,000 − 0 (its own facility is excluded), capped at its max 1,000,000
    expect(fits[1]).toMatchObject({ eligible: true, recommendedLimit: "1000000.00" });
    // HIGH: R5 above C4, and segment A only
    expect(fits[2]).toMatchObject({ eligible: false, recommendedLimit: null, score: 0 });
    expect(fits[2].blockers.map((b) => b.code)).toEqual(["SUITABILITY", "SEGMENT"]);
  });

  it("simulateFit runs the same code on a portrait from the request and stores nothing", async () => {
    const before = await db.ds.query("SELECT COUNT(*) AS n FROM `portrait`");
    const res = await server.gql<{
      simulateFit: {
        segment: { segment: { code: string } };
        productFits: { product: { code: string }; eligible: boolean }[];
      };
    }>(
      analyst,
      `query($p: PortraitInput!) { simulateFit(input: $p) { segment { segment { code } } segmentFits { segment { code } } productFits { product { code } eligible } } }`,
      {
        p: {
          clientType: ClientType.INDIVIDUAL,
          investorCategory: InvestorCategory.ORDINARY,
          riskLevel: "C5",
          horizon: "LONG",
          avgDailyAssets20d: "12000000",
          experienceMonths: 60,
          creditRating: "AAA",
        },
      },
    );
    expect(res.body.data!.simulateFit.segment.segment.code).toBe("A");
    expect(
      res.body
        .data!.simulateFit.productFits.filter((f) => f.eligible)
        .map((f) => f.product.code)
        .sort(),
    ).toEqual(["HIGH", "SML", "STD"]);
    expect(await db.ds.query("SELECT COUNT(*) AS n FROM `portrait`")).toEqual(before);
  });

  it("members, stats and the segmentCode filter agree with the per-client segment, computed in the database", async () => {
    const res = await server.gql<{
      segment: { members: { totalCount: number; nodes: { clientNo: string }[] }; stats: Record<string, unknown> };
      clients: { nodes: { clientNo: string }[] };
    }>(
      analyst,
      `{ segment(code: "B") { members(first: 10) { totalCount nodes { clientNo } }
           stats { clientCount totalAvgDailyAssets meanAvgDailyAssets riskLevels { riskLevel count } creditRatings { creditRating count }
                   activeFacilityCount totalApprovedLimit totalUsedAmount } }
         clients(first: 10, filter: { segmentCode: "B" }) { nodes { clientNo } } }`,
    );
    const d = res.body.data!;
    expect(d.segment.members.nodes.map((n) => n.clientNo)).toEqual(["M001", "M005"]);
    expect(d.segment.members.totalCount).toBe(2);
    expect(d.clients.nodes.map((n) => n.clientNo)).toEqual(["M001", "M005"]);
    expect(d.segment.stats).toEqual({
      clientCount: 2,
      totalAvgDailyAssets: "4200000.00",
      meanAvgDailyAssets: "2100000.00",
      riskLevels: [{ riskLevel: "C4", count: 2 }],
      creditRatings: [{ creditRating: "A", count: 2 }],
      activeFacilityCount: 1,
      totalApprovedLimit: "800000.00",
      totalUsedAmount: "800000.00",
    });
  });

  it("forbids members and stats to a VIEWER (SPEC §6)", async () => {
    const res = await server.gql(
      await server.token(Role.VIEWER),
      `{ segment(code: "B") { code stats { clientCount } } }`,
    );
    expect(res.body.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("an ADMIN edit of a segment changes every client's fit on the next request; bad edits are refused", async () => {
    const admin = await server.token(Role.ADMIN, { sub: "admin-wu" });
    const UPSERT = `mutation($i: UpsertSegmentInput!) { upsertSegment(input: $i) { segment { code criteria { minAvgDailyAssets } } userErrors { field code } } }`;
    const bad = await server.gql<{ upsertSegment: { userErrors: { field: string[]; code: string }[] } }>(
      admin,
      UPSERT,
      {
        i: {
          code: "B",
          name: "Mid",
          priority: 20,
          criteria: { minAvgDailyAssets: "5000000", maxAvgDailyAssets: "1000000" },
          strategy: { approvalTier: "STANDARD", reviewIntervalDays: 90, advisoryService: false },
        },
      },
    );
    expect(bad.body.data!.upsertSegment.userErrors).toEqual([
      { field: ["input", "criteria", "maxAvgDailyAssets"], code: "INVALID" },
    ]);
    const ok = await server.gql<{ upsertSegment: { userErrors: unknown[] } }>(admin, UPSERT, {
      i: {
        code: "B",
        name: "Mid",
        priority: 20,
        criteria: { minAvgDailyAssets: "1000000", maxAvgDailyAssets: "3000000" },
        strategy: { approvalTier: "STANDARD", reviewIntervalDays: 90, advisoryService: false },
      },
    });
    expect(ok.body.data!.upsertSegment.userErrors).toEqual([]);
    const after = await server.gql<{ client: { segment: null | { segment: { code: string } } } }>(
      analyst,
      `{ client(clientNo: "M001") { segment { segment { code } } } }`,
    );
    expect(after.body.data!.client.segment).toBeNull();
    const refused = await server.gql(analyst, UPSERT, {
      i: {
        code: "B",
        name: "Mid",
        priority: 20,
        criteria: {},
        strategy: { approvalTier: "STANDARD", reviewIntervalDays: 90, advisoryService: false },
      },
    });
    expect(refused.body.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("refuses a product whose risk lines are not strictly ordered, and unknown segment codes", async () => {
    const admin = await server.token(Role.ADMIN);
    const res = await server.gql<{
      a: { userErrors: { field: string[] }[] };
      b: { userErrors: { field: string[] }[] };
    }>(
      admin,
      `mutation($e: ProductEligibilityInput!) {
         a: upsertProduct(input: { code: "X1", name: "X", kind: STANDARD_CREDIT, riskLevel: R2, horizon: SHORT, minLimit: "0", maxLimit: "100", termDays: 200, maxExtensions: 1, annualRate: "0.08", marginCallLine: "1.0000", eligibility: $e }) { userErrors { field } }
         b: upsertProduct(input: { code: "X2", name: "X", kind: STANDARD_CREDIT, riskLevel: R2, horizon: SHORT, minLimit: "0", maxLimit: "100", termDays: 90, maxExtensions: 1, annualRate: "0.08", eligibility: $e, segmentCodes: ["NOPE"] }) { userErrors { field } } }`,
      { e: {} },
    );
    expect(res.body.data!.a.userErrors.map((e) => e.field.join("."))).toEqual([
      "input.termDays",
      "input.liquidationLine",
    ]);
    expect(res.body.data!.b.userErrors.map((e) => e.field.join("."))).toEqual(["input.segmentCodes"]);
    expect(await db.ds.query("SELECT COUNT(*) AS n FROM `product` WHERE `code` IN ('X1', 'X2')")).toEqual([
      { n: engine.name === "mysql" ? "0" : 0 },
    ]);
  });
});
