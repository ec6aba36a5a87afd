import type { AddressInfo } from "node:net";
import Decimal from "decimal.js";
import mysql, { type Connection } from "mysql2/promise";
import { DataSource, type DataSourceOptions, type QueryRunner } from "typeorm";
import { loadConfig } from "../../src/config";
import { dataSourceOptions } from "../../src/db/data-source";
import { CountingLogger } from "../../src/db/sql-counter";
import { FixedClock } from "../../src/domain/clock";
import { Role } from "../../src/domain/enums";
import { ClientEntity } from "../../src/entities";
import { createLogger } from "../../src/log";
import { buildApiSchema } from "../../src/schema/build";
import { createApp, type App } from "../../src/server/app";
import { createServices } from "../../src/services";
import { mintToken } from "../../src/services/access/tokens";
import { residentIdCheckChar } from "../../src/services/profile/identity";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildPortrait, buildSegment } from "../support/factories";

/**
 * Bulk reads on a real MariaDB read replica (scripts/replica.sh start): segment stats and members,
 * filtered client lists and the segment export read the replica; mutations and every other read use
 * the primary. With the replica's SQL thread stopped, a write is on the primary only, so each read
 * shows which database it went to; once the replica catches up, the bulk reads see the write too.
 */

const replicaBase = process.env.TEST_REPLICA_URL?.replace(/\/+$/, "");
if (process.env.CI === "true" && !replicaBase) {
  throw new Error("CI=true but TEST_REPLICA_URL is not set: run scripts/replica.sh start; the replica tests must run");
}
const primaryEngine = ENGINES.find((e) => e.name === "mysql");
const suite = replicaBase && primaryEngine ? describe : describe.skip;

const WAIT_MS = 30_000;
const NOW = new Date("2026-11-27T08:00:00.000Z");
const ID17 = "11010119900307123";
const VALID_ID = ID17 + residentIdCheckChar(ID17);

/** Counts the statements a DataSource sends, and still feeds the per-request tally. */
class StatementCounter extends CountingLogger {
  statements = 0;

  override logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.statements += 1;
    super.logQuery(query, parameters, queryRunner);
  }
}

async function openCounted(url: string): Promise<{ ds: DataSource; counter: StatementCounter }> {
  const counter = new StatementCounter();
  const options = { ...dataSourceOptions({ url, mariadb: true, poolSize: 5 }), logger: counter } as DataSourceOptions;
  const ds = new DataSource(options);
  await ds.initialize();
  return { ds, counter };
}

async function poll<T>(what: string, probe: () => Promise<T | null>, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Row = Record<string, unknown>;

suite("bulk reads on a MariaDB read replica (TEST_REPLICA_URL)", () => {
  let db: TestDatabase;
  let dbName: string;
  let replicaAdmin: Connection;
  let primary: { ds: DataSource; counter: StatementCounter };
  let replica: { ds: DataSource; counter: StatementCounter };
  let app: App;
  let graphqlUrl: string;
  let admin: string;
  let sqlThreadStopped = false;

  const replicaQuery = async <T extends Row>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await replicaAdmin.query(sql, params))[0] as T[];

  /** Waits until the replica has applied everything the primary has logged so far. */
  async function catchUp(): Promise<void> {
    const [{ pos }] = (await db.ds.query("SELECT @@gtid_binlog_pos AS pos")) as { pos: string }[];
    const [{ r }] = await replicaQuery<{ r: unknown }>("SELECT MASTER_GTID_WAIT(?, ?) AS r", [pos, WAIT_MS / 1000]);
    if (Number(r) !== 0) {
      const [status] = await replicaQuery("SHOW SLAVE STATUS");
      throw new Error(`the replica did not reach GTID ${pos}: ${JSON.stringify(status)}`);
    }
  }

  async function gql<T = Row>(query: string, variables?: Row): Promise<T> {
    const res = await fetch(graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data as T;
  }

  /** Statements each database received while `fn` ran. */
  async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; primary: number; replica: number }> {
    const p0 = primary.counter.statements;
    const r0 = replica.counter.statements;
    const result = await fn();
    return { result, primary: primary.counter.statements - p0, replica: replica.counter.statements - r0 };
  }

  const stats = () =>
    gql<{ segment: { stats: { clientCount: number }; members: { totalCount: number } } }>(
      `{ segment(code: "RS") { stats { clientCount } members(first: 50) { totalCount } } }`,
    );
  const filtered = () =>
    gql<{ clients: { totalCount: number; nodes: { clientNo: string }[] } }>(
      `{ clients(first: 50, filter: { clientNoPrefix: "RPL" }) { totalCount nodes { clientNo } } }`,
    );
  const unfiltered = () =>
    gql<{ clients: { totalCount: number; nodes: { clientNo: string }[] } }>(
      `{ clients(first: 50) { totalCount nodes { clientNo } } }`,
    );
  const byNo = (clientNo: string) =>
    gql<{ client: { clientNo: string } | null }>(`query($no: String!) { client(clientNo: $no) { clientNo } }`, {
      no: clientNo,
    });
  async function exported(): Promise<string[]> {
    const res = await fetch(graphqlUrl.replace("/graphql", "/export/segments/RS/members?format=ndjson"), {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    const text = (await res.text()).trim();
    return text === "" ? [] : text.split("\n").map((l) => (JSON.parse(l) as { clientNo: string }).clientNo);
  }

  beforeAll(async () => {
    replicaAdmin = await mysql.createConnection({ uri: replicaBase!, connectTimeout: 5000 });
    const [status] = await replicaQuery<{ Slave_IO_Running: string; Slave_SQL_Running: string }>("SHOW SLAVE STATUS");
    if (status?.Slave_IO_Running !== "Yes" || status?.Slave_SQL_Running !== "Yes") {
      throw new Error(`${replicaBase} is not replicating (run scripts/replica.sh start): ${JSON.stringify(status)}`);
    }
    // The replica ignores databases that predate it; a reused name (pid recycling) would never arrive.
    const [{ ignored }] = await replicaQuery<{ ignored: string }>("SELECT @@replicate_ignore_db AS ignored");
    for (let attempt = 0; ; attempt += 1) {
      db = await primaryEngine!.create();
      dbName = new URL(db.url).pathname.slice(1);
      if (!ignored.split(",").includes(dbName)) break;
      await db.drop();
      if (attempt >= 5) throw new Error(`every test database name is on the replica's ignore list: ${ignored}`);
    }
    // Created and migrated on the primary only: wait for the replica to have it.
    const [{ n: tables }] = (await db.ds.query(
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE()",
    )) as { n: unknown }[];
    await poll(`database ${dbName} on the replica`, async () => {
      const [{ n }] = await replicaQuery<{ n: unknown }>(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?",
        [dbName],
      );
      return Number(n) === Number(tables) ? true : null;
    });

    primary = await openCounted(db.url);
    replica = await openCounted(`${replicaBase}/${dbName}`);

    // As test/support/server.ts builds the app, with the replica as the bulk-read source.
    const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" });
    const services = createServices(config, primary.ds, new FixedClock(NOW), [replica.ds]);
    app = await createApp({ schema: await buildApiSchema(), services, logger: createLogger("silent") });
    await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
    graphqlUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
    admin = await mintToken(config.authJwtSecret, { sub: "replica-tester", roles: [Role.ADMIN], branch: null });

    await buildSegment(db.ds, {
      code: "RS",
      priority: 10,
      minAvgDailyAssets: new Decimal("1000000"),
      maxAvgDailyAssets: new Decimal("10000000"),
    });
    for (let i = 1; i <= 5; i += 1) {
      const c = await buildClient(db.ds, { clientNo: `RPL${String(i).padStart(4, "0")}` });
      await buildPortrait(db.ds, c, { avgDailyAssets20d: new Decimal("2000000.00") });
    }
    // Not a member (too small), and not in the prefix filter.
    const other = await buildClient(db.ds, { clientNo: "OTH0001" });
    await buildPortrait(db.ds, other, { avgDailyAssets20d: new Decimal("100000.00") });
    await catchUp();
  }, 120_000);

  afterAll(async () => {
    if (sqlThreadStopped) await replicaQuery("START SLAVE SQL_THREAD");
    await app?.close();
    await primary?.ds.destroy();
    await replica?.ds.destroy();
    if (db) {
      await db.drop(); // on the primary; the DROP replicates
      await poll(`${dbName} to disappear from the replica`, async () => {
        const [{ n }] = await replicaQuery<{ n: unknown }>(
          "SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name = ?",
          [dbName],
        );
        return Number(n) === 0 ? true : null;
      });
    }
    await replicaAdmin?.end();
  }, 60_000);

  it("reads segment stats and members, filtered lists and the export from the replica", async () => {
    const s = await counted(stats);
    expect(s.result.segment.stats.clientCount).toBe(5);
    expect(s.result.segment.members.totalCount).toBe(5);
    expect(s.replica).toBeGreaterThan(0);

    const f = await counted(filtered);
    expect(f.result.clients.totalCount).toBe(5);
    expect(f.replica).toBeGreaterThan(0);

    const e = await counted(exported);
    expect(e.result).toEqual(["RPL0001", "RPL0002", "RPL0003", "RPL0004", "RPL0005"]);
    expect(e.replica).toBeGreaterThan(0);

    // Point reads and unfiltered lists stay on the primary.
    const one = await counted(() => byNo("RPL0001"));
    expect(one.result.client?.clientNo).toBe("RPL0001");
    expect(one.replica).toBe(0);
    expect(one.primary).toBeGreaterThan(0);
    const all = await counted(unfiltered);
    expect(all.result.clients.totalCount).toBe(6);
    expect(all.replica).toBe(0);
  });

  it("writes go to the primary; the bulk reads see them once the replica has caught up", async () => {
    await replicaQuery("STOP SLAVE SQL_THREAD");
    sqlThreadStopped = true;

    const reg = await counted(() =>
      gql<{ registerClient: { client: { clientNo: string } | null; userErrors: unknown[] } }>(
        `mutation($input: RegisterClientInput!) {
          registerClient(input: $input) { client { clientNo } userErrors { field message code } }
        }`,
        {
          input: {
            clientNo: "RPL0006",
            type: "INDIVIDUAL",
            name: "李雷",
            idNumber: VALID_ID,
            phone: "13812345678",
            branch: "SH-PUDONG",
            openedAt: "2021-03-01",
          },
        },
      ),
    );
    expect(reg.result.registerClient.userErrors).toEqual([]);
    expect(reg.result.registerClient.client?.clientNo).toBe("RPL0006");
    expect(reg.replica).toBe(0);
    expect(reg.primary).toBeGreaterThan(0);
    // A portrait in the segment's band, on the primary, so the new client is a member there.
    const created = await db.ds.getRepository(ClientEntity).findOneByOrFail({ clientNo: "RPL0006" });
    await buildPortrait(db.ds, created, { avgDailyAssets20d: new Decimal("2500000.00") });

    // The primary has it ...
    expect((await byNo("RPL0006")).client?.clientNo).toBe("RPL0006");
    expect((await unfiltered()).clients.totalCount).toBe(7);
    // ... the replica, with its SQL thread stopped, does not.
    const [{ n: onReplica }] = await replicaQuery<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM \`${dbName}\`.\`client\` WHERE \`clientNo\` = 'RPL0006'`,
    );
    expect(Number(onReplica)).toBe(0);
    const before = await stats();
    expect(before.segment.stats.clientCount).toBe(5);
    expect(before.segment.members.totalCount).toBe(5);
    const beforeList = await filtered();
    expect(beforeList.clients.totalCount).toBe(5);
    expect(beforeList.clients.nodes.map((c) => c.clientNo)).not.toContain("RPL0006");
    expect(await exported()).not.toContain("RPL0006");

    await replicaQuery("START SLAVE SQL_THREAD");
    sqlThreadStopped = false;
    await catchUp();

    const after = await stats();
    expect(after.segment.stats.clientCount).toBe(6);
    expect(after.segment.members.totalCount).toBe(6);
    const afterList = await filtered();
    expect(afterList.clients.totalCount).toBe(6);
    expect(afterList.clients.nodes.map((c) => c.clientNo)).toContain("RPL0006");
    expect(await exported()).toEqual(["RPL0001", "RPL0002", "RPL0003", "RPL0004", "RPL0005", "RPL0006"]);
  });
});
