import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import Decimal from "decimal.js";
import type { DataSource } from "typeorm";
import { DEV_JWT_SECRET } from "../../src/config";
import { FacilityStatus, Role } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import { CreditFacilityEntity, type ClientEntity, type ProductEntity } from "../../src/entities";
import { mintToken } from "../../src/services/access/tokens";
import { startApiProcess } from "../support/api-process";
import { compiledBuild } from "../support/build";
import { ENGINES, type TestDatabase, type TestEngine } from "../support/engines";
import { buildClient } from "../support/factories";
import { clientWith, defaultSegments, plainProduct } from "../lifecycle/helpers";

/**
 * SPEC §10 "nothing half-written after a failure", with the process killed outright (SIGKILL) in the
 * middle of large batches, on MariaDB: after a restart the invariants hold in SQL, and running the
 * batch again finishes the work without doing any of it twice.
 */
const mysql = ENGINES.filter((e) => e.name === "mysql");
const root = path.resolve(__dirname, "../..");
const TODAY = new Date().toISOString().slice(0, 10);

const count = async (ds: DataSource, sql: string, params: unknown[] = []) =>
  Number(((await ds.query(sql, params)) as { n: unknown }[])[0].n);

interface Api {
  child: ChildProcess;
  url: string;
  gql(query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>>;
  kill(): Promise<void>;
}

async function startApi(build: string, db: TestDatabase): Promise<Api> {
  // 5,000 valuations in one request can take longer than the default deadline on a busy machine.
  const api = await startApiProcess(build, db.url, { REQUEST_TIMEOUT_MS: "600000" });
  const token = await mintToken(DEV_JWT_SECRET, { sub: "ro-crash", roles: [Role.RISK_OFFICER, Role.ADMIN] });
  return {
    child: api.child,
    url: api.origin,
    async gql(query, variables) {
      const res = await fetch(`${api.origin}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as Record<string, unknown>;
    },
    kill: () => api.kill(),
  };
}

/**
 * Fires a request and SIGKILLs the API once `when` holds (polled every 10 ms) or after `ms`;
 * resolves to whether the answer arrived first.
 */
async function killDuring(
  api: Api,
  request: () => Promise<unknown>,
  ms: number,
  when: () => Promise<boolean> = async () => false,
): Promise<boolean> {
  let answered = false;
  const pending = request().then(
    () => (answered = true),
    () => undefined,
  );
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !answered && !(await when())) await new Promise((r) => setTimeout(r, 10));
  await api.kill();
  await pending;
  return answered;
}

function suite(engine: TestEngine) {
  let db: TestDatabase;
  let build: string;
  let product: ProductEntity;
  const apis: Api[] = [];

  beforeAll(async () => {
    build = compiledBuild();
    db = await engine.create();
    await defaultSegments(db.ds);
    product = await plainProduct(db.ds);
  }, 240_000);

  afterAll(async () => {
    for (const api of apis) await api.kill();
    await db?.drop();
  });

  /** `n` in-force facilities over `clients` clients, inserted in bulk. */
  async function facilities(n: number, clients: number, o: Partial<CreditFacilityEntity> = {}): Promise<number[]> {
    const owners: ClientEntity[] = [];
    for (let i = 0; i < clients; i += 1) owners.push(await clientWith(db.ds));
    const now = new Date();
    const rows = Array.from({ length: n }, (_, i) => ({
      clientId: owners[i % clients].id,
      productId: product.id,
      status: FacilityStatus.ACTIVE,
      approvalTier: "STANDARD",
      requestedLimit: new Decimal("100000"),
      approvedLimit: new Decimal("100000"),
      approvedBy: "ro-1",
      usedAmount: new Decimal("50000"),
      collateralValue: new Decimal("90000"),
      annualRate: new Decimal("0.0835"),
      startDate: "2026-05-01",
      maturityDate: "2026-12-31",
      extensionsUsed: 0,
      decisionReasons: [],
      disclosureVersion: "2026-01",
      createdAt: now,
      updatedAt: now,
      version: 1,
      ...o,
    }));
    const repo = db.ds.getRepository(CreditFacilityEntity);
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      const result = await repo.insert(rows.slice(i, i + 500) as never);
      ids.push(...result.identifiers.map((x) => Number(x.id)));
    }
    return ids;
  }

  it("SPEC §10 a valuation batch of 5,000 killed mid-transaction leaves all or nothing, and every stored valuation has its audit entry", async () => {
    const ids = await facilities(5000, 50);
    const api = await startApi(build, db);
    apis.push(api);
    const valuations = ids.map((id) => ({
      facilityId: toGlobalId("CreditFacility", id),
      asOf: TODAY,
      usedAmount: "50000.00",
      collateralValue: "60000.00",
    }));
    const answered = await killDuring(
      api,
      () =>
        api.gql(
          "mutation($i: RecordFacilityValuationsInput!) { recordFacilityValuations(input: $i) { alertsRaised userErrors { code } } }",
          { i: { valuations } },
        ),
      700,
    );
    expect(answered).toBe(false);
    const valued = await count(
      db.ds,
      `SELECT COUNT(*) AS n FROM \`credit_facility\` WHERE \`valuationAsOf\` = ? AND \`id\` BETWEEN ? AND ?`,
      [TODAY, ids[0], ids[ids.length - 1]],
    );
    expect([0, 5000]).toContain(valued);
    expect(
      await count(db.ds, "SELECT COUNT(*) AS n FROM `audit_entry` WHERE `action` = 'recordFacilityValuations'"),
    ).toBe(valued);
    expect(await count(db.ds, "SELECT COUNT(*) AS n FROM `alert` WHERE `kind` = 'MARGIN_CALL'")).toBe(valued);
    // The outbox commits with the change (SPEC §12): every stored valuation and alert has its event, no other.
    expect(await count(db.ds, "SELECT COUNT(*) AS n FROM `event` WHERE `type` = 'valuation.recorded'")).toBe(valued);
    expect(await count(db.ds, "SELECT COUNT(*) AS n FROM `event` WHERE `type` = 'alert.raised'")).toBe(
      await count(db.ds, "SELECT COUNT(*) AS n FROM `alert`"),
    );

    // Restarted, the same batch goes through once.
    const again = await startApi(build, db);
    apis.push(again);
    const body = await again.gql(
      "mutation($i: RecordFacilityValuationsInput!) { recordFacilityValuations(input: $i) { alertsRaised userErrors { code } } }",
      { i: { valuations } },
    );
    expect(body.errors).toBeUndefined();
    expect(
      await count(db.ds, "SELECT COUNT(*) AS n FROM `alert` WHERE `kind` = 'MARGIN_CALL' AND `resolvedAt` IS NULL"),
    ).toBe(5000);
    await again.kill();
    await db.ds.query("UPDATE `credit_facility` SET `status` = 'CLOSED' WHERE `status` <> 'CLOSED'");
  }, 240_000);

  it("SPEC §10 processMaturities killed part-way: every committed change has its audit entry, and the rerun finishes without doing anything twice", async () => {
    const ids = await facilities(1500, 30, { maturityDate: "2026-11-30" });
    const api = await startApi(build, db);
    apis.push(api);
    const answered = await killDuring(
      api,
      () =>
        api.gql("mutation($i: ProcessMaturitiesInput!) { processMaturities(input: $i) { count } }", {
          i: { asOf: TODAY },
        }),
      60_000,
      async () =>
        (await count(db.ds, "SELECT COUNT(*) AS n FROM `credit_facility` WHERE `status` = 'LIQUIDATING'")) >= 200,
    );
    expect(answered).toBe(false);
    const range = [ids[0], ids[ids.length - 1]];
    const liquidating = await count(
      db.ds,
      "SELECT COUNT(*) AS n FROM `credit_facility` WHERE `status` = 'LIQUIDATING' AND `id` BETWEEN ? AND ?",
      range,
    );
    // Killed part-way: some batches committed, not all (else the kill came too late to prove anything).
    expect(liquidating).toBeGreaterThan(0);
    expect(liquidating).toBeLessThan(1500);
    expect(liquidating % 200).toBe(0);
    const audited = await count(
      db.ds,
      "SELECT COUNT(*) AS n FROM `audit_entry` WHERE `action` = 'processMaturities' AND `entityType` = 'CreditFacility'",
    );
    expect(audited).toBe(liquidating);
    expect(await count(db.ds, "SELECT COUNT(*) AS n FROM `event` WHERE `type` = 'facility.matured'")).toBe(liquidating);
    const batches = (await db.ds.query(
      "SELECT `changes` FROM `audit_entry` WHERE `action` = 'processMaturities' AND `entityType` = 'Batch'",
    )) as { changes: string }[];
    expect(batches.reduce((n, b) => n + Number(JSON.parse(b.changes).changes ?? 0), 0)).toBe(liquidating);

    const again = await startApi(build, db);
    apis.push(again);
    const body = await again.gql("mutation($i: ProcessMaturitiesInput!) { processMaturities(input: $i) { count } }", {
      i: { asOf: TODAY },
    });
    expect(body.errors).toBeUndefined();
    expect(
      await count(
        db.ds,
        "SELECT COUNT(*) AS n FROM `credit_facility` WHERE `status` = 'LIQUIDATING' AND `id` BETWEEN ? AND ?",
        range,
      ),
    ).toBe(1500);
    expect(
      await count(
        db.ds,
        "SELECT COUNT(*) AS n FROM `audit_entry` WHERE `action` = 'processMaturities' AND `entityType` = 'CreditFacility'",
      ),
    ).toBe(1500);
    expect(
      await count(
        db.ds,
        "SELECT COUNT(*) AS n FROM `alert` WHERE `kind` = 'MATURITY_DUE' AND `severity` = 'CRITICAL' AND `resolvedAt` IS NULL",
      ),
    ).toBe(1500);
    await again.kill();
  }, 240_000);

  it("SPEC §10 npm run refresh-portraits killed part-way leaves no portrait without the audit entry of its batch", async () => {
    // One commit for the 1,500 clients (a commit each was most of this test's time on MariaDB).
    await db.ds.transaction(async (m) => {
      for (let i = 0; i < 1500; i += 1) await buildClient(m);
    });
    const child = spawn(process.execPath, [path.join(build, "src/cli/refresh-portraits.js"), "--batch", "100"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", NODE_PATH: path.join(root, "node_modules"), DATABASE_URL: db.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr!.on("data", (c: Buffer) => (output += c.toString("utf8")));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // Killed once a few batches are in, polled in the database.
    while (
      child.exitCode === null &&
      (await count(db.ds, "SELECT COUNT(*) AS n FROM `portrait` WHERE `asOf` = ?", [TODAY])) < 300
    ) {
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill("SIGKILL");
    await exited;
    if (child.signalCode !== "SIGKILL") throw new Error(`refresh-portraits ended before it was killed:\n${output}`);
    expect(child.signalCode).toBe("SIGKILL");
    const batches = (await db.ds.query("SELECT `changes` FROM `audit_entry` WHERE `action` = 'refreshPortraits'")) as {
      changes: string;
    }[];
    const audited = batches.reduce((n, b) => n + Number(JSON.parse(b.changes).portraits), 0);
    const written = await count(db.ds, "SELECT COUNT(*) AS n FROM `portrait` WHERE `asOf` = ?", [TODAY]);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(await count(db.ds, "SELECT COUNT(*) AS n FROM `client`"));
    expect(audited).toBe(written);
  }, 240_000);
}

if (mysql.length > 0) {
  describe.each(mysql)("crashes in the middle of large batches on $name (SPEC §10)", suite);
} else if (process.env.CI !== "true") {
  // engines.ts already throws under CI without TEST_MYSQL_URL: these are never skipped there
  describe.skip("crashes on mysql (set TEST_MYSQL_URL to run)", () => {
    it("needs MySQL/MariaDB", () => undefined);
  });
}
