import Decimal from "decimal.js";
import { ClientType, FacilityStatus, Role } from "../../src/domain/enums";
import type { ClientEntity } from "../../src/entities";
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

interface ClientNode {
  id: string;
  clientNo: string;
  name: string;
  idNumber: string;
  phone: string | null;
  branch: string;
}

describe.each(ENGINES)("the read graph on $name", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let pudong: ClientEntity;
  let xicheng: ClientEntity;
  let institution: ClientEntity;

  beforeAll(async () => {
    db = await engine.create();
    const { ds } = db;
    const segB = await buildSegment(ds, { code: "B", priority: 20 });
    const product = await buildProduct(ds, { code: "STD-R3" }, [segB]);
    pudong = await buildClient(ds, {
      clientNo: "C001",
      name: "王小明",
      idNumber: "110101199003071234",
      branch: "SH-PUDONG",
    });
    xicheng = await buildClient(ds, {
      clientNo: "C002",
      name: "李雷",
      idNumber: "110101198512120018",
      phone: "13900001111",
      branch: "BJ-XICHENG",
    });
    institution = await buildClient(ds, {
      clientNo: "C003",
      type: ClientType.INSTITUTION,
      name: "上海浦江投资管理有限公司",
      idNumber: "91310115MA1H7XXXX5",
      phone: null,
      branch: "SH-PUDONG",
    });
    for (const c of [pudong, xicheng, institution]) {
      await buildAssessment(ds, c);
      await buildPortrait(ds, c, { avgDailyAssets20d: new Decimal("3200000.5") });
    }
    const f1 = await buildFacility(ds, pudong, product);
    const f2 = await buildFacility(ds, xicheng, product, { status: FacilityStatus.MARGIN_CALL });
    await buildReview(ds, f1);
    await buildReview(ds, f2);
    await buildAlert(ds, f1);
    await buildAlert(ds, f2);
    server = await startTestServer(ds);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const CLIENTS = `query($first: Int, $after: String) {
    clients(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { id clientNo name idNumber phone branch portrait { creditRating avgDailyAssets20d } }
    }
  }`;

  it("answers 401 UNAUTHENTICATED without a token or with a bad one (SPEC §6)", async () => {
    const none = await server.gql(null, "{ viewer { subject } }");
    expect(none.status).toBe(401);
    expect(none.body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const forged = await server.gql("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad", "{ viewer { subject } }");
    expect(forged.status).toBe(401);
    expect(forged.body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("reads the viewer's claims", async () => {
    const token = await server.token([Role.RELATIONSHIP_MANAGER], { sub: "rm-zhang", branch: "SH-PUDONG" });
    const res = await server.gql(token, "{ viewer { subject roles branch } }");
    expect(res.body.data).toEqual({
      viewer: { subject: "rm-zhang", roles: ["RELATIONSHIP_MANAGER"], branch: "SH-PUDONG" },
    });
  });

  it("masks personal data for a VIEWER in the exact formats (SPEC §6)", async () => {
    const res = await server.gql<{ clients: { nodes: ClientNode[] } }>(await server.token(Role.VIEWER), CLIENTS, {
      first: 10,
    });
    const byNo = Object.fromEntries(res.body.data!.clients.nodes.map((c) => [c.clientNo, c]));
    expect(byNo.C001).toMatchObject({ name: "王*明", idNumber: "110101********1234", phone: "138****5678" });
    expect(byNo.C002).toMatchObject({ name: "李*", idNumber: "110101********0018", phone: "139****1111" });
    expect(byNo.C003.name).toBe("上**********司");
    expect(byNo.C003.phone).toBeNull();
  });

  it("shows personal data in clear to COMPLIANCE (SPEC §6)", async () => {
    const res = await server.gql<{ clients: { nodes: ClientNode[] } }>(await server.token(Role.COMPLIANCE), CLIENTS, {
      first: 10,
    });
    const c1 = res.body.data!.clients.nodes.find((c) => c.clientNo === "C001")!;
    expect(c1).toMatchObject({ name: "王小明", idNumber: "110101199003071234", phone: "13812345678" });
  });

  it("scopes a relationship manager to its branch on every path: list, client, node, nodes, facilities, reviews, alerts (SPEC §6)", async () => {
    const rm = await server.token(Role.RELATIONSHIP_MANAGER, { branch: "SH-PUDONG" });
    const list = await server.gql<{ clients: { totalCount: number; nodes: ClientNode[] } }>(rm, CLIENTS, { first: 10 });
    expect(list.body.data!.clients.nodes.map((c) => c.clientNo)).toEqual(["C001", "C003"]);
    expect(list.body.data!.clients.totalCount).toBe(2);
    // own branch: personal data in clear
    expect(list.body.data!.clients.nodes[0].name).toBe("王小明");

    const other = await server.gql(
      rm,
      `query($id: ID!) { client(id: $id) { clientNo } node(id: $id) { id } nodes(ids: [$id]) { id } }`,
      {
        id: list.body.data!.clients.nodes[0].id,
      },
    );
    expect(other.body.data).toMatchObject({ client: { clientNo: "C001" } });

    const viewer = await server.token(Role.VIEWER);
    const all = await server.gql<{ clients: { nodes: ClientNode[] } }>(viewer, CLIENTS, { first: 10 });
    const xichengId = all.body.data!.clients.nodes.find((c) => c.clientNo === "C002")!.id;
    const hidden = await server.gql(
      rm,
      `query($id: ID!) { client(id: $id) { clientNo } byNo: client(clientNo: "C002") { clientNo } node(id: $id) { id } nodes(ids: [$id]) { id } }`,
      { id: xichengId },
    );
    expect(hidden.body.errors).toBeUndefined();
    expect(hidden.body.data).toEqual({ client: null, byNo: null, node: null, nodes: [null] });

    const lists = await server.gql<{
      facilities: { nodes: { client: { clientNo: string } }[] };
      reviews: { nodes: { client: { clientNo: string } }[] };
      alerts: { nodes: { client: { clientNo: string } }[] };
    }>(
      rm,
      `{ facilities(first: 50) { nodes { client { clientNo } } }
         reviews(first: 50) { nodes { client { clientNo } } }
         alerts(first: 50) { nodes { client { clientNo } } } }`,
    );
    const d = lists.body.data!;
    expect(d.facilities.nodes.map((n) => n.client.clientNo)).toEqual(["C001"]);
    expect(d.reviews.nodes.map((n) => n.client.clientNo)).toEqual(["C001"]);
    expect(d.alerts.nodes.map((n) => n.client.clientNo)).toEqual(["C001"]);
  });

  it("hides every client from a relationship manager token without a branch", async () => {
    const rm = await server.token(Role.RELATIONSHIP_MANAGER);
    const res = await server.gql<{ clients: { nodes: ClientNode[] } }>(rm, CLIENTS, { first: 10 });
    expect(res.body.data!.clients.nodes).toEqual([]);
  });

  it("a relationship manager who is also an ANALYST sees the whole book, masked outside its branch", async () => {
    const token = await server.token([Role.RELATIONSHIP_MANAGER, Role.ANALYST], { branch: "SH-PUDONG" });
    const res = await server.gql<{ clients: { nodes: ClientNode[] } }>(token, CLIENTS, { first: 10 });
    const names = Object.fromEntries(res.body.data!.clients.nodes.map((c) => [c.clientNo, c.name]));
    expect(names).toEqual({ C001: "王小明", C002: "李*", C003: "上海浦江投资管理有限公司" });
  });

  it("pages clients by clientNo with opaque keyset cursors", async () => {
    const token = await server.token(Role.ANALYST);
    type R = {
      clients: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string };
        nodes: ClientNode[];
      };
    };
    const p1 = await server.gql<R>(token, CLIENTS, { first: 2 });
    expect(p1.body.data!.clients.nodes.map((c) => c.clientNo)).toEqual(["C001", "C002"]);
    expect(p1.body.data!.clients.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(p1.body.data!.clients.totalCount).toBe(3);
    const p2 = await server.gql<R>(token, CLIENTS, { first: 2, after: p1.body.data!.clients.pageInfo.endCursor });
    expect(p2.body.data!.clients.nodes.map((c) => c.clientNo)).toEqual(["C003"]);
    expect(p2.body.data!.clients.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it.each([0, 501, -1])("refuses first = %i with BAD_USER_INPUT (SPEC §2)", async (first) => {
    const res = await server.gql(await server.token(Role.ANALYST), CLIENTS, { first });
    expect(res.body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("refuses a garbage or foreign cursor with BAD_USER_INPUT", async () => {
    const token = await server.token(Role.ANALYST);
    const garbage = await server.gql(token, CLIENTS, { first: 2, after: "not-a-cursor" });
    expect(garbage.body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const facilities = await server.gql<{ facilities: { pageInfo: { endCursor: string } } }>(
      token,
      "{ facilities(first: 1) { pageInfo { endCursor } } }",
    );
    const foreign = await server.gql(token, CLIENTS, {
      first: 2,
      after: facilities.body.data!.facilities.pageInfo.endCursor,
    });
    expect(foreign.body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("filters clients by type, branch, clientNo prefix, rating and assets", async () => {
    const token = await server.token(Role.ANALYST);
    const q = `query($f: ClientFilter) { clients(first: 10, filter: $f) { nodes { clientNo } } }`;
    const run = async (f: Record<string, unknown>) =>
      (await server.gql<{ clients: { nodes: { clientNo: string }[] } }>(token, q, { f })).body.data!.clients.nodes.map(
        (n) => n.clientNo,
      );
    expect(await run({ types: ["INSTITUTION"] })).toEqual(["C003"]);
    expect(await run({ branch: "BJ-XICHENG" })).toEqual(["C002"]);
    expect(await run({ clientNoPrefix: "C00" })).toEqual(["C001", "C002", "C003"]);
    expect(await run({ clientNoPrefix: "C_" })).toEqual([]);
    expect(await run({ creditRatings: ["AA"], minAvgDailyAssets: "3200000.50" })).toEqual(["C001", "C002", "C003"]);
    expect(await run({ maxAvgDailyAssets: "3200000.50" })).toEqual([]);
  });

  it("serves nested fields with exact decimals and dates", async () => {
    const token = await server.token(Role.RISK_OFFICER);
    const res = await server.gql<{ client: Record<string, unknown> }>(
      token,
      `{ client(clientNo: "C001") {
          riskAssessment { riskLevel horizon expired validUntil client { clientNo } }
          portrait { avgDailyAssets20d annualTurnover creditFactors { name value points } client { clientNo } }
          facilities { status approvedLimit maintenanceRatio annualRate startDate product { code segments { code } }
                       reviews(first: 5) { totalCount nodes { status facility { status } } } }
          reviews(first: 3) { totalCount nodes { trigger dueDate } }
          alerts(first: 3) { totalCount nodes { kind facility { status } client { clientNo } } }
      } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.client).toEqual({
      riskAssessment: {
        riskLevel: "C4",
        horizon: "MEDIUM",
        expired: false,
        validUntil: "2028-01-15T02:00:00.000Z",
        client: { clientNo: "C001" },
      },
      portrait: {
        avgDailyAssets20d: "3200000.50",
        annualTurnover: "4.25",
        creditFactors: [{ name: "avgDailyAssets20d", value: "3200000.00", points: 18 }],
        client: { clientNo: "C001" },
      },
      facilities: [
        {
          status: "ACTIVE",
          approvedLimit: "1500000.00",
          maintenanceRatio: "1.7500",
          annualRate: "0.0835",
          startDate: "2026-09-01",
          product: { code: "STD-R3", segments: [{ code: "B" }] },
          reviews: { totalCount: 1, nodes: [{ status: "SCHEDULED", facility: { status: "ACTIVE" } }] },
        },
      ],
      reviews: { totalCount: 1, nodes: [{ trigger: "PERIODIC", dueDate: "2026-12-01" }] },
      alerts: {
        totalCount: 1,
        nodes: [{ kind: "MAINTENANCE_WARNING", facility: { status: "ACTIVE" }, client: { clientNo: "C001" } }],
      },
    });
  });

  it("resolves every node type by global ID, and nothing for a garbage or mistyped ID", async () => {
    const token = await server.token(Role.ADMIN);
    const res = await server.gql<{
      client: {
        id: string;
        portrait: { id: string };
        riskAssessment: { id: string };
        facilities: {
          id: string;
          product: { id: string; segments: { id: string }[] };
          reviews: { nodes: { id: string }[] };
        }[];
        alerts: { nodes: { id: string }[] };
      };
    }>(
      token,
      `{ client(clientNo: "C001") { id portrait { id } riskAssessment { id }
           facilities { id product { id segments { id } } reviews(first: 1) { nodes { id } } }
           alerts(first: 1) { nodes { id } } } }`,
    );
    const c = res.body.data!.client;
    const ids = [
      c.id,
      c.portrait.id,
      c.riskAssessment.id,
      c.facilities[0].id,
      c.facilities[0].product.id,
      c.facilities[0].product.segments[0].id,
      c.facilities[0].reviews.nodes[0].id,
      c.alerts.nodes[0].id,
    ];
    const nodes = await server.gql<{ nodes: ({ __typename: string; id: string } | null)[] }>(
      token,
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`,
      { ids: [...ids, "garbage", Buffer.from("Client:999999").toString("base64url")] },
    );
    expect(nodes.body.data!.nodes.map((n) => n?.__typename ?? null)).toEqual([
      "Client",
      "Portrait",
      "RiskAssessment",
      "CreditFacility",
      "Product",
      "Segment",
      "PostLoanReview",
      "Alert",
      null,
      null,
    ]);
    expect(nodes.body.data!.nodes.slice(0, 8).map((n) => n!.id)).toEqual(ids);
  });

  it("lists segments and products from the database", async () => {
    const token = await server.token(Role.VIEWER);
    const res = await server.gql<{
      segments: { code: string; criteria: { minAvgDailyAssets: string; maxAvgDailyAssets: string } }[];
      product: { code: string; eligibility: { minAvgDailyAssets: string; minCreditRating: string } };
    }>(
      token,
      `{ segments { code criteria { minAvgDailyAssets maxAvgDailyAssets } } product(code: "STD-R3") { code eligibility { minAvgDailyAssets minCreditRating } } }`,
    );
    expect(res.body.data!.segments).toEqual([
      { code: "B", criteria: { minAvgDailyAssets: "1000000.00", maxAvgDailyAssets: "10000000.00" } },
    ]);
    expect(res.body.data!.product).toEqual({
      code: "STD-R3",
      eligibility: { minAvgDailyAssets: "500000.00", minCreditRating: "B" },
    });
  });

  it("filters facilities by status and product, reviews by status, alerts by openness", async () => {
    const token = await server.token(Role.RISK_OFFICER);
    const res = await server.gql<{
      a: { totalCount: number };
      b: { totalCount: number };
      c: { totalCount: number };
      d: { totalCount: number };
    }>(
      token,
      `{ a: facilities(filter: { statuses: [MARGIN_CALL] }) { totalCount }
         b: facilities(filter: { productCode: "nope" }) { totalCount }
         c: reviews(filter: { statuses: [SCHEDULED] }) { totalCount }
         d: alerts(filter: { openOnly: true, kinds: [MARGIN_CALL] }) { totalCount } }`,
    );
    expect(res.body.data).toEqual({
      a: { totalCount: 1 },
      b: { totalCount: 0 },
      c: { totalCount: 2 },
      d: { totalCount: 0 },
    });
  });
});
