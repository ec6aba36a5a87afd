import { gzipSync } from "node:zlib";
import { buildSchema, parse } from "graphql";
import fs from "node:fs";
import path from "node:path";
import { Role } from "../../src/domain/enums";
import { estimateCost } from "../../src/schema/cost";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

const schema = buildSchema(fs.readFileSync(path.resolve(__dirname, "../../schema.graphql"), "utf8"));
const cost = (q: string, variables: Record<string, unknown> = {}) => estimateCost(schema, parse(q), null, variables);

describe("the query cost estimator (SPEC §7)", () => {
  it("multiplies by a connection's first, through nodes and edges", () => {
    expect(cost("{ clients(first: 10) { nodes { clientNo } } }").requestedNodes).toBe(10);
    expect(cost("{ clients(first: 10) { nodes { portrait { asOf } } } }").requestedNodes).toBe(20);
    expect(cost("{ clients(first: 10) { nodes { reviews(first: 3) { nodes { dueDate } } } } }").requestedNodes).toBe(
      40,
    );
    expect(cost("{ clients { pageInfo { hasNextPage } totalCount } }").requestedNodes).toBe(0);
  });

  it("reads first from variables and from field defaults", () => {
    expect(cost("query($n: Int) { clients(first: $n) { nodes { clientNo } } }", { n: 7 }).requestedNodes).toBe(7);
    expect(cost("{ clients { nodes { clientNo } } }").requestedNodes).toBe(50);
  });

  it("counts fragments and inline fragments once per use, and aliases", () => {
    const q = `query { a: clients(first: 2) { ...C } b: clients(first: 3) { nodes { ... on Client { portrait { asOf } } } } }
               fragment C on ClientConnection { nodes { clientNo } }`;
    const c = cost(q);
    expect(c.requestedNodes).toBe(2 + 3 * 2);
    expect(c.aliases).toBe(2);
  });

  it("counts a list's bound: the ids of nodes", () => {
    expect(cost(`{ nodes(ids: ["a", "b", "c"]) { id } }`).requestedNodes).toBe(3);
  });

  describe("SPEC §10 cost: counts the request's variables and, where one is not given, the variable's default value", () => {
    const HEAVY = 500 + 500 * 500;
    it.each<[string, string, Record<string, unknown>, number]>([
      [
        "the default of a variable the request leaves out",
        "query($f: Int = 500) { clients(first: $f) { nodes { reviews(first: $f) { nodes { id } } } } }",
        {},
        HEAVY,
      ],
      [
        "the same variable given in the request",
        "query($f: Int = 500) { clients(first: $f) { nodes { reviews(first: $f) { nodes { id } } } } }",
        { f: 500 },
        HEAVY,
      ],
      [
        "a given value over the default",
        "query($f: Int = 500) { clients(first: $f) { nodes { reviews(first: $f) { nodes { id } } } } }",
        { f: 2 },
        2 + 2 * 2,
      ],
      [
        "defaults used inside a fragment",
        `query($f: Int = 500) { clients(first: $f) { ...C } }
         fragment C on ClientConnection { nodes { reviews(first: $f) { nodes { id } } } }`,
        {},
        HEAVY,
      ],
      [
        "defaults inside a fragment spread by a fragment",
        `query($f: Int = 500) { ...Q }
         fragment Q on Query { clients(first: $f) { nodes { ...R } } }
         fragment R on Client { reviews(first: $f) { nodes { id } } }`,
        {},
        HEAVY,
      ],
      [
        "defaults inside an inline fragment",
        "query($f: Int = 500) { clients(first: $f) { nodes { ... on Client { reviews(first: $f) { nodes { id } } } } } }",
        {},
        HEAVY,
      ],
      [
        "aliases, each counted with the default",
        `query($f: Int = 300) { a: clients(first: $f) { nodes { clientNo } } b: clients(first: $f) { nodes { clientNo } }
         c: clients(first: $f) { nodes { clientNo } } }`,
        {},
        900,
      ],
      [
        "two variables, one given and one defaulted",
        "query($a: Int = 1, $b: Int = 400) { clients(first: $a) { nodes { reviews(first: $b) { nodes { id } } } } }",
        { a: 100 },
        100 + 100 * 400,
      ],
      [
        "a list variable's default (the ids of nodes)",
        'query($ids: [ID!]! = ["a", "b", "c", "d"]) { nodes(ids: $ids) { id } }',
        {},
        4,
      ],
      [
        "a variable neither given nor defaulted: the argument's own default, as execution reads it",
        "query($f: Int) { clients(first: $f) { nodes { clientNo } } }",
        {},
        50,
      ],
      [
        "the operation the request names, with its own defaults",
        `query Light($f: Int = 1) { clients(first: $f) { nodes { clientNo } } }
         query Heavy($f: Int = 500) { clients(first: $f) { nodes { reviews(first: $f) { nodes { id } } } } }`,
        {},
        HEAVY,
      ],
    ])("%s", (_name, query, variables, expected) => {
      const doc = parse(query);
      const name = /query Heavy/.test(query) ? "Heavy" : null;
      expect(estimateCost(schema, doc, name, variables).requestedNodes).toBe(expected);
    });
  });

  it("puts a three-level first: 500 query far over the default limit", () => {
    const c = cost(
      `{ clients(first: 500) { nodes { reviews(first: 500) { nodes { facility { reviews(first: 500) { nodes { id } } } } } } } }`,
    );
    expect(c.requestedNodes).toBeGreaterThan(50_000);
  });
});

describe.each(ENGINES)("protection over HTTP on $name (SPEC §7)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    db = await engine.create();
    await buildClient(db.ds);
    server = await startTestServer(db.ds);
    token = await server.token(Role.ANALYST);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
      body,
    });

  it("refuses a three-level first: 500 query with HTTP 400 QUERY_TOO_COMPLEX before any SQL runs", async () => {
    const res = await server.gql(
      token,
      `{ clients(first: 500) { nodes { reviews(first: 500) { nodes { facility { reviews(first: 500) { nodes { id } } } } } } } }`,
    );
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
    expect(server.lastStatements()).toBe(0);
  });

  it.each([
    ["no variables", undefined],
    ["variables without the one with a default", { other: 1 }],
  ])(
    "SPEC §10 cost with variable defaults: refuses the default-valued heavy query (%s) with HTTP 400 QUERY_TOO_COMPLEX before any SQL",
    async (_name, variables) => {
      const res = await server.gql(
        token,
        "query($f: Int = 500) { clients(first: $f) { totalCount nodes { reviews(first: $f) { nodes { id } } } } viewer { subject } }",
        variables,
      );
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
      expect(res.body.errors?.[0].extensions?.cost).toMatchObject({ requestedNodes: 250_501 });
      expect(server.lastStatements()).toBe(0);
    },
  );

  it("SPEC §10 cost with variable defaults: 10 aliases of a defaulted page, each within the limit, are refused together", async () => {
    const aliases = Array.from(
      { length: 10 },
      (_, i) => `a${i}: clients(first: $f) { nodes { reviews(first: $g) { nodes { id } } } }`,
    ).join(" ");
    const res = await server.gql(token, `query($f: Int = 100, $g: Int = 50) { ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].extensions?.cost).toMatchObject({ requestedNodes: 10 * (100 + 100 * 50) });
  });

  it("refuses more than 12 levels and more than 50 aliases", async () => {
    let deep = "id";
    for (let i = 0; i < 7; i += 1) deep = `client { facilities { ${deep} } }`;
    const depth = await server.gql(token, `{ alerts(first: 1) { nodes { ${deep} } } }`);
    expect(depth.body.errors?.[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
    const many = Array.from({ length: 51 }, (_, i) => `a${i}: viewer { subject }`).join(" ");
    const aliases = await server.gql(token, `{ ${many} }`);
    expect(aliases.body.errors?.[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("reports extensions.cost on every response", async () => {
    const res = await server.gql(token, "{ clients(first: 5) { nodes { clientNo } } }");
    expect((res.body as { extensions?: unknown }).extensions).toEqual({
      cost: { requestedNodes: 5, limit: 50000, throttle: { capacity: 500000, remaining: expect.any(Number) } },
    });
  });

  it("refuses batched operations, invalid JSON, bodies over 1 MB and compressed bodies", async () => {
    const batch = await post(
      JSON.stringify([{ query: "{ viewer { subject } }" }, { query: "{ viewer { subject } }" }]),
    );
    expect(batch.status).toBe(400);
    const invalid = await post("{ not json");
    expect(invalid.status).toBe(400);
    const huge = await post(JSON.stringify({ query: `{ viewer { subject } } # ${"x".repeat(1024 * 1024)}` }));
    expect(huge.status).toBe(413);
    // A compressed body is refused by name, not read as text and called invalid JSON.
    const gzipped = await post(gzipSync(JSON.stringify({ query: "{ viewer { subject } }" })), {
      "content-encoding": "gzip",
    });
    expect(gzipped.status).toBe(415);
    expect(((await gzipped.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe(
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });

  it("never echoes an input value in a validation error", async () => {
    const res = await server.gql(token, "query($f: Int) { clients(first: $f) { totalCount } }", {
      f: "<script>secret</script>",
    });
    expect(res.body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(res.body)).not.toContain("secret");
  });

  it("serves Prometheus metrics with requests by operation and outcome", async () => {
    await server.gql(token, "query Probe { viewer { subject } }");
    const res = await fetch(server.url.replace("/graphql", "/metrics"));
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/graphql_requests_total\{operation="Probe",outcome="ok"\} 1/);
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect(text).toContain("db_pool_connections");
  });

  it("echoes a request id header", async () => {
    const res = await post(JSON.stringify({ query: "{ viewer { subject } }" }), { "x-request-id": "req-123" });
    expect(res.headers.get("x-request-id")).toBe("req-123");
  });
});
