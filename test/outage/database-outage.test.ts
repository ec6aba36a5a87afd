import { createDataSource } from "../../src/db/data-source";
import { Role } from "../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { TcpProxy as Proxy } from "../support/tcp-proxy";
import type { DataSource } from "typeorm";

const mysql = ENGINES.filter((e) => e.name === "mysql");
const suite = mysql.length > 0 ? describe.each(mysql) : describe.skip.each([{ name: "mysql (set TEST_MYSQL_URL)" }]);

suite("a lost database on $name (SPEC §7)", () => {
  let db: TestDatabase;
  let proxy: Proxy;
  let proxied: DataSource;
  let server: TestServer;
  let token: string;
  const ready = () => fetch(server.url.replace("/graphql", "/readyz")).then((r) => r.status);

  beforeAll(async () => {
    db = await mysql[0].create();
    await buildClient(db.ds, { clientNo: "O0000001" });
    const url = new URL(db.url);
    proxy = new Proxy({ host: url.hostname, port: Number(url.port || 3306) });
    const port = await proxy.listen();
    url.port = String(port);
    proxied = createDataSource({
      url: url.toString(),
      mariadb: db.ds.options.type === "mariadb",
      timeoutMs: 1000,
      poolSize: 4,
    });
    await proxied.initialize();
    server = await startTestServer(proxied);
    token = await server.token(Role.RELATIONSHIP_MANAGER, { branch: "SH-PUDONG" });
  });

  afterAll(async () => {
    await server?.close();
    await proxied?.destroy().catch(() => undefined);
    await proxy?.close();
    await db?.drop();
  });

  it("answers 503 on /readyz and SERVICE_UNAVAILABLE while the database is away, writes nothing, and recovers by itself", async () => {
    expect(await ready()).toBe(200);
    expect((await server.gql(token, "{ clients(first: 1) { totalCount } }")).status).toBe(200);

    proxy.down();
    expect(await ready()).toBe(503);
    const read = await server.gql(token, "{ clients(first: 1) { totalCount } }");
    expect(read.body.errors?.[0].extensions?.code).toBe("SERVICE_UNAVAILABLE");
    const write = await server.gql(
      token,
      `mutation { registerClient(input: { clientNo: "O0000002", type: INDIVIDUAL, name: "周华", idNumber: "110101199003071233",
        branch: "SH-PUDONG", openedAt: "2024-01-02" }) { client { id } userErrors { code } } }`,
    );
    expect(write.body.errors?.[0].extensions?.code).toBe("SERVICE_UNAVAILABLE");

    proxy.up();
    let polls = 0;
    while ((await ready()) !== 200 && polls < 50) {
      polls += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(polls).toBeLessThan(50); // back within 5 s of the database returning
    const again = await server.gql<{ clients: { totalCount: number } }>(token, "{ clients(first: 1) { totalCount } }");
    expect(again.body.data!.clients.totalCount).toBe(1); // the refused registration left nothing behind
  });
});
