import net from "node:net";
import type { AddressInfo } from "node:net";
import type { DataSource } from "typeorm";
import { createDataSource } from "../../src/db/data-source";
import { Role } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §10 deadline: REQUEST_TIMEOUT_MS cancels an operation still running: the answer is 503
 * TIMEOUT when the deadline passes, even with the database stalled, and its transaction never commits,
 * also after the stall ends.
 */
class StallingProxy {
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private stalled = false;
  readonly server: net.Server;

  constructor(target: { host: string; port: number }) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(target);
      const pair = { client, upstream };
      this.pairs.add(pair);
      for (const s of [client, upstream]) {
        s.on("close", () => this.pairs.delete(pair));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      if (this.stalled) client.pause();
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, "127.0.0.1", () => resolve((this.server.address() as AddressInfo).port)),
    );
  }

  /** Holds every byte from the API to the database until resume(). */
  stall(): void {
    this.stalled = true;
    for (const { client } of this.pairs) {
      client.unpipe();
      client.pause();
    }
  }

  resume(): void {
    this.stalled = false;
    for (const { client, upstream } of this.pairs) {
      client.pipe(upstream);
      client.resume();
    }
  }

  close(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const mysql = ENGINES.filter((e) => e.name === "mysql");
const suite = mysql.length > 0 ? describe.each(mysql) : describe.skip.each([{ name: "mysql (set TEST_MYSQL_URL)" }]);

suite("the request deadline on $name (SPEC §10)", () => {
  let db: TestDatabase;
  let proxy: StallingProxy;
  let proxied: DataSource;
  let server: TestServer;

  beforeAll(async () => {
    db = await mysql[0].create();
    const url = new URL(db.url);
    proxy = new StallingProxy({ host: url.hostname, port: Number(url.port || 3306) });
    url.port = String(await proxy.listen());
    proxied = createDataSource({ url: url.toString(), mariadb: db.ds.options.type === "mariadb", poolSize: 4 });
    await proxied.initialize();
    server = await startTestServer(proxied, undefined, { REQUEST_TIMEOUT_MS: "1000" });
  });

  afterAll(async () => {
    await server?.close();
    await proxied?.destroy();
    await proxy?.close();
    await db?.drop();
  });

  const trades = (n: number) =>
    Array.from({ length: n }, () => ({
      tradeDate: "2026-11-20",
      symbol: "S1",
      side: "BUY",
      quantity: 1,
      amount: "10.00",
    }));
  const RECORD = "mutation($i: RecordTradesInput!) { recordTrades(input: $i) { count userErrors { code } } }";
  const tradesOf = async (clientId: number) =>
    Number(
      ((await db.ds.query("SELECT COUNT(*) AS n FROM `trade` WHERE `clientId` = ?", [clientId])) as { n: unknown }[])[0]
        .n,
    );

  it("SPEC §10 deadline: a write held by a stalled database answers 503 TIMEOUT and is not committed after the stall ends", async () => {
    const client = await buildClient(db.ds);
    const token = await server.token(Role.RISK_OFFICER, { sub: "ro-li" });
    proxy.stall();
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: RECORD,
        variables: { i: { clientId: toGlobalId("Client", client.id), trades: trades(24) } },
      }),
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(res.status).toBe(503);
    expect(body.errors[0].extensions.code).toBe("TIMEOUT");
    expect(res.headers.get("retry-after")).toBe("1");
    proxy.resume();
    // The cancelled work runs to its end once the database answers again, and rolls back.
    for (let i = 0; i < 200 && server.app.load().inFlight > 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(server.app.load().inFlight).toBe(0);
    expect(await tradesOf(client.id)).toBe(0);
    expect(
      Number(
        (
          (await db.ds.query("SELECT COUNT(*) AS n FROM `audit_entry` WHERE `action` = 'recordTrades'")) as {
            n: unknown;
          }[]
        )[0].n,
      ),
    ).toBe(0);
    // And the service works normally afterwards.
    const again = await server.gql(token, RECORD, {
      i: { clientId: toGlobalId("Client", client.id), trades: trades(2) },
    });
    expect((again.body.data as { recordTrades: { count: number } }).recordTrades.count).toBe(2);
    expect(await tradesOf(client.id)).toBe(2);
  }, 60_000);

  it("SPEC §10 deadline: a statement still running at the deadline is stopped (KILL QUERY), its transaction rolled back", async () => {
    const client = await buildClient(db.ds);
    const token = await server.token(Role.RISK_OFFICER, { sub: "ro-li" });
    // Hold the client's row from another connection: the write waits on the lock inside the database.
    const holder = db.ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query("SELECT `id` FROM `client` WHERE `id` = ? FOR UPDATE", [client.id]);
    try {
      const res = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: RECORD,
          variables: { i: { clientId: toGlobalId("Client", client.id), trades: trades(3) } },
        }),
      });
      expect(res.status).toBe(503);
      for (let i = 0; i < 100 && server.app.load().inFlight > 0; i += 1) await new Promise((r) => setTimeout(r, 50));
      // The waiting statement was killed: the request finished while the lock is still held.
      expect(server.app.load().inFlight).toBe(0);
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    expect(await tradesOf(client.id)).toBe(0);
  }, 60_000);
});
