import { FacilityStatus } from "../../src/domain/enums";
import { refreshAllPortraits } from "../../src/services/profile/portrait-refresh";
import { isValidCreditCode, isValidResidentId } from "../../src/services/profile/identity";
import { seedDemoBook } from "../../src/seed/demo-book";
import { cohortDate, monthEnds } from "../../src/seed/tracking";
import { loadConfig } from "../../src/config";
import { createServices } from "../../src/services";
import { ENGINES, type TestDatabase } from "../support/engines";
import { open } from "../../src/crypto/personal-data";

const AS_OF = "2026-11-27";
const CLIENTS = 400;

describe.each(ENGINES)("the demo book on $name (SPEC §9)", (engine) => {
  let a: TestDatabase;
  let b: TestDatabase;

  beforeAll(async () => {
    [a, b] = await Promise.all([engine.create(), engine.create()]);
    await seedDemoBook(a.ds, { clients: CLIENTS, seed: 7, asOf: AS_OF });
    await seedDemoBook(b.ds, { clients: CLIENTS, seed: 7, asOf: AS_OF });
  }, 120_000);

  afterAll(async () => {
    await a?.drop();
    await b?.drop();
  });

  const q = (db: TestDatabase, sql: string) => db.ds.query(sql) as Promise<Record<string, unknown>[]>;
  /** Personal data is sealed with a fresh nonce per value (SPEC §14): the book compares opened. */
  const SEALED = ["name", "idNumber", "phone", "annualIncome", "financialAssets"];
  const opened = async (db: TestDatabase, sql: string) =>
    (await q(db, sql)).map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, SEALED.includes(k) && typeof v === "string" ? open(v) : v]),
      ),
    );

  it("is deterministic: the same seed writes the same book", async () => {
    for (const sql of [
      "SELECT * FROM `client` ORDER BY `id`",
      "SELECT * FROM `asset_snapshot` ORDER BY `clientId`, `date`",
      "SELECT * FROM `portrait` ORDER BY `id`",
      "SELECT * FROM `credit_facility` ORDER BY `id`",
    ]) {
      expect(await opened(b, sql)).toEqual(await opened(a, sql));
    }
  });

  it("has both client types with valid ID checksums, and facilities in every state", async () => {
    const clients = (await opened(a, "SELECT `type`, `idNumber`, `phone` FROM `client`")) as {
      type: string;
      idNumber: string;
      phone: string | null;
    }[];
    expect(new Set(clients.map((c) => c.type))).toEqual(new Set(["INDIVIDUAL", "INSTITUTION"]));
    for (const c of clients) {
      expect(c.type === "INDIVIDUAL" ? isValidResidentId(c.idNumber) : isValidCreditCode(c.idNumber)).toBe(true);
      if (c.phone !== null) expect(c.phone).toMatch(/^1[3-9]\d{9}$/);
    }
    // One investor, one credit account (SPEC §10).
    expect(new Set(clients.map((c) => c.idNumber)).size).toBe(clients.length);
    const states = (await q(a, "SELECT DISTINCT `status` FROM `credit_facility`")).map((r) => r.status);
    expect(new Set(states)).toEqual(new Set(Object.values(FacilityStatus)));
    const reviews = (await q(a, "SELECT DISTINCT `status` FROM `post_loan_review`")).map((r) => r.status);
    expect(reviews.length).toBeGreaterThanOrEqual(3);
    const [{ n }] = await q(a, "SELECT COUNT(*) AS n FROM `alert`");
    expect(Number(n)).toBeGreaterThan(0);
  });

  it("fills every default segment and has at least 20 trading days of snapshots", async () => {
    const [tiers] = await q(
      a,
      "SELECT SUM(CASE WHEN `avgDailyAssets20d` >= 10000000 THEN 1 ELSE 0 END) AS a, SUM(CASE WHEN `avgDailyAssets20d` >= 1000000 AND `avgDailyAssets20d` < 10000000 THEN 1 ELSE 0 END) AS b, SUM(CASE WHEN `avgDailyAssets20d` >= 500000 AND `avgDailyAssets20d` < 1000000 THEN 1 ELSE 0 END) AS c FROM `portrait`",
    );
    expect(Number(tiers.a)).toBeGreaterThan(0);
    expect(Number(tiers.b)).toBeGreaterThan(0);
    expect(Number(tiers.c)).toBeGreaterThan(0);
    const [{ d }] = await q(a, "SELECT COUNT(DISTINCT `date`) AS d FROM `asset_snapshot`");
    expect(Number(d)).toBeGreaterThanOrEqual(20);
  });

  it("stores portraits that the portrait computation reproduces exactly from the stored rows", async () => {
    await refreshAllPortraits(a.ds, { asOf: AS_OF, actor: "test", now: new Date(`${AS_OF}T12:00:00.000Z`) });
    const diff = await q(
      a,
      `SELECT COUNT(*) AS n FROM \`portrait\` s JOIN \`portrait\` r ON r.\`clientId\` = s.\`clientId\` AND r.\`id\` > ${CLIENTS} AND r.\`asOf\` = '${AS_OF}'
        WHERE s.\`id\` <= ${CLIENTS} AND (s.\`avgDailyAssets20d\` <> r.\`avgDailyAssets20d\` OR s.\`assetDays\` <> r.\`assetDays\`
          OR s.\`experienceMonths\` <> r.\`experienceMonths\` OR s.\`annualTurnover\` <> r.\`annualTurnover\` OR s.\`creditScore\` <> r.\`creditScore\`
          OR s.\`creditRating\` <> r.\`creditRating\` OR s.\`marginCallsLast12m\` <> r.\`marginCallsLast12m\` OR s.\`defaultsCount\` <> r.\`defaultsCount\`
          OR COALESCE(s.\`riskLevel\`, '') <> COALESCE(r.\`riskLevel\`, ''))`,
    );
    expect(Number(diff[0].n)).toBe(0);
  });

  it("SPEC §13: 13 month ends of history — snapshots, valuations, answers with a different NPS per segment, a score that ranks", async () => {
    const dates = (await q(a, "SELECT DISTINCT `asOf` FROM `segment_snapshot` ORDER BY `asOf`")).map((r) =>
      String(r.asOf),
    );
    expect(dates).toEqual([...monthEnds(AS_OF), AS_OF]);
    const [{ n: perDate }] = await q(a, "SELECT COUNT(*) AS n FROM `segment_snapshot` WHERE `asOf` = '2026-10-31'");
    expect(Number(perDate)).toBe(CLIENTS);
    const [{ n: valued }] = await q(a, "SELECT COUNT(DISTINCT `asOf`) AS n FROM `facility_valuation`");
    expect(Number(valued)).toBeGreaterThanOrEqual(6);
    const services = createServices(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }), a.ds, {
      now: () => new Date(`${AS_OF}T12:00:00.000Z`),
    });
    const perf = await services.tracking.performance(monthEnds(AS_OF)[1], AS_OF, { all: true });
    const nps = [1, 2, 3, null].map((id) => perf.get(id)!.nps);
    expect(nps.every((x) => x !== null)).toBe(true);
    // A's answers are the happiest and the clients in no segment the least happy.
    expect(nps[0]!.gt(nps[3]!)).toBe(true);
    expect([...perf.values()].some((p) => p.marginCallRate !== null && p.marginCallRate.gt(0))).toBe(true);
    expect([...perf.values()].some((p) => p.interestIncome.gt(0))).toBe(true);
    const model = await services.tracking.creditModel(cohortDate(AS_OF), 365, { all: true });
    expect(model.bads).toBeGreaterThan(0);
    expect(model.auc!.toNumber()).toBeGreaterThan(0.6);
  });

  it("leaves every index as the migrations made it (on MariaDB the big tables' are built after the load)", async () => {
    const fresh = await engine.create();
    try {
      const indexes = (db: TestDatabase) =>
        engine.name === "mysql"
          ? q(
              db,
              "SELECT `TABLE_NAME` AS t, `INDEX_NAME` AS i, `NON_UNIQUE` AS u, `SEQ_IN_INDEX` AS n, `COLUMN_NAME` AS c FROM information_schema.`STATISTICS` WHERE `TABLE_SCHEMA` = DATABASE() ORDER BY 1, 2, 4",
            )
          : q(db, "SELECT `name`, `tbl_name`, `sql` FROM `sqlite_master` WHERE `type` = 'index' ORDER BY `name`");
      expect(await indexes(a)).toEqual(await indexes(fresh));
    } finally {
      await fresh.drop();
    }
  });

  it("refuses to seed a database that already holds clients", async () => {
    await expect(seedDemoBook(b.ds, { clients: 1, seed: 1, asOf: AS_OF })).rejects.toThrow("already holds clients");
  });
});
