import Decimal from "decimal.js";
import { ClientEntity, PortraitEntity } from "../../src/entities";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildPortrait } from "../support/factories";

describe.each(ENGINES)("the schema on $name", (engine) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await engine.create();
  });

  afterAll(() => db?.drop());

  it("migrations produce exactly the entities' schema (nothing left for synchronize to do)", async () => {
    const sql = await db.ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it("no migration is pending after migrating", async () => {
    expect(await db.ds.showMigrations()).toBe(false);
  });

  it("the one-account migration stops where clients already share an ID number, naming only how many (SPEC §10)", async () => {
    const own = await engine.create();
    try {
      const executed = async () =>
        ((await own.ds.query("SELECT `name` FROM `schema_migrations`")) as { name: string }[]).map((m) => m.name);
      while ((await executed()).includes("OneAccountPerInvestor1796000000000")) await own.ds.undoLastMigration();
      const shared = "110101199003071234";
      await buildClient(own.ds, { idNumber: shared });
      await buildClient(own.ds, { idNumber: shared });
      const err = (await own.ds.runMigrations().catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toMatch(/^1 ID number\(s\) are held by more than one client/);
      expect(err.message).not.toContain(shared);
      expect(await executed()).not.toContain("OneAccountPerInvestor1796000000000");
    } finally {
      await own.drop();
    }
  });

  it("keeps money exact to the cent and instants to the millisecond in UTC (SPEC §2)", async () => {
    const client = await buildClient(db.ds, {
      annualIncome: new Decimal("123456789012.35"),
      createdAt: new Date("2026-11-29T23:59:59.987Z"),
    });
    await buildPortrait(db.ds, client, { avgDailyAssets20d: new Decimal("9999999999.99") });
    const back = await db.ds.getRepository(ClientEntity).findOneByOrFail({ id: client.id });
    expect(back.annualIncome!.toFixed(2)).toBe("123456789012.35");
    expect(back.createdAt.toISOString()).toBe("2026-11-29T23:59:59.987Z");
    expect(back.openedAt).toBe("2016-05-10");
    const p = await db.ds.getRepository(PortraitEntity).findOneByOrFail({ clientId: client.id });
    expect(p.avgDailyAssets20d.toFixed(2)).toBe("9999999999.99");
    expect(Decimal.isDecimal(p.avgDailyAssets20d)).toBe(true);
  });
});
