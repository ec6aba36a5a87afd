import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import pino from "pino";
import { loadConfig } from "../../src/config";
import { FixedClock } from "../../src/domain/clock";
import { Role } from "../../src/domain/enums";
import { buildApiSchema } from "../../src/schema/build";
import { createApp, type App } from "../../src/server/app";
import { MAX_OPERATION_LABELS } from "../../src/server/metrics";
import { createServices } from "../../src/services";
import { mintToken } from "../../src/services/access/tokens";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildPortrait } from "../support/factories";

/**
 * Hostile traffic is visible (SPEC §10): `/metrics` labels are bounded, error counters use the code
 * the client received, and refusals (401, 403, 413, 429, 431) are logged and counted without the token.
 */

const NOW = new Date("2026-11-27T08:00:00.000Z");
const engine = ENGINES[0];

interface Observed {
  base: string;
  app: App;
  /** Every line the server logged, parsed. */
  logs: Record<string, unknown>[];
  /** The raw log text, to look for what must never be in it. */
  raw(): string;
  token(roles: Role[], opts?: { sub?: string; branch?: string }): Promise<string>;
  post(
    body: string,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string }>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

async function startObserved(db: TestDatabase, env: Record<string, string> = {}): Promise<Observed> {
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "info", ...env });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(line);
      cb();
    },
  });
  const services = createServices(config, db.ds, new FixedClock(NOW));
  const app = await createApp({ schema: await buildApiSchema(), services, logger: pino({ level: "info" }, sink) });
  await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    base,
    app,
    get logs() {
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    raw: () => lines.join("\n"),
    token: (roles, opts = {}) =>
      mintToken(config.authJwtSecret, { sub: opts.sub ?? "observer", roles, branch: opts.branch ?? null }),
    async post(body, token, headers = {}) {
      const res = await fetch(`${base}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body,
      });
      return { status: res.status, text: await res.text() };
    },
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
    close: () => app.close(),
  };
}

/** The value of one series of `/metrics`, 0 when absent. */
function series(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf("}"));
    const have = inner.split(",");
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(line.split(" ").pop());
  }
  return 0;
}

function operationLabels(text: string): string[] {
  const labels = new Set<string>();
  for (const m of text.matchAll(/^graphql_requests_total\{operation="([^"]*)"/gm)) labels.add(m[1]);
  return [...labels];
}

/** A raw request, for what fetch will not send (headers over Node's limit). */
function rawRequest(base: string, headers: Record<string, string>): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: "/graphql", method: "POST", headers, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ query: "{ viewer { subject } }" }));
  });
}

const op = (name: string) => JSON.stringify({ query: `query ${name} { viewer { subject } }`, operationName: name });

describe("SPEC §10 hostile traffic is visible: /metrics labels are bounded", () => {
  let db: TestDatabase;
  let server: Observed;
  let token: string;

  beforeAll(async () => {
    db = await engine.create();
    server = await startObserved(db, { RATE_LIMIT_PER_MINUTE: "1000000000" });
    token = await server.token([Role.ANALYST]);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("counts an operation name outside [A-Za-z0-9_]{1,64} as `other`: 65 characters, and a 200 KB name", async () => {
    const before = (await server.metrics()).length;
    for (const name of ["A".repeat(65), `Q${"x".repeat(200 * 1024)}`]) {
      const res = await server.post(op(name), token);
      expect(res.status).toBe(200);
    }
    const text = await server.metrics();
    expect(series(text, "graphql_requests_total", { operation: "other", outcome: "ok" })).toBe(2);
    expect(operationLabels(text).every((l) => l.length <= 64)).toBe(true);
    // The 200 KB name is nowhere in /metrics: it grew by a few series, not by the name.
    expect(text.length - before).toBeLessThan(20 * 1024);
  });

  it("counts every name past the first 200 distinct ones as `other` (300 distinct names sent)", async () => {
    const names = Array.from({ length: 300 }, (_, i) => `Probe_${String(i).padStart(3, "0")}`);
    for (let i = 0; i < names.length; i += 10) {
      const statuses = await Promise.all(names.slice(i, i + 10).map((n) => server.post(op(n), token)));
      expect(statuses.map((s) => s.status)).toEqual(Array(statuses.length).fill(200));
    }
    const text = await server.metrics();
    const named = operationLabels(text).filter((l) => l.startsWith("Probe_"));
    // The first 200 names keep a label of their own (the refused names of the test above took none).
    expect(named).toHaveLength(MAX_OPERATION_LABELS);
    expect(named.sort()).toEqual(names.slice(0, 200));
    expect(series(text, "graphql_requests_total", { operation: "other", outcome: "ok" })).toBe(2 + 100);
    // A name kept before the cap is still counted under its own label.
    await server.post(op(named[0]), token);
    expect(series(await server.metrics(), "graphql_requests_total", { operation: named[0], outcome: "ok" })).toBe(2);
    expect(text.length).toBeLessThan(512 * 1024);
  });
});

describe("SPEC §10 hostile traffic is visible: error counters use the code the client received", () => {
  let db: TestDatabase;
  let server: Observed;

  beforeAll(async () => {
    db = await engine.create();
    const client = await buildClient(db.ds, { branch: "SH-A" });
    await buildPortrait(db.ds, client);
    server = await startObserved(db, { RATE_LIMIT_ROLES: "COMPLIANCE=5" });
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("counts branch FORBIDDEN, role FORBIDDEN, BAD_USER_INPUT and the edge's own refusals by the code each client got", async () => {
    const rm = await server.token([Role.RELATIONSHIP_MANAGER], { sub: "rm-a", branch: "SH-A" });
    const viewer = await server.token([Role.VIEWER], { sub: "viewer-a" });
    const analyst = await server.token([Role.ANALYST], { sub: "analyst-a" });
    const compliance = await server.token([Role.COMPLIANCE], { sub: "compliance-a" });
    const requests: [string, string | null][] = [
      // a write about another branch: FORBIDDEN from the service
      [
        JSON.stringify({
          query: `mutation { registerClient(input: { clientNo: "OBS-1", type: INDIVIDUAL, name: "Zhang San",
            idNumber: "11010519491231002X", branch: "BJ-B", openedAt: "2026-01-05" }) { client { id } } }`,
        }),
        rm,
      ],
      // a role the field does not allow: FORBIDDEN from the auth checker
      [JSON.stringify({ query: "{ auditLog(first: 1) { totalCount } }" }), viewer],
      // an argument out of range: BAD_USER_INPUT from the service
      [JSON.stringify({ query: "{ clients(first: 0) { totalCount } }" }), analyst],
      [JSON.stringify({ query: "{ clients(first: 1) { nodes { nope } } }" }), analyst],
      [JSON.stringify({ query: "{ clients(" }), analyst],
      [JSON.stringify({ query: "{ clients(first: 10) { nodes { clientNo } } }" }), compliance],
      ["{ not json", analyst],
      [JSON.stringify({ query: "{ viewer { subject } }" }), null],
      [JSON.stringify({ query: "{ viewer { subject } }" }), "not.a.token"],
    ];
    const received = new Map<string, number>();
    for (const [body, token] of requests) {
      const res = await server.post(body, token);
      const parsed = JSON.parse(res.text) as { errors?: { extensions?: { code?: string } }[] };
      for (const e of parsed.errors ?? []) {
        const code = String(e.extensions?.code);
        received.set(code, (received.get(code) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(received)).toEqual({
      FORBIDDEN: 2,
      BAD_USER_INPUT: 1,
      GRAPHQL_VALIDATION_FAILED: 1,
      GRAPHQL_PARSE_FAILED: 1,
      THROTTLED: 1,
      BAD_REQUEST: 1,
      UNAUTHENTICATED: 2,
    });
    const text = await server.metrics();
    const counted = Object.fromEntries(
      [...text.matchAll(/^graphql_errors_total\{code="([^"]+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[2])]),
    );
    expect(counted).toEqual(Object.fromEntries(received));
  });
});

describe("SPEC §10 hostile traffic is visible: refusals (401, 403, 413, 429, 431) are logged and counted without the token", () => {
  let db: TestDatabase;
  let server: Observed;

  beforeAll(async () => {
    db = await engine.create();
    await buildClient(db.ds);
    server = await startObserved(db, { RATE_LIMIT_ROLES: "COMPLIANCE=5" });
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it.each<[string, number, (s: Observed) => Promise<{ status: number; secret: string }>]>([
    [
      "a token signed with another secret",
      401,
      async (s) => {
        const forged = await mintToken("y".repeat(40), { sub: "mallory", roles: [Role.ADMIN] });
        return {
          status: (await s.post(JSON.stringify({ query: "{ viewer { subject } }" }), forged)).status,
          secret: forged,
        };
      },
    ],
    [
      "a bearer that is not a token",
      401,
      async (s) => {
        const junk = "SECRETJUNK.SECRETJUNK.SECRETJUNK";
        return {
          status: (await s.post(JSON.stringify({ query: "{ viewer { subject } }" }), junk)).status,
          secret: junk,
        };
      },
    ],
    [
      "an export by a role without access",
      403,
      async (s) => {
        const token = await s.token([Role.VIEWER], { sub: "viewer-export" });
        const res = await fetch(`${s.base}/export/segments/ANY/members?format=csv`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await res.text();
        return { status: res.status, secret: token };
      },
    ],
    [
      "a body over 1 MB",
      413,
      async (s) => {
        const token = await s.token([Role.ANALYST], { sub: "big-body" });
        const body = JSON.stringify({ query: `{ viewer { subject } } # ${"x".repeat(1024 * 1024)}` });
        return { status: (await s.post(body, token)).status, secret: token };
      },
    ],
    [
      "a request past the rate limit",
      429,
      async (s) => {
        const token = await s.token([Role.COMPLIANCE], { sub: "throttled" });
        const res = await s.post(JSON.stringify({ query: "{ clients(first: 10) { nodes { clientNo } } }" }), token);
        return { status: res.status, secret: token };
      },
    ],
    [
      "headers over Node's limit",
      431,
      async (s) => {
        const token = await s.token([Role.ANALYST], { sub: "fat-headers" });
        const status = await rawRequest(s.base, {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "x-padding": "p".repeat(20 * 1024),
        });
        return { status, secret: token };
      },
    ],
  ])("%s: HTTP %i, one log line and one count, no token", async (_name, expected, send) => {
    const linesBefore = server.logs.length;
    const before = await server.metrics();
    const { status, secret } = await send(server);
    expect(status).toBe(expected);
    await new Promise((r) => setTimeout(r, 50));
    const refused = server.logs.slice(linesBefore).filter((l) => l.msg === "request refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: expected, code: expect.stringMatching(/^[A-Z_]+$/) });
    // Neither the token nor its signature reaches a log line.
    const raw = server.raw();
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(secret.split(".").pop());
    const after = await server.metrics();
    const total = (text: string) =>
      [...text.matchAll(new RegExp(`^http_refusals_total\\{[^}]*status="${expected}"[^}]*\\} (\\d+)`, "gm"))].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    expect(total(after) - total(before)).toBe(1);
    expect(after).not.toContain(secret);
  });
});
