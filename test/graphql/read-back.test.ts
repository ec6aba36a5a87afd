import Decimal from "decimal.js";
import { AssetSnapshotEntity, TradeEntity, type ClientEntity } from "../../src/entities";
import { Role, TradeSide } from "../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildPortrait } from "../support/factories";
import { startTestServer, type GraphQLResult, type TestServer } from "../support/server";

const READ_BACK = `query($no: String!, $first: Int!, $after: String) { client(clientNo: $no) {
  annualIncome financialAssets
  portraits(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { id asOf annualIncome financialAssets } }
  assetSnapshots(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { date totalAssets securitiesAssets } }
  trades(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { tradeDate symbol side quantity amount } }
} }`;

type Conn<N> = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: N[] };
type ReadBack = {
  annualIncome: string | null;
  financialAssets: string | null;
  portraits: Conn<{ id: string; asOf: string; annualIncome: string | null; financialAssets: string | null }>;
  assetSnapshots: Conn<{ date: string; totalAssets: string; securitiesAssets: string }>;
  trades: Conn<{ tradeDate: string; symbol: string; side: string; quantity: number; amount: string }>;
};

describe.each(ENGINES)("read-back of what was written on $name (SPEC §11)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let client: ClientEntity;

  beforeAll(async () => {
    db = await engine.create();
    const { ds } = db;
    client = await buildClient(ds, {
      clientNo: "RB0001",
      annualIncome: new Decimal("880000.50"),
      financialAssets: new Decimal("12345678901.25"),
    });
    // Two portraits share an asOf: the later computed one comes first.
    for (const asOf of ["2026-10-30", "2026-11-26", "2026-11-26", "2026-09-30"])
      await buildPortrait(ds, client, { asOf });
    const snapshots = ds.getRepository(AssetSnapshotEntity);
    for (let d = 1; d <= 7; d += 1) {
      await snapshots.save({
        clientId: client.id,
        date: `2026-11-0${d}`,
        totalAssets: new Decimal(`${1000 + d}.10`),
        securitiesAssets: new Decimal(`${900 + d}.05`),
        liabilities: new Decimal("0"),
        recordedAt: new Date("2026-11-10T00:00:00.000Z"),
      });
    }
    const trades = ds.getRepository(TradeEntity);
    // Several trades on one date: the id breaks the tie.
    for (const [i, date] of ["2026-11-03", "2026-11-05", "2026-11-05", "2026-11-05", "2026-11-01"].entries()) {
      await trades.save({
        clientId: client.id,
        tradeDate: date,
        symbol: `60000${i}`,
        side: i % 2 === 0 ? TradeSide.BUY : TradeSide.SELL,
        quantity: 100 * (i + 1),
        amount: new Decimal(`${12345 + i}.67`),
        recordedAt: new Date("2026-11-10T00:00:00.000Z"),
      });
    }
    await buildClient(ds, { clientNo: "RB0002", branch: "BJ-XICHENG", annualIncome: new Decimal("1") });
    server = await startTestServer(ds);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  async function read(token: string, first: number, after: string | null = null): Promise<ReadBack> {
    const res = await server.gql<{ client: ReadBack }>(token, READ_BACK, { no: "RB0001", first, after });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.client;
  }

  it("shows declared income and financial assets to a viewer who may read the client's personal data", async () => {
    const compliance = await read(await server.token(Role.COMPLIANCE), 20);
    expect(compliance.annualIncome).toBe("880000.50");
    expect(compliance.financialAssets).toBe("12345678901.25");
    const rm = await read(await server.token(Role.RELATIONSHIP_MANAGER, { branch: "SH-PUDONG" }), 20);
    expect(rm.annualIncome).toBe("880000.50");
    expect(rm.portraits.nodes[0].annualIncome).toBe("880000.50");
  });

  it("gives null income and financial assets, in the client and in every portrait, to a masked viewer", async () => {
    for (const role of [Role.VIEWER, Role.ANALYST, Role.RISK_OFFICER, Role.ADMIN]) {
      const masked = await read(await server.token(role), 20);
      expect(masked.annualIncome).toBeNull();
      expect(masked.financialAssets).toBeNull();
      expect(masked.portraits.nodes.map((p) => [p.annualIncome, p.financialAssets])).toEqual(
        masked.portraits.nodes.map(() => [null, null]),
      );
    }
  });

  it("masks the income and assets of the latest portrait and of a portrait read by node the same way", async () => {
    const q = `query($id: ID!) { client(clientNo: "RB0001") { portrait { annualIncome financialAssets } }
      node(id: $id) { ... on Portrait { annualIncome financialAssets } } }`;
    const clear = await read(await server.token(Role.COMPLIANCE), 1);
    const id = clear.portraits.nodes[0].id;
    for (const [role, expected] of [
      [Role.COMPLIANCE, { annualIncome: "880000.50", financialAssets: "12345678901.25" }],
      [Role.VIEWER, { annualIncome: null, financialAssets: null }],
      [Role.RISK_OFFICER, { annualIncome: null, financialAssets: null }],
    ] as const) {
      const res = await server.gql<{ client: { portrait: unknown }; node: unknown }>(await server.token(role), q, {
        id,
      });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.client.portrait).toEqual(expected);
      expect(res.body.data!.node).toEqual(expected);
    }
  });

  it("reads portraits, asset snapshots and trades back, latest first, with their totals", async () => {
    const all = await read(await server.token(Role.COMPLIANCE), 20);
    expect(all.portraits.totalCount).toBe(4);
    expect(all.portraits.nodes.map((p) => p.asOf)).toEqual(["2026-11-26", "2026-11-26", "2026-10-30", "2026-09-30"]);
    expect(all.assetSnapshots.totalCount).toBe(7);
    expect(all.assetSnapshots.nodes[0]).toEqual({
      date: "2026-11-07",
      totalAssets: "1007.10",
      securitiesAssets: "907.05",
    });
    expect(all.assetSnapshots.nodes.map((s) => s.date)).toEqual([7, 6, 5, 4, 3, 2, 1].map((d) => `2026-11-0${d}`));
    expect(all.trades.totalCount).toBe(5);
    expect(all.trades.nodes.map((t) => t.symbol)).toEqual(["600003", "600002", "600001", "600000", "600004"]);
    expect(all.trades.nodes[0]).toEqual({
      tradeDate: "2026-11-05",
      symbol: "600003",
      side: "SELL",
      quantity: 400,
      amount: "12348.67",
    });
  });

  it.each(["portraits", "assetSnapshots", "trades"] as const)("pages %s by 2 exactly as one page", async (field) => {
    const token = await server.token(Role.COMPLIANCE);
    const whole = await read(token, 20);
    const q = `query($first: Int!, $after: String) { client(clientNo: "RB0001") {
        ${field}(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${
          field === "portraits"
            ? "id asOf annualIncome financialAssets"
            : field === "trades"
              ? "tradeDate symbol side quantity amount"
              : "date totalAssets securitiesAssets"
        } } } } }`;
    const paged: unknown[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const res: GraphQLResult<{ client: Record<string, Conn<unknown>> }> = await server.gql(token, q, {
        first: 2,
        after,
      });
      expect(res.body.errors).toBeUndefined();
      const conn: Conn<unknown> = res.body.data!.client[field];
      paged.push(...conn.nodes);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(paged).toEqual(whole[field].nodes);
  });

  it("refuses another connection's cursor and a page size out of range with BAD_USER_INPUT", async () => {
    const token = await server.token(Role.COMPLIANCE);
    const first = await read(token, 1);
    const q = `query($after: String, $first: Int!) { client(clientNo: "RB0001") { trades(first: $first, after: $after) { totalCount } } }`;
    const foreign = await server.gql(token, q, { first: 1, after: first.assetSnapshots.pageInfo.endCursor });
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const tooMany = await server.gql(token, q, { first: 501 });
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("shows nothing of a client of another branch to a relationship manager", async () => {
    const token = await server.token(Role.RELATIONSHIP_MANAGER, { branch: "SH-PUDONG" });
    const res = await server.gql<{ client: unknown }>(token, `{ client(clientNo: "RB0002") { annualIncome } }`);
    expect(res.body.data!.client).toBeNull();
  });
});
