import fs from "node:fs";
import path from "node:path";
import { Role } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import { seedDemoBook } from "../../src/seed/demo-book";
import { generatedQueries } from "../support/client-selections";
import { ENGINES, type TestDatabase } from "../support/engines";
import { startTestServer, type GraphQLResult, type TestServer } from "../support/server";

const root = path.resolve(__dirname, "../..");

/** The bench's page query, as tools/bench/workloads.ts sends it. */
function benchPageQuery(): string {
  const source = fs.readFileSync(path.join(root, "tools/bench/workloads.ts"), "utf8");
  const m = /const PAGE_QUERY = `([\s\S]*?)`;/.exec(source);
  if (m === null) throw new Error("tools/bench/workloads.ts has no PAGE_QUERY");
  return m[1];
}

/** The bench's one-client fit query, as tools/bench/workloads.ts sends it. */
function benchFitQuery(): string {
  const source = fs.readFileSync(path.join(root, "tools/bench/workloads.ts"), "utf8");
  const m = /const FIT_QUERY = `([\s\S]*?)`;/.exec(source);
  if (m === null) throw new Error("tools/bench/workloads.ts has no FIT_QUERY");
  return m[1];
}

/** The README's GraphQL examples that read a page of clients (`clients` or a segment's `members`). */
function readmeClientPages(): string[] {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const found: string[] = [];
  const fence = /^```graphql[^\n]*\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(readme); m !== null; m = fence.exec(readme)) {
    if (/\b(clients|members)\(/.test(m[1])) found.push(m[1]);
  }
  // The curl example of the quick start.
  for (const m of readme.matchAll(/"query":"(\{ clients\([^"]*\})"/g)) found.push(m[1]);
  return found;
}

/** Every role, a branch-scoped relationship manager twice (with and without a branch). */
const VIEWERS: { role: Role; branch: string | null }[] = [
  { role: Role.VIEWER, branch: null },
  { role: Role.ANALYST, branch: null },
  { role: Role.RELATIONSHIP_MANAGER, branch: "SH-PUDONG" },
  { role: Role.RELATIONSHIP_MANAGER, branch: null },
  { role: Role.RISK_OFFICER, branch: null },
  { role: Role.COMPLIANCE, branch: null },
  { role: Role.ADMIN, branch: null },
];

interface TrailRow {
  clientId: number;
  subject: string;
  fields: string;
}

interface Answer {
  body: GraphQLResult["body"];
  trail: TrailRow[];
  statements: number;
  plannedPages: number;
}

/**
 * Issue 17: a page of clients planned from its selection answers exactly what the field-by-field
 * resolvers answer — the same JSON, errors included, and the same access-trail rows — for the
 * README's pages, the bench's page and generated selections, for every role, on both engines and
 * both executors; and the bench's page takes at most 6 statements.
 */
describe.each(ENGINES)("a planned client page on $name (issue 17)", (engine) => {
  let db: TestDatabase;
  let planned: TestServer;
  let plannedJs: TestServer;
  let fieldwise: TestServer;
  let fieldwiseJs: TestServer;

  /** A client of the branch-scoped relationship manager's branch, and one of another branch. */
  let inBranch: { id: number; clientNo: string };
  let otherBranch: { id: number; clientNo: string };

  beforeAll(async () => {
    db = await engine.create();
    await seedDemoBook(db.ds, { clients: 120, seed: 42, asOf: "2026-11-27" });
    const clients = (
      (await db.ds.query(
        "SELECT `id`, `clientNo`, `branch` FROM `client` WHERE `latestPortraitId` IS NOT NULL ORDER BY `id`",
      )) as { id: unknown; clientNo: string; branch: string }[]
    ).map((c) => ({ id: Number(c.id), clientNo: c.clientNo, branch: c.branch }));
    inBranch = clients.find((c) => c.branch === "SH-PUDONG")!;
    otherBranch = clients.find((c) => c.branch !== "SH-PUDONG")!;
    const now = new Date("2026-11-27T08:00:00.000Z");
    // Hundreds of large pages a minute: the throttle must not refuse one of the two being compared.
    const env = { RATE_LIMIT_PER_MINUTE: "1000000000" };
    planned = await startTestServer(db.ds, now, { ...env, READ_PLANNER: "on" });
    plannedJs = await startTestServer(db.ds, now, { ...env, READ_PLANNER: "on", GRAPHQL_EXECUTOR: "graphql-js" });
    fieldwise = await startTestServer(db.ds, now, { ...env, READ_PLANNER: "off" });
    fieldwiseJs = await startTestServer(db.ds, now, { ...env, READ_PLANNER: "off", GRAPHQL_EXECUTOR: "graphql-js" });
  }, 180_000);

  afterAll(async () => {
    await planned?.close();
    await plannedJs?.close();
    await fieldwise?.close();
    await fieldwiseJs?.close();
    await db?.drop();
  });

  const lastTrailId = async (): Promise<number> =>
    Number(((await db.ds.query("SELECT MAX(`id`) AS n FROM `personal_data_access`")) as { n: unknown }[])[0]?.n ?? 0);

  async function ask(
    server: TestServer,
    viewer: (typeof VIEWERS)[number],
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<Answer> {
    const token = await server.token(viewer.role, { sub: "planner-test", branch: viewer.branch });
    const before = await lastTrailId();
    const { body } = await server.gql(token, query, variables);
    // The cost report's throttle figures are each server's own bucket, not part of the answer.
    delete body.extensions;
    const statements = server.lastStatements();
    const plannedPages = server.lastPlannedPages();
    const trail = (
      (await db.ds.query(
        "SELECT `clientId`, `subject`, `fields` FROM `personal_data_access` WHERE `id` > ? ORDER BY `id`",
        [before],
      )) as TrailRow[]
    )
      .map((r) => ({ ...r, clientId: Number(r.clientId) }))
      // One INSERT per request: the order of its rows follows the order in which concurrently resolved
      // root fields (two pages in one query) reached the executor, on either path; the rows are compared.
      .sort((a, b) => a.clientId - b.clientId);
    return { body, trail, statements, plannedPages };
  }

  /**
   * Asks each executor planned and field by field; the planned answer must equal the field-by-field
   * one of the same executor (the executors themselves differ in which of two sibling errors under
   * one nulled parent they report).
   */
  async function compare(
    query: string,
    variables: Record<string, unknown> = {},
    plannable = true,
    executors: "both" | "jit" = "both",
    viewers: readonly (typeof VIEWERS)[number][] = VIEWERS,
  ): Promise<void> {
    for (const viewer of viewers) {
      const pairs = [
        [planned, fieldwise],
        [plannedJs, fieldwiseJs],
      ];
      for (const [server, reference] of executors === "both" ? pairs : pairs.slice(0, 1)) {
        const expected = await ask(reference, viewer, query, variables);
        expect(expected.plannedPages).toBe(0);
        const got = await ask(server, viewer, query, variables);
        expect({ viewer, query, body: got.body, trail: got.trail }).toEqual({
          viewer,
          query,
          body: expected.body,
          trail: expected.trail,
        });
        if (!plannable) expect(got.plannedPages).toBe(0);
        // A page the viewer may not read at all (members for VIEWER) is refused before any planning.
        else if (expected.body.errors === undefined)
          expect({ query, planned: got.plannedPages }).toEqual({ query, planned: 1 });
      }
    }
  }

  it("answers the bench's page as the resolvers do, for every role, in at most 6 statements", async () => {
    const query = benchPageQuery();
    await compare(query, { first: 50 });
    const viewer = { role: Role.RISK_OFFICER, branch: null };
    const got = await ask(planned, viewer, query, { first: 50 });
    const expected = await ask(fieldwise, viewer, query, { first: 50 });
    expect((got.body.data as { clients: { nodes: unknown[] } }).clients.nodes).toHaveLength(50);
    expect(got.statements).toBeLessThanOrEqual(6);
    expect(got.statements).toBeLessThanOrEqual(expected.statements);
  });

  it("answers the README's client pages as the resolvers do, for every role", async () => {
    const pages = readmeClientPages();
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const query of pages) await compare(query);
  });

  it("records the same access-trail rows as the resolvers when personal data is served in clear", async () => {
    const query = `{ clients(first: 30) { nodes { clientNo name phone annualIncome portrait { annualIncome financialAssets } } } }`;
    const viewer = { role: Role.COMPLIANCE, branch: null };
    const got = await ask(planned, viewer, query);
    expect(got.plannedPages).toBe(1);
    expect(got.trail).toHaveLength(30);
    expect(got.trail).toEqual((await ask(fieldwise, viewer, query)).trail);
    const masked = await ask(planned, { role: Role.VIEWER, branch: null }, query);
    expect(masked.trail).toEqual([]);
  });

  it.each([
    [
      "an alias naming two fields across nodes and edges",
      `{ clients(first: 5) { nodes { x: portrait { asOf } } edges { node { x: reviews(first: 2) { totalCount } } } } }`,
      0,
    ],
    [
      "a nested page after a cursor",
      `{ clients(first: 5) { nodes { clientNo reviews(first: 2, after: "WyJyZXZpZXciLCIyMDI2LTAxLTAxIiwxXQ") { totalCount } } } }`,
      0,
    ],
    [
      "a nested page size out of range",
      `{ clients(first: 5) { nodes { clientNo productFits(first: 501) { score } } } }`,
      0,
    ],
    [
      "two pages in one query",
      `{ a: clients(first: 4) { nodes { clientNo name } } b: clients(first: 3, orderBy: { field: OPENED_AT }) { edges { cursor node { phone portrait { annualIncome } } } } }`,
      2,
    ],
    [
      "a planned page beside a client read by id, which finds no primed partial row",
      `{ clients(first: 3) { nodes { id clientNo } } node(id: "Q2xpZW50OjE") { ... on Client { name idNumber phone annualIncome segment { score } } } }`,
      1,
    ],
    [
      "members of every segment, the plan shared by each",
      `{ segments { code members(first: 4) { totalCount nodes { clientNo name segment { segment { code } } } } } }`,
      -1,
    ],
  ])("answers %s as the resolvers do", async (_name, query, plannedPages) => {
    for (const viewer of VIEWERS) {
      const expected = await ask(fieldwise, viewer, query);
      const got = await ask(planned, viewer, query);
      expect({ viewer, body: got.body, trail: got.trail }).toEqual({
        viewer,
        body: expected.body,
        trail: expected.trail,
      });
      if (plannedPages >= 0 && got.body.errors === undefined) expect(got.plannedPages).toBe(plannedPages);
      if (plannedPages < 0 && got.body.errors === undefined) expect(got.plannedPages).toBeGreaterThan(1);
    }
  });

  it.each(generatedQueries(24, 17).map((g, i) => [i, g] as const))(
    "answers generated selection %i as the resolvers do",
    async (_i, generated) => {
      // graphql-jit only (the production executor): the README's and the bench's pages cover graphql-js.
      await compare(generated.query, generated.variables, generated.plannable, "jit");
    },
  );

  /**
   * The ways of naming one client to `client(id, clientNo)`: in the relationship manager's branch
   * (in scope for every viewer who reads clients at all), in another branch (out of scope for the
   * branch-scoped one), absent, an ID with another client's number, an ID of another type.
   */
  const whichClients = (): [string, Record<string, unknown>][] => [
    ["by clientNo, in scope", { clientNo: inBranch.clientNo }],
    ["by id, in scope", { id: toGlobalId("Client", inBranch.id) }],
    ["by id with its own clientNo", { id: toGlobalId("Client", inBranch.id), clientNo: inBranch.clientNo }],
    ["by clientNo, out of the branch", { clientNo: otherBranch.clientNo }],
    ["by id, out of the branch", { id: toGlobalId("Client", otherBranch.id) }],
    ["by clientNo, absent", { clientNo: "NO-SUCH-CLIENT" }],
    ["by id, absent", { id: toGlobalId("Client", 987654) }],
    ["by id with another client's clientNo", { id: toGlobalId("Client", inBranch.id), clientNo: otherBranch.clientNo }],
    ["by an ID of another type", { id: toGlobalId("Segment", 1) }],
  ];

  /** A selection of one client asked through `client`, by id, clientNo or both as the variables say. */
  const oneClientQuery = (name: string, selection: string, fragment = "", declared: string[] = []) =>
    `query ${name}(${["$id: ID", "$clientNo: String", ...declared].join(", ")}) { client(id: $id, clientNo: $clientNo) { ${selection} } } ${fragment}`;

  it("answers the bench's fit of one client as the resolvers do, however the client is named, in at most 4 statements by number or id", async () => {
    const fit = benchFitQuery();
    for (const [, which] of whichClients().filter(([name]) => name.startsWith("by clientNo"))) {
      await compare(fit, which);
    }
    const selection = /client\(clientNo: \$clientNo\) \{([\s\S]*)\}\s*\}\s*$/.exec(fit)![1];
    for (const [, which] of whichClients()) await compare(oneClientQuery("BenchFitAnyhow", selection), which);

    const viewer = { role: Role.RISK_OFFICER, branch: null };
    const got = await ask(planned, viewer, fit, { clientNo: inBranch.clientNo });
    const expected = await ask(fieldwise, viewer, fit, { clientNo: inBranch.clientNo });
    const answered = (got.body.data as { client: { productFits: unknown[] } | null }).client;
    expect(answered?.productFits.length).toBeGreaterThan(0);
    expect(got.plannedPages).toBe(1);
    expect(got.statements).toBeLessThanOrEqual(4);
    expect(got.statements).toBeLessThanOrEqual(expected.statements);
    // By id, field by field, the client, its portrait and its latest assessment each take a statement (6).
    const byId = oneClientQuery("BenchFitById", selection);
    const id = { id: toGlobalId("Client", inBranch.id) };
    const gotById = await ask(planned, viewer, byId, id);
    expect(gotById.body).toEqual((await ask(fieldwise, viewer, byId, id)).body);
    expect(gotById.statements).toBeLessThanOrEqual(4);
  });

  it("answers `client` without id or clientNo with the resolvers' error, unplanned", async () => {
    const query = `{ client { clientNo name } }`;
    const viewer = { role: Role.COMPLIANCE, branch: null };
    const got = await ask(planned, viewer, query);
    expect(got.body).toEqual((await ask(fieldwise, viewer, query)).body);
    expect(got.body.errors).toHaveLength(1);
    expect(got.plannedPages).toBe(0);
  });

  it("records the same access-trail rows for one client read in clear, and opens nothing unselected", async () => {
    const viewer = { role: Role.COMPLIANCE, branch: null };
    for (const selection of [
      "clientNo name phone annualIncome portrait { annualIncome }",
      "clientNo segment { score }",
    ]) {
      const query = oneClientQuery("Trail", selection);
      for (const which of [{ clientNo: inBranch.clientNo }, { id: toGlobalId("Client", otherBranch.id) }]) {
        const got = await ask(planned, viewer, query, which);
        const expected = await ask(fieldwise, viewer, query, which);
        expect(got.plannedPages).toBe(1);
        expect({ body: got.body, trail: got.trail }).toEqual({ body: expected.body, trail: expected.trail });
        expect(got.trail).toHaveLength(selection.includes("name") ? 1 : 0);
      }
    }
  });

  it.each(generatedQueries(24, 17).map((g, i) => [i, g] as const))(
    "answers generated selection %i of one client through `client` as the resolvers do",
    async (i, generated) => {
      const { selection, fragment, declared } = generated.client;
      const query = oneClientQuery(`GeneratedClient${i}`, selection, fragment, declared);
      const ways = whichClients();
      // A way of naming a client in scope (by number and by id in turn) and one of the others in turn,
      // each for three of the seven viewers in turn: over the 24 selections every viewer meets every
      // way several times, at a third of the requests of asking all of them each time.
      const viewers = [0, 1, 2].map((k) => VIEWERS[(i * 3 + k) % VIEWERS.length]);
      for (const [, which] of [ways[i % 2], ways[3 + (i % (ways.length - 3))]]) {
        await compare(query, { ...generated.variables, ...which }, generated.plannable, "jit", viewers);
      }
    },
  );
});
