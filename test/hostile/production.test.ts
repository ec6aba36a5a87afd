import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { ConfigError, DEV_JWT_SECRET, loadConfig } from "../../src/config";
import { FixedClock } from "../../src/domain/clock";
import { Role } from "../../src/domain/enums";
import { buildApiSchema } from "../../src/schema/build";
import { createApp, type App } from "../../src/server/app";
import { createServices } from "../../src/services";
import { mintToken } from "../../src/services/access/tokens";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildAlert, buildClient, buildFacility, buildPortrait, buildProduct } from "../support/factories";
import { startTestServer } from "../support/server";

/**
 * Production mode (SPEC §7): introspection and field suggestions off, unexpected failures masked
 * and logged with a request id, and no start without a real AUTH_JWT_SECRET.
 */

const SECRET = "x".repeat(40);
const NOW = new Date("2026-11-27T08:00:00.000Z");
const sqlite = ENGINES.find((e) => e.name === "sqlite") ?? ENGINES[0];

interface ProductionServer {
  url: string;
  app: App;
  /** What the server logged (level warn and above), one object a line. */
  logs: Record<string, unknown>[];
  token(roles: Role[]): Promise<string>;
  gql(
    token: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; text: string; requestId: string | null; body: GqlBody }>;
  close(): Promise<void>;
}

/** SPEC §14: production needs its data keys as it needs its JWT secret. */
const KEYS = {
  DATA_KEYS: `p1:${Buffer.alloc(32, 11).toString("base64")}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 12).toString("base64"),
};

interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
}

/** As test/support/server.ts builds its server, with the production configuration. */
async function startProductionServer(db: TestDatabase): Promise<ProductionServer> {
  const config = loadConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: SECRET, LOG_LEVEL: "silent", ...KEYS });
  expect(config.production).toBe(true);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(JSON.parse(line));
      cb();
    },
  });
  const services = createServices(config, db.ds, new FixedClock(NOW));
  const app = await createApp({ schema: await buildApiSchema(), services, logger: pino({ level: "warn" }, sink) });
  await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    app,
    logs,
    token: (roles) => mintToken(config.authJwtSecret, { sub: "prod-tester", roles }),
    async gql(token, query, variables) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      return {
        status: res.status,
        text,
        requestId: res.headers.get("x-request-id"),
        body: JSON.parse(text) as GqlBody,
      };
    },
    close: () => app.close(),
  };
}

/** A misspelling, and what a suggestion would name (quoted, as graphql-js quotes it). */
const MISSPELLINGS: { query: string; variables?: Record<string, unknown>; suggestion: string }[] = [
  { query: "{ clints(first: 1) { totalCount } }", suggestion: '"clients"' },
  { query: "{ clients(frist: 1) { totalCount } }", suggestion: '"first"' },
  { query: "{ clients(first: 1) { nodes { clientNumber } } }", suggestion: '"clientNo"' },
  { query: "{ viewer { subjec } }", suggestion: '"subject"' },
  { query: "{ clients(filter: { statusez: [ACTIVE] }) { totalCount } }", suggestion: '"statuses"' },
  { query: "{ clients(filter: { statuses: [ACTIV] }) { totalCount } }", suggestion: '"ACTIVE"' },
  { query: "query($f: ClientFiltr) { clients(filter: $f) { totalCount } }", suggestion: '"ClientFilter"' },
  { query: '{ client(clientNo: "T1") { ... on Clint { id } } }', suggestion: '"Client"' },
  {
    query: "query($s: [ClientStatus!]) { clients(filter: { statuses: $s }) { totalCount } }",
    variables: { s: ["ACTIV"] },
    suggestion: '"ACTIVE"',
  },
  {
    query: "query($f: ClientFilter) { clients(filter: $f) { totalCount } }",
    variables: { f: { statusez: ["ACTIVE"] } },
    suggestion: '"statuses"',
  },
];

describe("the API in production mode (SPEC §7)", () => {
  let db: TestDatabase;
  let server: ProductionServer;
  let token: string;

  beforeAll(async () => {
    db = await sqlite.create();
    await buildClient(db.ds);
    server = await startProductionServer(db);
    token = await server.token([Role.ADMIN]);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it.each([
    ["__schema", "{ __schema { types { name } } }"],
    ["__type", '{ __type(name: "Client") { name fields { name } } }'],
    ["__schema, nested in a fragment", "{ ...F } fragment F on Query { __schema { queryType { name } } }"],
  ])("refuses introspection (%s)", async (_name, query) => {
    const res = await server.gql(token, query);
    expect(res.status).toBe(400);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(res.body.errors?.[0].message).toMatch(/introspection/i);
    // Nothing of the schema leaks through the refusal.
    expect(res.text).not.toMatch(/"(ClientConnection|CreditFacility|Mutation)"/);
  });

  it("still answers __typename and ordinary queries", async () => {
    const res = await server.gql(token, "{ __typename clients(first: 1) { totalCount } }");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ __typename: "Query", clients: { totalCount: 1 } });
  });

  it.each(MISSPELLINGS)("gives no suggestion for a misspelling: $query", async ({ query, variables, suggestion }) => {
    const res = await server.gql(token, query, variables);
    expect(res.status).toBe(400);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    for (const error of res.body.errors ?? []) {
      expect(error.message).not.toMatch(/did you mean/i);
      expect(error.message).not.toContain(suggestion);
    }
  });

  it("answers the same misspelling with a suggestion outside production (the check above is not vacuous)", async () => {
    const dev = await startTestServer(db.ds, NOW);
    try {
      const res = await dev.gql(await dev.token(Role.ADMIN), MISSPELLINGS[0].query);
      expect(res.body.errors?.[0].message).toMatch(/Did you mean "clients"/);
    } finally {
      await dev.close();
    }
  });

  it("refuses a token signed with the development secret", async () => {
    const devToken = await mintToken(DEV_JWT_SECRET, { sub: "mallory", roles: [Role.ADMIN] });
    const res = await server.gql(devToken, "{ viewer { subject } }");
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });
});

/**
 * Documents whose errors graphql-js writes by quoting them: enum literals, names typed in the document,
 * the text around a syntax error. Each carries the marker ZQSECRET (as a name where only a name parses).
 */
const ECHOES: { name: string; query: string; variables?: Record<string, unknown>; code: string }[] = [
  {
    name: "an enum literal that does not exist",
    query: "{ clients(filter: { statuses: [DROP_TABLE_ZQSECRET] }) { totalCount } }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  {
    name: "an enum value through a variable",
    query: "query($s: [ClientStatus!]) { clients(filter: { statuses: $s }) { totalCount } }",
    variables: { s: ["DROP_TABLE_ZQSECRET"] },
    code: "BAD_USER_INPUT",
  },
  {
    name: "a string where an enum goes",
    query: '{ clients(filter: { statuses: ["ZQSECRET"] }) { totalCount } }',
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  { name: "an unknown field", query: "{ ZQSECRET_field }", code: "GRAPHQL_VALIDATION_FAILED" },
  { name: "an unknown argument", query: "{ clients(ZQSECRET: 1) { totalCount } }", code: "GRAPHQL_VALIDATION_FAILED" },
  {
    name: "an unknown variable type",
    query: "query($f: ZQSECRET_Type) { clients(filter: $f) { totalCount } }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  { name: "an unknown fragment", query: "{ ...ZQSECRET_fragment }", code: "GRAPHQL_VALIDATION_FAILED" },
  {
    name: "an unused variable",
    query: "query($ZQSECRET_var: Int) { viewer { subject } }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  {
    name: "two operations of one name",
    query: "query ZQSECRET_op { viewer { subject } } query ZQSECRET_op { viewer { roles } }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  {
    name: "an unknown directive",
    query: "{ viewer @ZQSECRET_directive { subject } }",
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  {
    name: "a string literal where an Int goes",
    query: '{ clients(first: "ZQSECRET") { totalCount } }',
    code: "GRAPHQL_VALIDATION_FAILED",
  },
  { name: "a syntax error on a name", query: "{ viewer { subject } } ZQSECRET", code: "GRAPHQL_PARSE_FAILED" },
  {
    name: "a syntax error on a character",
    query: "{ viewer { <script>ZQSECRET</script> } }",
    code: "GRAPHQL_PARSE_FAILED",
  },
  { name: "a stray string", query: '{ viewer { subject } } "ZQSECRET"', code: "GRAPHQL_PARSE_FAILED" },
  { name: "a bad escape", query: '{ client(clientNo: "ZQSECRET\\q") { id } }', code: "GRAPHQL_PARSE_FAILED" },
  { name: "a bad number", query: "{ clients(first: 1ZQSECRET) { totalCount } }", code: "GRAPHQL_PARSE_FAILED" },
];

describe.each([
  ["production", true],
  ["development", false],
])("GraphQL errors in %s mode never echo the document or its values (SPEC §7, §10; defect 12)", (_mode, production) => {
  let db: TestDatabase;
  let gql: (query: string, variables?: Record<string, unknown>) => Promise<{ text: string; body: GqlBody }>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await sqlite.create();
    await buildClient(db.ds);
    if (production) {
      const server = await startProductionServer(db);
      const token = await server.token([Role.ADMIN]);
      gql = (q, v) => server.gql(token, q, v);
      close = () => server.close();
    } else {
      const server = await startTestServer(db.ds, NOW);
      const token = await server.token(Role.ADMIN);
      gql = async (q, v) => {
        const res = await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: q, variables: v }),
        });
        const text = await res.text();
        return { text, body: JSON.parse(text) as GqlBody };
      };
      close = () => server.close();
    }
  });

  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it.each(ECHOES)("$name: a coded error, without the input", async ({ query, variables, code }) => {
    const res = await gql(query, variables);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    expect(res.body.errors?.[0].extensions?.code).toBe(code);
    expect(res.text).not.toMatch(/ZQSECRET|DROP_TABLE|script/);
    for (const error of res.body.errors ?? []) expect(error.message.length).toBeLessThan(200);
  });
});

describe("an unexpected failure in production (SPEC §7: masked, logged with a request id)", () => {
  let db: TestDatabase;
  let server: ProductionServer;

  beforeAll(async () => {
    // A throwaway database whose `alert` table goes missing under a running server.
    db = await sqlite.create();
    const client = await buildClient(db.ds);
    await buildPortrait(db.ds, client);
    const facility = await buildFacility(db.ds, client, await buildProduct(db.ds));
    await buildAlert(db.ds, facility);
    server = await startProductionServer(db);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("answers the alerts before the table is dropped", async () => {
    const res = await server.gql(await server.token([Role.RISK_OFFICER]), "{ alerts(first: 5) { totalCount } }");
    expect(res.body).toMatchObject({ data: { alerts: { totalCount: 1 } } });
  });

  it.each([
    ["a top-level list", "{ alerts(first: 5) { totalCount nodes { id message } } }"],
    ["a nested connection (loader)", "{ clients(first: 5) { nodes { clientNo alerts(first: 5) { totalCount } } } }"],
  ])("masks the failure of %s as INTERNAL_SERVER_ERROR, without SQL or a stack", async (_name, query) => {
    await db.ds.query("DROP TABLE IF EXISTS `alert`");
    const res = await server.gql(await server.token([Role.RISK_OFFICER]), query);
    expect(res.status).toBeLessThan(500);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    for (const error of res.body.errors ?? []) {
      expect(error.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      expect(error.message).toBe("Internal server error");
      expect(Object.keys(error.extensions ?? {})).toEqual(["code"]);
    }
    expect(res.text).not.toContain("    at ");
    expect(res.text).not.toMatch(/no such table|SQLITE|SELECT|FROM|QueryFailedError|node_modules|\.ts:\d+/i);
    // …and the server logged it, with the request id the client got.
    expect(res.requestId).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    const logged = server.logs.filter((l) => l.requestId === res.requestId);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.map((l) => String(l.err))).toEqual(expect.arrayContaining([expect.stringMatching(/no such table/)]));
  });
});

describe("the production configuration", () => {
  it("refuses to load without AUTH_JWT_SECRET, naming it", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/AUTH_JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: "" })).toThrow(/AUTH_JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: "short" })).toThrow(/AUTH_JWT_SECRET/);
  });

  it("loads with a real secret, introspection off and without the development secret", () => {
    const config = loadConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: SECRET, LOG_LEVEL: "silent", ...KEYS });
    expect(config.production).toBe(true);
    expect(config.authJwtSecret).toBe(SECRET);
    expect(config.seedDemo).toBe(false);
  });
});

describe("node dist/src/main.js in production without AUTH_JWT_SECRET", () => {
  const root = path.resolve(__dirname, "../..");
  let entry = path.join(root, "dist/src/main.js");
  let buildDir: string | null = null;

  beforeAll(() => {
    if (fs.existsSync(entry)) return;
    // No build at hand: compile one into a temporary directory (dist/ is not ours to write).
    buildDir = fs.mkdtempSync(path.join(os.tmpdir(), "margin-build-"));
    execFileSync(
      process.execPath,
      [
        path.join(root, "node_modules/typescript/bin/tsc"),
        "-p",
        "tsconfig.build.json",
        "--outDir",
        buildDir,
        "--incremental",
        "false",
        "--tsBuildInfoFile",
        "null",
      ],
      { cwd: root, stdio: "pipe" },
    );
    entry = path.join(buildDir, "src/main.js");
  }, 240_000);

  afterAll(() => {
    if (buildDir) fs.rmSync(buildDir, { recursive: true, force: true });
  });

  /** Runs the entry point; kills it (by its own pid) if it is still up after `ms`. */
  function run(env: Record<string, string>, ms = 30_000): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [entry], {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_PATH: path.join(root, "node_modules"),
          DATABASE_URL: "sqlite::memory:",
          PORT: "0",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
      child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      child.on("error", reject);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }

  it.each([
    ["unset", {}],
    ["empty", { AUTH_JWT_SECRET: "" }],
    ["too short", { AUTH_JWT_SECRET: "short" }],
  ])(
    "exits non-zero naming AUTH_JWT_SECRET when it is %s",
    async (_name, env: Record<string, string>) => {
      const { code, output } = await run({ NODE_ENV: "production", ...env });
      expect(code).not.toBeNull();
      expect(code).not.toBe(0);
      expect(output).toContain("AUTH_JWT_SECRET");
      expect(output).not.toContain("    at ");
    },
    60_000,
  );
});
