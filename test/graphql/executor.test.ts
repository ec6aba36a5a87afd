import { parse } from "graphql";
import { Role } from "../../src/domain/enums";
import { buildApiSchema } from "../../src/schema/build";
import { jitSafe } from "../../src/server/executor";
import { seedDemoBook } from "../../src/seed/demo-book";
import { ENGINES, type TestDatabase } from "../support/engines";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The graphql-jit executor behind Apollo must answer exactly as graphql-js does: same data, same
 * errors and codes. Both servers run over the same seeded book; only GRAPHQL_EXECUTOR differs.
 */

const PAGE = `query Page($first: Int!, $after: String) {
  clients(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { clientNo } }
    nodes {
      id clientNo name idNumber phone type status investorCategory branch openedAt createdAt
      riskAssessment { riskLevel horizon expired validUntil }
      portrait { asOf computedAt avgDailyAssets20d totalAssets annualTurnover creditScore creditRating creditFactors { name points value } }
      segment { matched score segment { code name criteria { minAvgDailyAssets } } reasons { code passed message required actual } }
      productFits(first: 3) { eligible score recommendedLimit product { code minLimit annualRate } blockers { code message } }
      facilities { status approvedLimit maintenanceRatio decisionReasons { code passed } }
      reviews(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { id trigger status dueDate newLimit } }
      alerts(first: 2, openOnly: false) { nodes { kind severity raisedAt } }
    }
  }
}`;

describe.each(ENGINES)("graphql-jit behind Apollo on $name", (engine) => {
  let db: TestDatabase;
  let jit: TestServer;
  let js: TestServer;

  beforeAll(async () => {
    db = await engine.create();
    await seedDemoBook(db.ds, { clients: 120, seed: 11, asOf: "2026-11-27" });
    jit = await startTestServer(db.ds, undefined, { GRAPHQL_EXECUTOR: "jit" });
    js = await startTestServer(db.ds, undefined, { GRAPHQL_EXECUTOR: "graphql-js" });
  }, 120_000);

  afterAll(async () => {
    await jit?.close();
    await js?.close();
    await db?.drop();
  });

  const both = async (role: Role, query: string, variables?: Record<string, unknown>, branch?: string) => {
    const [a, b] = await Promise.all([
      jit.gql(await jit.token(role, { branch }), query, variables),
      js.gql(await js.token(role, { branch }), query, variables),
    ]);
    // The cost extension carries each server's own throttle bucket; everything else must match.
    const strip = (r: typeof a) => ({ status: r.status, data: r.body.data, errors: r.body.errors });
    return { jit: { ...a, body: a.body }, js: b, same: [strip(a), strip(b)] as const };
  };

  it("answers a deep page of clients with the same JSON as graphql-js, page after page", async () => {
    let after: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const r = await both(Role.ANALYST, PAGE, { first: 40, after });
      expect(r.jit.body.errors).toBeUndefined();
      expect(r.same[0]).toEqual(r.same[1]);
      const data = r.jit.body.data as { clients: { pageInfo: { endCursor: string | null } } };
      after = data.clients.pageInfo.endCursor;
    }
    // One document, compiled once, run three times; the graphql-js server has no compiler.
    expect(jit.app.executorStats()).toMatchObject({ compiled: 1, fallbacks: 0 });
    expect(js.app.executorStats()).toBeNull();
  });

  it("masks personal data and scopes a relationship manager exactly as graphql-js does (SPEC §6)", async () => {
    const viewer = await both(Role.VIEWER, PAGE, { first: 20 });
    expect(viewer.same[0]).toEqual(viewer.same[1]);
    const rm = await both(Role.RELATIONSHIP_MANAGER, PAGE, { first: 20 }, "SH-PUDONG");
    expect(rm.same[0]).toEqual(rm.same[1]);
  });

  it("reports resolver errors, bad variables and unknown operations with the same codes (SPEC §2)", async () => {
    for (const [query, variables] of [
      [PAGE, { first: 0 }],
      [PAGE, { first: 20, after: "not-a-cursor" }],
      [PAGE, { first: "many" }],
      ["query A { viewer { subject } } query B { viewer { roles } }", undefined],
    ] as [string, Record<string, unknown> | undefined][]) {
      const r = await both(Role.ANALYST, query, variables);
      expect(r.jit.status).toBe(r.js.status);
      expect(r.same[0]).toEqual(r.same[1]);
      expect(r.jit.body.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|BAD_REQUEST|GRAPHQL_VALIDATION_FAILED/);
    }
  });

  it("leaves literal decimals and mutations to graphql-js, whose results match", async () => {
    const q = `{ clients(first: 10, filter: { minAvgDailyAssets: "1000000.00" }) { nodes { clientNo portrait { avgDailyAssets20d } } } }`;
    const before = jit.app.executorStats()!.fallbacks;
    const r = await both(Role.ANALYST, q);
    expect(r.jit.body.errors).toBeUndefined();
    expect(r.same[0]).toEqual(r.same[1]);
    expect(jit.app.executorStats()!.fallbacks).toBe(before + 1);
  });
});

describe("which documents graphql-jit runs", () => {
  let schema: Awaited<ReturnType<typeof buildApiSchema>>;
  beforeAll(async () => {
    schema = await buildApiSchema();
  });

  it("runs queries whose arguments are variables or built-in scalars", () => {
    expect(jitSafe(schema, parse(`query($f: Int!) { clients(first: $f) { nodes { clientNo } } }`))).toBe(true);
    expect(jitSafe(schema, parse(`{ client(clientNo: "M001") { productFits(first: 3) { score } } }`))).toBe(true);
  });

  it("refuses a literal of a custom scalar (it would reach the resolver as a string), a default of one, and mutations", () => {
    expect(jitSafe(schema, parse(`{ clients(first: 5, filter: { minAvgDailyAssets: "5" }) { totalCount } }`))).toBe(
      false,
    );
    expect(
      jitSafe(
        schema,
        parse(`query($m: Decimal = "5") { clients(first: 5, filter: { minAvgDailyAssets: $m }) { totalCount } }`),
      ),
    ).toBe(false);
    expect(
      jitSafe(schema, parse(`mutation { refreshPortrait(input: { clientId: "M001" }) { userErrors { message } } }`)),
    ).toBe(false);
  });

  it("picks the operation asked for, and refuses a name the document does not have", () => {
    const doc = parse(
      `query A { viewer { subject } } mutation B { refreshPortrait(input: { clientId: "x" }) { userErrors { message } } }`,
    );
    expect(jitSafe(schema, doc, "A")).toBe(true);
    expect(jitSafe(schema, doc, "B")).toBe(false);
    expect(jitSafe(schema, doc, "C")).toBe(false);
  });
});
