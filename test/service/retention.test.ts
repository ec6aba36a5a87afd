import { ConfigError, loadConfig } from "../../src/config";
import { open } from "../../src/crypto/personal-data";
import { FixedClock } from "../../src/domain/clock";
import { ClientStatus, FacilityStatus, SatisfactionChannel, TradeSide } from "../../src/domain/enums";
import {
  AuditEntryEntity,
  ClientEntity,
  SatisfactionResponseEntity,
  TradeEntity,
  type ProductEntity,
} from "../../src/entities";
import Decimal from "decimal.js";
import { recordAudit } from "../../src/services/audit/audit";
import { DEIDENTIFIED_MARKER, deidentifyClosedClients, yearsBefore } from "../../src/services/privacy/retention";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildFacility, buildPortrait, buildProduct } from "../support/factories";

const NOW = new Date("2026-11-27T08:00:00.000Z");
const YEARS_AGO = (years: number) => new Date(Date.UTC(2026 - years, 5, 1, 9, 0, 0));

describe("RETENTION_YEARS (SPEC §14)", () => {
  it("SPEC §14: defaults to 20 and refuses what is not a whole number of years from 1 to 100", () => {
    expect(loadConfig({}).retentionYears).toBe(20);
    expect(loadConfig({ RETENTION_YEARS: "30" }).retentionYears).toBe(30);
    for (const bad of ["0", "101", "twenty", "-5", "2.5"]) {
      expect(() => loadConfig({ RETENTION_YEARS: bad })).toThrow(ConfigError);
    }
  });

  it("SPEC §14: the cutoff is the clock's now less whole calendar years, in UTC", () => {
    expect(yearsBefore(NOW, 20).toISOString()).toBe("2006-11-27T08:00:00.000Z");
  });
});

/**
 * SPEC §14 "after the exit": a client CLOSED (status CLOSED, no open facility, nothing changed since)
 * for longer than RETENTION_YEARS as of the clock is de-identified — name and ID number replaced by the
 * marker, phone and blind indexes removed — while its figures and the audit trail are kept; a second
 * run changes nothing.
 */
describe.each(ENGINES)("retention on $name (SPEC §14)", (engine) => {
  let db: TestDatabase;
  let product: ProductEntity;
  const clock = new FixedClock(NOW);
  const ids: Record<string, number> = {};

  /** A CLOSED client whose last change was `years` ago, with a facility that ended `facilityYears` ago (or is open). */
  async function closedClient(key: string, years: number, facility: { years: number; status: FacilityStatus }) {
    const c = await buildClient(db.ds, {
      clientNo: `RT-${key}`,
      name: "钱退休",
      phone: "13655556666",
      status: key === "active" ? ClientStatus.ACTIVE : ClientStatus.CLOSED,
      createdAt: YEARS_AGO(years + 3),
      updatedAt: YEARS_AGO(years),
    });
    await buildPortrait(db.ds, c);
    const f = await buildFacility(db.ds, c, product, {
      status: facility.status,
      usedAmount: new Decimal("0"),
      createdAt: YEARS_AGO(years + 3),
      updatedAt: YEARS_AGO(facility.years),
    });
    await db.ds.getRepository(TradeEntity).save({
      clientId: c.id,
      tradeDate: "2004-03-01",
      symbol: "600519",
      side: TradeSide.SELL,
      quantity: 300,
      amount: new Decimal("98765.43"),
      recordedAt: YEARS_AGO(years + 2),
    });
    await db.ds.getRepository(SatisfactionResponseEntity).save({
      clientId: c.id,
      surveyedOn: "2004-05-01",
      score: 3,
      channel: SatisfactionChannel.PHONE,
      comment: "钱退休 says the branch was slow",
      recordedBy: "rm-old",
      createdAt: YEARS_AGO(years + 1),
    });
    await db.ds.transaction((m) =>
      recordAudit(
        m,
        { subject: "rm-old" },
        "closeFacility",
        { type: "CreditFacility", id: f.id, version: 3 },
        { at: YEARS_AGO(facility.years) },
      ),
    );
    ids[key] = c.id;
  }

  const snapshot = async (sql: string) => JSON.stringify(await db.ds.query(sql));
  const figures = () =>
    Promise.all([
      snapshot("SELECT * FROM `credit_facility` ORDER BY `id`"),
      snapshot("SELECT * FROM `portrait` ORDER BY `id`"),
      snapshot("SELECT * FROM `trade` ORDER BY `id`"),
    ]);
  const client = (id: number) => db.ds.getRepository(ClientEntity).findOneByOrFail({ id });
  const run = (onProgress?: (done: number, total: number) => void) =>
    deidentifyClosedClients(db.ds, { clock, years: 20, batchSize: 2, actor: "cli:retention", onProgress });

  beforeAll(async () => {
    db = await engine.create();
    product = await buildProduct(db.ds);
    await closedClient("old", 21, { years: 21, status: FacilityStatus.CLOSED });
    await closedClient("old2", 25, { years: 22, status: FacilityStatus.REJECTED });
    await closedClient("old3", 30, { years: 30, status: FacilityStatus.CLOSED });
    await closedClient("recent", 19, { years: 19, status: FacilityStatus.CLOSED });
    // the client row is old, but its facility's exit was 19 years ago
    await closedClient("lateExit", 21, { years: 19, status: FacilityStatus.CLOSED });
    // CLOSED 21 years ago yet still holding an open facility: not an exit
    await closedClient("open", 21, { years: 21, status: FacilityStatus.SUSPENDED });
    await closedClient("active", 21, { years: 21, status: FacilityStatus.CLOSED });
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  it("SPEC §14: de-identifies the clients closed 21 years ago by the clock and keeps figures and audit; not one closed 19 years ago", async () => {
    const before = await figures();
    const auditBefore = await snapshot("SELECT * FROM `audit_entry` ORDER BY `id`");
    const untouched = ["recent", "lateExit", "open", "active"];
    const untouchedBefore = await Promise.all(untouched.map((k) => client(ids[k])));
    const progress: [number, number][] = [];

    const result = await run((done, total) => progress.push([done, total]));

    expect(result).toMatchObject({ due: 3, deidentified: 3 });
    expect(result.cutoff.toISOString()).toBe("2006-11-27T08:00:00.000Z");
    expect(progress[0]).toEqual([0, 3]);
    expect(progress[progress.length - 1]).toEqual([3, 3]);
    for (const key of ["old", "old2", "old3"]) {
      const c = await client(ids[key]);
      expect(open(c.name)).toBe(DEIDENTIFIED_MARKER);
      expect(open(c.idNumber)).toBe(DEIDENTIFIED_MARKER);
      expect(c.phone).toBeNull();
      expect(c.phoneBlindIndex).toBeNull();
      expect(c.idNumberBlindIndex).toBe(`deidentified:${c.id}`);
      expect(c.status).toBe(ClientStatus.CLOSED);
      expect(c.version).toBe(2);
      expect(c.updatedAt.toISOString()).toBe(NOW.toISOString());
      // declared figures are kept (sealed as before); the satisfaction score stays, its comment goes
      expect(c.annualIncome).not.toBeNull();
      const answers = await db.ds.getRepository(SatisfactionResponseEntity).findBy({ clientId: c.id });
      expect(answers.map((a) => [a.score, a.comment])).toEqual([[3, null]]);
    }
    for (const [i, key] of untouched.entries()) {
      expect(await client(ids[key])).toEqual(untouchedBefore[i]);
      const answers = await db.ds.getRepository(SatisfactionResponseEntity).findBy({ clientId: ids[key] });
      expect(answers.map((a) => a.comment)).toEqual(["钱退休 says the branch was slow"]);
    }
    // figures kept: facilities, portraits and trades are exactly as they were
    expect(await figures()).toEqual(before);
    // audit kept: every earlier entry as it was, plus one entry per de-identified client
    const audit = await db.ds.getRepository(AuditEntryEntity).find({ order: { id: "ASC" } });
    const earlier = JSON.parse(auditBefore) as unknown[];
    expect(
      JSON.stringify(await db.ds.query(`SELECT * FROM \`audit_entry\` ORDER BY \`id\` LIMIT ${earlier.length}`)),
    ).toBe(auditBefore);
    const added = audit.slice(earlier.length);
    expect(added.map((a) => [a.action, a.actor, a.entityType])).toEqual([
      ["deidentifyClient", "cli:retention", "Client"],
      ["deidentifyClient", "cli:retention", "Client"],
      ["deidentifyClient", "cli:retention", "Client"],
    ]);
    expect(JSON.stringify(added)).not.toContain("钱退休");
    const events = (await db.ds.query("SELECT `type` FROM `event` WHERE `type` = 'client.deidentified'")) as unknown[];
    expect(events).toHaveLength(3);
  });

  it("SPEC §14: a second run changes nothing", async () => {
    const before = await Promise.all([
      snapshot("SELECT * FROM `client` ORDER BY `id`"),
      snapshot("SELECT * FROM `audit_entry` ORDER BY `id`"),
      snapshot("SELECT * FROM `event` ORDER BY `seq`"),
      snapshot("SELECT * FROM `satisfaction_response` ORDER BY `id`"),
      ...(await figures()),
    ]);
    const again = await run();
    expect(again).toMatchObject({ due: 0, deidentified: 0 });
    expect(
      await Promise.all([
        snapshot("SELECT * FROM `client` ORDER BY `id`"),
        snapshot("SELECT * FROM `audit_entry` ORDER BY `id`"),
        snapshot("SELECT * FROM `event` ORDER BY `seq`"),
        snapshot("SELECT * FROM `satisfaction_response` ORDER BY `id`"),
        ...(await figures()),
      ]),
    ).toEqual(before);
  });
});
