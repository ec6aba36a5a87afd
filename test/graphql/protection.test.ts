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

  const post = (body: string, headers: Record<string, string> = {}) =>
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

  it("refuses batched operations, invalid JSON and bodies over 1 MB", async () => {
    const batch = await post(
      JSON.stringify([{ query: "{ viewer { subject } }" }, { query: "{ viewer { subject } }" }]),
    );
    expect(batch.status).toBe(400);
    const invalid = await post("{ not json");
    expect(invalid.status).toBe(400);
    const huge = await post(JSON.stringify({ query: `{ viewer { subject } } # ${"x".repeat(1024 * 1024)}` }));
    expect(huge.status).toBe(413);
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
