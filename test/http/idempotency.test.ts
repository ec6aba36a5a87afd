import { DEV_JWT_SECRET } from "../../src/config";
import { Role } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import { mintToken } from "../../src/services/access/tokens";
import { startApiProcess } from "../support/api-process";
import { compiledBuild } from "../support/build";
import { ENGINES, type TestDatabase, type TestEngine } from "../support/engines";
import { buildClient } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §10 "retries are safe": a mutation request may carry Idempotency-Key; the same key and body
 * replay the first answer without running anything, another body is 422, a second while the first
 * runs is 409, and the stored answer commits with the change, so even a crash between commit and
 * answer never applies a keyed request twice.
 */
const RECORD = "mutation($i: RecordTradesInput!) { recordTrades(input: $i) { count userErrors { code field } } }";

function trades(n: number, amount = "100.00") {
  return Array.from({ length: n }, (_, i) => ({
    tradeDate: "2026-11-20",
    symbol: `S${i % 50}`,
    side: "BUY",
    quantity: 100,
    amount,
  }));
}

async function post(url: string, token: string, body: string, key?: string) {
  const headers: Record<string, string> = { "content-type": "application/json", authorization: `Bearer ${token}` };
  if (key !== undefined) headers["idempotency-key"] = key;
  const res = await fetch(url, { method: "POST", headers, body });
  return { status: res.status, replayed: res.headers.get("idempotent-replayed"), text: await res.text() };
}

const count = async (db: TestDatabase, clientId: number) =>
  Number(
    ((await db.ds.query("SELECT COUNT(*) AS n FROM `trade` WHERE `clientId` = ?", [clientId])) as { n: unknown }[])[0]
      .n,
  );

function suite(engine: TestEngine) {
  let db: TestDatabase;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    db = await engine.create();
    server = await startTestServer(db.ds);
    token = await server.token(Role.RISK_OFFICER, { sub: "ro-li" });
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("SPEC §10 retries are safe: the same key and body replay the first answer and store the trades once", async () => {
    const client = await buildClient(db.ds);
    const body = JSON.stringify({
      query: RECORD,
      variables: { i: { clientId: toGlobalId("Client", client.id), trades: trades(3) } },
    });
    const first = await post(server.url, token, body, "retry-1");
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text).data.recordTrades).toEqual({ count: 3, userErrors: [] });
    expect(first.replayed).toBeNull();
    for (let i = 0; i < 3; i += 1) {
      const again = await post(server.url, token, body, "retry-1");
      expect({ status: again.status, replayed: again.replayed, text: again.text }).toEqual({
        status: 200,
        replayed: "true",
        text: first.text,
      });
    }
    expect(await count(db, client.id)).toBe(3);
    // Without a key the same body is a new request, as before.
    await post(server.url, token, body);
    expect(await count(db, client.id)).toBe(6);
  });

  it("SPEC §10 retries are safe: the same key with another body is 422 IDEMPOTENCY_KEY_REUSED and runs nothing", async () => {
    const client = await buildClient(db.ds);
    const id = toGlobalId("Client", client.id);
    await post(
      server.url,
      token,
      JSON.stringify({ query: RECORD, variables: { i: { clientId: id, trades: trades(1) } } }),
      "k-2",
    );
    const other = await post(
      server.url,
      token,
      JSON.stringify({ query: RECORD, variables: { i: { clientId: id, trades: trades(2) } } }),
      "k-2",
    );
    expect(other.status).toBe(422);
    expect(JSON.parse(other.text).errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await count(db, client.id)).toBe(1);
  });

  it("SPEC §10 retries are safe: keys belong to the token's subject; a malformed key is 400; a query ignores its key", async () => {
    const client = await buildClient(db.ds);
    const body = JSON.stringify({
      query: RECORD,
      variables: { i: { clientId: toGlobalId("Client", client.id), trades: trades(1) } },
    });
    const other = await server.token(Role.RISK_OFFICER, { sub: "ro-wang" });
    expect((await post(server.url, token, body, "shared")).replayed).toBeNull();
    expect((await post(server.url, other, body, "shared")).replayed).toBeNull();
    expect(await count(db, client.id)).toBe(2);
    for (const bad of ["", "x".repeat(65), "has space", "ünïcode"]) {
      const res = await post(server.url, token, body, bad);
      expect([res.status, JSON.parse(res.text).errors[0].extensions.code]).toEqual([400, "IDEMPOTENCY_KEY_INVALID"]);
      expect(res.text).not.toContain(bad || "\u0000");
    }
    const query = await post(server.url, token, JSON.stringify({ query: "{ __typename }" }), "q-1");
    expect(query.status).toBe(200);
    expect(await count(db, client.id)).toBe(2);
  });

  it("SPEC §10 retries are safe: a refusal in the payload is the answer and is replayed; a 400 is not stored", async () => {
    const body = JSON.stringify({
      query: RECORD,
      variables: { i: { clientId: toGlobalId("Client", 999999), trades: trades(1) } },
    });
    const first = await post(server.url, token, body, "refused-1");
    expect(JSON.parse(first.text).data.recordTrades.userErrors[0].code).toBe("NOT_FOUND");
    expect((await post(server.url, token, body, "refused-1")).replayed).toBe("true");
    const invalid = JSON.stringify({ query: RECORD, variables: { i: { clientId: "x" } } });
    expect((await post(server.url, token, invalid, "bad-vars")).status).toBe(400);
    const client = await buildClient(db.ds);
    const fixed = JSON.stringify({
      query: RECORD,
      variables: { i: { clientId: toGlobalId("Client", client.id), trades: trades(1) } },
    });
    // The key of a 400 was not kept: the same key with the corrected body runs.
    const ran = await post(server.url, token, fixed, "bad-vars");
    expect([ran.status, ran.replayed]).toEqual([200, null]);
    expect(await count(db, client.id)).toBe(1);
  });

  if (engine.name === "mysql") {
    it("SPEC §10 retries are safe: the same key fired twice at once runs once; the other is 409 IDEMPOTENCY_KEY_IN_USE", async () => {
      const client = await buildClient(db.ds);
      const body = JSON.stringify({
        query: RECORD,
        variables: { i: { clientId: toGlobalId("Client", client.id), trades: trades(5000) } },
      });
      const both = await Promise.all([post(server.url, token, body, "twice"), post(server.url, token, body, "twice")]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(JSON.parse(both.find((r) => r.status === 409)!.text).errors[0].extensions.code).toBe(
        "IDEMPOTENCY_KEY_IN_USE",
      );
      expect(await count(db, client.id)).toBe(5000);
    });
  }
}

describe.each(ENGINES)("Idempotency-Key on $name (SPEC §10)", suite);

const mysql = ENGINES.filter((e) => e.name === "mysql");

/** The built API as a process on the database, with the answer's URL. */
async function startProcess(build: string, db: TestDatabase, env: Record<string, string>) {
  const api = await startApiProcess(build, db.url, env);
  return { url: `${api.origin}/graphql`, child: api.child, stop: () => api.kill() };
}

(mysql.length > 0 ? describe.each(mysql) : describe.skip.each(ENGINES))(
  "Idempotency-Key across a crash on $name (SPEC §10)",
  (engine) => {
    let db: TestDatabase;
    let build: string;

    beforeAll(async () => {
      build = compiledBuild();
      db = await engine.create();
    }, 240_000);

    afterAll(() => db?.drop());

    it("SPEC §10 retries are safe: killed between commit and answer, the retry after restart replays instead of applying twice", async () => {
      const client = await buildClient(db.ds, { branch: "SH-PUDONG" });
      const token = await mintToken(DEV_JWT_SECRET, { sub: "ro-li", roles: [Role.RISK_OFFICER] });
      const body = JSON.stringify({
        query: RECORD,
        variables: { i: { clientId: toGlobalId("Client", client.id), trades: trades(24) } },
      });
      const dying = await startProcess(build, db, { NODE_ENV: "test", FAULT_EXIT_AFTER_COMMIT: "true" });
      await expect(post(dying.url, token, body, "crash-1")).rejects.toThrow();
      await dying.stop();
      expect(dying.child.signalCode).toBe("SIGKILL");
      // The change committed with its answer, before the process died.
      expect(await count(db, client.id)).toBe(24);

      const api = await startProcess(build, db, { NODE_ENV: "test" });
      try {
        const retry = await post(api.url, token, body, "crash-1");
        expect([retry.status, retry.replayed]).toEqual([200, "true"]);
        expect(JSON.parse(retry.text).data.recordTrades).toEqual({ count: 24, userErrors: [] });
        expect(await count(db, client.id)).toBe(24);
      } finally {
        await api.stop();
      }
    }, 240_000);
  },
);
