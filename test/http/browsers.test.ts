import http from "node:http";
import zlib from "node:zlib";
import { Role } from "../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §11 browsers: CORS for the configured origins only (preflight 204 with the allowed methods and
 * headers, bearer tokens, no cookies), `Cache-Control: no-store` on answers that may hold personal
 * data, gzip when asked for, and HEAD.
 */
const sqlite = ENGINES.find((e) => e.name === "sqlite")!;
const APP = "https://desk.example.com";

/** A raw request (fetch hides Content-Encoding and forbids some headers). */
function raw(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("front ends in browsers (SPEC §11)", () => {
  let db: TestDatabase;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    db = await sqlite.create();
    for (let i = 0; i < 30; i += 1) await buildClient(db.ds);
    server = await startTestServer(db.ds, undefined, { CORS_ORIGINS: `${APP}, http://localhost:5173` });
    token = await server.token(Role.ANALYST);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("SPEC §11 CORS: a preflight from an allowed origin is 204 with the methods and headers, no credentials", async () => {
    const res = await raw(server.url, "OPTIONS", {
      origin: APP,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type, idempotency-key",
    });
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe(APP);
    expect(res.headers["access-control-allow-methods"]).toBe("GET, POST, OPTIONS");
    expect(res.headers["access-control-allow-headers"]).toBe(
      "authorization, content-type, idempotency-key, x-request-id",
    );
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(res.headers.vary).toContain("Origin");
  });

  it("SPEC §11 CORS: a POST from an allowed origin carries the headers; another origin gets none and its preflight is 403", async () => {
    const body = JSON.stringify({ query: "{ clients(first: 1) { totalCount } }" });
    const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
    const allowed = await raw(server.url, "POST", { ...headers, origin: APP }, body);
    expect(allowed.status).toBe(200);
    expect(allowed.headers["access-control-allow-origin"]).toBe(APP);
    expect(allowed.headers["access-control-expose-headers"]).toContain("x-request-id");
    const other = await raw(server.url, "POST", { ...headers, origin: "https://evil.example.net" }, body);
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    const preflight = await raw(server.url, "OPTIONS", {
      origin: "https://evil.example.net",
      "access-control-request-method": "POST",
    });
    expect(preflight.status).toBe(403);
    expect(JSON.parse(preflight.body.toString()).errors[0].extensions.code).toBe("ORIGIN_NOT_ALLOWED");
    expect(preflight.body.toString()).not.toContain("evil");
  });

  it("SPEC §11: GraphQL answers, GET included, are never stored by a cache", async () => {
    const get = await raw(
      `${server.url}?query=${encodeURIComponent("{ clients(first: 2) { nodes { name } } }")}`,
      "GET",
      {
        authorization: `Bearer ${token}`,
        "apollo-require-preflight": "true",
      },
    );
    expect(get.status).toBe(200);
    expect(get.headers["cache-control"]).toBe("no-store");
    const unauthenticated = await raw(server.url, "POST", { "content-type": "application/json" }, "{}");
    expect(unauthenticated.headers["cache-control"]).toBe("no-store");
  });

  it("SPEC §11: answers over 1 KB are gzipped for a client that accepts gzip, and identical once inflated", async () => {
    const body = JSON.stringify({ query: "{ clients(first: 30) { nodes { id clientNo branch type status } } }" });
    const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
    const plain = await raw(server.url, "POST", headers, body);
    const zipped = await raw(server.url, "POST", { ...headers, "accept-encoding": "gzip, deflate, br" }, body);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toContain("Accept-Encoding");
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(zlib.gunzipSync(zipped.body).toString()).toBe(plain.body.toString());
    const refused = await raw(server.url, "POST", { ...headers, "accept-encoding": "gzip;q=0" }, body);
    expect(refused.headers["content-encoding"]).toBeUndefined();
    const small = await raw(
      server.url,
      "POST",
      { ...headers, "accept-encoding": "gzip" },
      JSON.stringify({ query: "{ __typename }" }),
    );
    expect(small.headers["content-encoding"]).toBeUndefined();
  });

  it("SPEC §11: HEAD answers like GET without a body", async () => {
    const url = `${server.url}?query=${encodeURIComponent("{ __typename }")}`;
    const head = await raw(url, "HEAD", { authorization: `Bearer ${token}`, "apollo-require-preflight": "true" });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers["content-type"]).toContain("application/json");
    const health = await raw(server.url.replace("/graphql", "/healthz"), "HEAD", {});
    expect([health.status, health.body.length]).toEqual([200, 0]);
    expect((await raw(server.url, "PUT", { authorization: `Bearer ${token}` })).status).toBe(405);
  });
});
