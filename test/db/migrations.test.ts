import Decimal from "decimal.js";
import { ClientEntity, PortraitEntity } from "../../src/entities";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildPortrait, residentId } from "../support/factories";
import { idNumberIndex, open, openMoney, phoneIndex } from "../../src/crypto/personal-data";
import { isSealed } from "../../src/crypto/sealing";

/** A client row of the clear schema (before SPEC §14), written as an installation of then held it. */
async function clearClient(ds: TestDatabase["ds"], id: number, idNumber: string, phone: string | null = null) {
  await ds.query(
    "INSERT INTO `client` (`id`, `clientNo`, `type`, `status`, `investorCategory`, `name`, `idNumber`, `phone`, `branch`, " +
      "`openedAt`, `annualIncome`, `financialAssets`, `createdAt`, `updatedAt`, `version`) " +
      "VALUES (?, ?, 'INDIVIDUAL', 'ACTIVE', 'ORDINARY', ?, ?, ?, 'SH', '2020-01-01', ?, NULL, '2026-11-01 00:00:00.000', '2026-11-01 00:00:00.000', 1)",
    [id, `U${String(id).padStart(7, "0")}`, `旧客户${id}`, idNumber, phone, id % 2 === 0 ? "123456.78" : null],
  );
}

async function undoUntil(ds: TestDatabase["ds"], name: string): Promise<void> {
  const executed = async () =>
    ((await ds.query("SELECT `name` FROM `schema_migrations`")) as { name: string }[]).map((m) => m.name);
  while ((await executed()).includes(name)) await ds.undoLastMigration();
}

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
      await undoUntil(own.ds, "OneAccountPerInvestor1796000000000");
      const shared = "110101199003071234";
      await clearClient(own.ds, 1, shared);
      await clearClient(own.ds, 2, shared);
      const err = (await own.ds.runMigrations({ transaction: "each" }).catch((e: unknown) => e)) as Error;
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
    expect(openMoney(back.annualIncome)!.toFixed(2)).toBe("123456789012.35");
    expect(back.createdAt.toISOString()).toBe("2026-11-29T23:59:59.987Z");
    expect(back.openedAt).toBe("2016-05-10");
    const p = await db.ds.getRepository(PortraitEntity).findOneByOrFail({ clientId: client.id });
    expect(p.avgDailyAssets20d.toFixed(2)).toBe("9999999999.99");
    expect(Decimal.isDecimal(p.avgDailyAssets20d)).toBe(true);
  });

  it("SPEC §14: the upgrade migration seals an installation's clear rows in place, with blind indexes, and resumes where it stopped", async () => {
    const own = await engine.create();
    try {
      await undoUntil(own.ds, "PersonalDataSealed1796700000000");
      for (let id = 1; id <= 7; id += 1) await clearClient(own.ds, id, residentId(500 + id), `1390000000${id}`);
      await own.ds.query(
        "INSERT INTO `portrait` (`clientId`, `asOf`, `computedAt`, `riskLevel`, `horizon`, `lowestCategory`, `avgDailyAssets20d`, `assetDays`, " +
          "`totalAssets`, `financialAssets`, `annualIncome`, `experienceMonths`, `annualTurnover`, `marginCallsLast12m`, `defaultsCount`, " +
          "`creditScore`, `creditRating`, `creditFactors`, `professionalEligible`) VALUES (2, '2026-11-26', '2026-11-26 01:00:00.000', NULL, NULL, 0, " +
          "'100.00', 20, '120.00', '7654321.00', '123456.78', 12, '1.00', 0, 0, 60, 'A', " +
          `'[{"name":"experienceMonths","value":"12","points":10},{"name":"annualIncome","value":"123456.78","points":4}]', 0)`,
      );
      await own.ds.runMigrations({ transaction: "each" });

      const rows = (await own.ds.query(
        "SELECT `id`, `name`, `idNumber`, `idNumberBlindIndex`, `phone`, `phoneBlindIndex`, `annualIncome` FROM `client` ORDER BY `id`",
      )) as Record<string, string | null>[];
      expect(rows).toHaveLength(7);
      for (const r of rows) {
        const id = Number(r.id);
        for (const col of ["name", "idNumber", "phone"]) expect(isSealed(r[col]!)).toBe(true);
        expect(open(r.name!)).toBe(`旧客户${id}`);
        expect(open(r.idNumber!)).toBe(residentId(500 + id));
        expect(r.idNumberBlindIndex).toBe(idNumberIndex(residentId(500 + id)));
        expect(r.phoneBlindIndex).toBe(phoneIndex(`1390000000${id}`));
        expect(r.annualIncome === null ? null : open(r.annualIncome)).toBe(id % 2 === 0 ? "123456.78" : null);
      }
      const [p] = (await own.ds.query(
        "SELECT `financialAssets`, `annualIncome`, `creditFactors` FROM `portrait`",
      )) as Record<string, string>[];
      expect([open(p.financialAssets), open(p.annualIncome)]).toEqual(["7654321.00", "123456.78"]);
      // The stored scorecard shows the income's band, no longer the amount.
      expect(JSON.parse(p.creditFactors)).toEqual([
        { name: "experienceMonths", value: "12", points: 10 },
        { name: "annualIncome", value: "≥100000.00", points: 4 },
      ]);

      // A run stopped part-way: row 3 sealed already, rows 4–5 still clear and pending; the migration not recorded.
      const sealedBefore = rows[2];
      await own.ds.query(
        "UPDATE `client` SET `name` = '中断4', `idNumber` = ?, `idNumberBlindIndex` = 'pending:4', `phone` = NULL, `phoneBlindIndex` = NULL WHERE `id` = 4",
        [residentId(504)],
      );
      await own.ds.query("UPDATE `client` SET `idNumberBlindIndex` = 'pending:5', `name` = '中断5' WHERE `id` = 5");
      await own.ds.query("DELETE FROM `schema_migrations` WHERE `name` = 'PersonalDataSealed1796700000000'");
      await own.ds.runMigrations({ transaction: "each" });
      const after = (await own.ds.query(
        "SELECT `id`, `name`, `idNumber`, `idNumberBlindIndex`, `phone` FROM `client` ORDER BY `id`",
      )) as Record<string, string | null>[];
      expect(after[2]).toEqual({
        id: after[2].id,
        name: sealedBefore.name,
        idNumber: sealedBefore.idNumber,
        idNumberBlindIndex: sealedBefore.idNumberBlindIndex,
        phone: sealedBefore.phone,
      });
      expect(open(after[3].name!)).toBe("中断4");
      expect(after[3].idNumberBlindIndex).toBe(idNumberIndex(residentId(504)));
      expect(open(after[4].name!)).toBe("中断5");
      expect(open(after[4].idNumber!)).toBe(residentId(505));
      const pending = (await own.ds.query(
        "SELECT COUNT(*) AS n FROM `client` WHERE `idNumberBlindIndex` LIKE 'pending:%'",
      )) as { n: unknown }[];
      expect(Number(pending[0].n)).toBe(0);
      expect((await own.ds.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    } finally {
      await own.drop();
    }
  });
});
