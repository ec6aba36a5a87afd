import Decimal from "decimal.js";
import { AlertKind, AlertSeverity, Role } from "../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildAlert, buildClient, buildFacility, buildPortrait, buildProduct, buildReview } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/** Every list × order field × direction: paging by 3 gives the same sequence as one page of 500. */
const LISTS = {
  clients: { fields: ["CLIENT_NO", "OPENED_AT", "AVG_DAILY_ASSETS", "CREDIT_SCORE"], filter: "" },
  facilities: { fields: ["CREATED_AT", "MATURITY_DATE", "APPROVED_LIMIT"], filter: "" },
  reviews: { fields: ["CREATED_AT", "DUE_DATE"], filter: "" },
  alerts: { fields: ["RAISED_AT", "SEVERITY"], filter: "filter: { openOnly: false }," },
} as const;
type ListName = keyof typeof LISTS;

const CASES = (Object.keys(LISTS) as ListName[]).flatMap((list) =>
  LISTS[list].fields.flatMap((field) => (["ASC", "DESC"] as const).map((direction) => ({ list, field, direction }))),
);

function pageQuery(list: ListName): string {
  const orderType = {
    clients: "ClientOrder",
    facilities: "FacilityOrder",
    reviews: "ReviewOrder",
    alerts: "AlertOrder",
  };
  return `query($first: Int!, $after: String, $orderBy: ${orderType[list]}) {
    ${list}(first: $first, after: $after, ${LISTS[list].filter} orderBy: $orderBy) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id }
    }
  }`;
}

type Page = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: { id: string }[];
};

describe.each(ENGINES)("orderBy with keyset paging on $name", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    db = await engine.create();
    const { ds } = db;
    const product = await buildProduct(ds);
    // Ties on every key, and clients without a portrait (NULL avg assets and score).
    const assets = ["100.00", "250.50", "250.50", "250.50", "9000000000000.10", "9000000000000.20", null, null];
    const scores = [60, 85, 85, 85, 40, 85, null, null];
    const opened = [
      "2016-05-10",
      "2016-05-10",
      "2019-01-02",
      "2016-05-10",
      "2021-07-07",
      "2019-01-02",
      "2016-05-10",
      "2023-03-03",
    ];
    const severities = [AlertSeverity.INFO, AlertSeverity.CRITICAL, AlertSeverity.WARNING, AlertSeverity.CRITICAL];
    for (let i = 0; i < 8; i += 1) {
      // clientNo descending against creation, so the id tie-breaker and clientNo disagree.
      const client = await buildClient(ds, { clientNo: `K${String(90 - i).padStart(4, "0")}`, openedAt: opened[i] });
      const [avg, score] = [assets[i], scores[i]];
      if (avg !== null && score !== null) {
        await buildPortrait(ds, client, { avgDailyAssets20d: new Decimal(avg), creditScore: score });
      }
      for (let f = 0; f < 2; f += 1) {
        const signed = (i + f) % 3 !== 0;
        const facility = await buildFacility(ds, client, product, {
          maturityDate: signed ? ["2027-02-28", "2027-06-30"][(i + f) % 2] : null,
          approvedLimit: (i + f) % 4 === 0 ? null : new Decimal(["1500000", "300000.5"][(i + f) % 2]),
        });
        await buildReview(ds, facility, { dueDate: ["2026-12-01", "2027-01-15", "2026-12-01"][(i + f) % 3] });
        const raisedAt = new Date(Date.UTC(2026, 10, 20 + ((i + f) % 3)));
        await buildAlert(ds, facility, {
          kind: AlertKind.MARGIN_CALL,
          severity: severities[(i + f) % 4],
          raisedAt,
          resolvedAt: (i + f) % 2 === 0 ? raisedAt : null,
        });
      }
    }
    server = await startTestServer(ds);
    token = await server.token(Role.RISK_OFFICER);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  async function page(list: ListName, vars: Record<string, unknown>): Promise<Page> {
    const res = await server.gql<Record<string, Page>>(token, pageQuery(list), vars);
    expect(res.body.errors).toBeUndefined();
    return res.body.data![list];
  }

  it.each(CASES)(
    "$list by $field $direction: pages of 3 give the sequence of one page",
    async ({ list, field, direction }) => {
      const orderBy = { field, direction };
      const whole = await page(list, { first: 500, orderBy });
      expect(whole.nodes.length).toBe(whole.totalCount);
      expect(whole.nodes.length).toBeGreaterThanOrEqual(8);
      const paged: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 20; i += 1) {
        const p: Page = await page(list, { first: 3, after, orderBy });
        paged.push(...p.nodes.map((n) => n.id));
        if (!p.pageInfo.hasNextPage) break;
        after = p.pageInfo.endCursor;
      }
      expect(paged).toEqual(whole.nodes.map((n) => n.id));
    },
  );

  it("sorts by the key, NULLs lowest, ties by id: clients by average assets", async () => {
    const q = `query($d: OrderDirection) { clients(first: 50, orderBy: { field: AVG_DAILY_ASSETS, direction: $d }) {
      nodes { clientNo portrait { avgDailyAssets20d } } } }`;
    const asc = await server.gql<{ clients: { nodes: { portrait: { avgDailyAssets20d: string } | null }[] } }>(
      token,
      q,
      { d: "ASC" },
    );
    const values = asc.body.data!.clients.nodes.map((n) => n.portrait?.avgDailyAssets20d ?? null);
    expect(values).toEqual([
      null,
      null,
      "100.00",
      "250.50",
      "250.50",
      "250.50",
      "9000000000000.10",
      "9000000000000.20",
    ]);
    const desc = await server.gql<{ clients: { nodes: { portrait: { avgDailyAssets20d: string } | null }[] } }>(
      token,
      q,
      { d: "DESC" },
    );
    expect(desc.body.data!.clients.nodes.map((n) => n.portrait?.avgDailyAssets20d ?? null)).toEqual(
      [...values].reverse(),
    );
  });

  it("sorts alerts by severity rank, not by name", async () => {
    const res = await server.gql<{ alerts: { nodes: { severity: string }[] } }>(
      token,
      `{ alerts(first: 50, filter: { openOnly: false }, orderBy: { field: SEVERITY, direction: DESC }) { nodes { severity } } }`,
    );
    const severities = res.body.data!.alerts.nodes.map((n) => n.severity);
    const firstWarning = severities.indexOf("WARNING");
    expect(severities.lastIndexOf("CRITICAL")).toBeLessThan(firstWarning);
    expect(severities.lastIndexOf("WARNING")).toBeLessThan(severities.indexOf("INFO"));
  });

  it("refuses a cursor of another order with BAD_USER_INPUT, without echoing it", async () => {
    const byNo = await page("clients", { first: 2 });
    const cursor = byNo.pageInfo.endCursor!;
    const res = await server.gql(token, pageQuery("clients"), {
      first: 2,
      after: cursor,
      orderBy: { field: "CREDIT_SCORE", direction: "ASC" },
    });
    expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(res.body.errors)).not.toContain(cursor);
    const reversed = await server.gql(token, pageQuery("clients"), {
      first: 2,
      after: cursor,
      orderBy: { field: "CLIENT_NO", direction: "DESC" },
    });
    expect(reversed.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const facilities = await page("facilities", { first: 2, orderBy: { field: "MATURITY_DATE" } });
    const wrongList = await server.gql(token, pageQuery("reviews"), {
      first: 2,
      after: facilities.pageInfo.endCursor,
      orderBy: { field: "DUE_DATE" },
    });
    expect(wrongList.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("keeps the default order's cursors: CLIENT_NO ascending pages like no orderBy", async () => {
    const plain = await page("clients", { first: 3 });
    const explicit = await page("clients", {
      first: 3,
      after: plain.pageInfo.endCursor,
      orderBy: { field: "CLIENT_NO" },
    });
    const next = await page("clients", { first: 3, after: plain.pageInfo.endCursor });
    expect(explicit.nodes).toEqual(next.nodes);
  });
});
