import { afterCommit, inRequestTransaction, inTransaction, onCommitted } from "../../src/db/transaction";
import { appendEvents, isCommittedEvent } from "../../src/repositories/event.writes";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient } from "../support/factories";

/**
 * SPEC §12 "a rolled-back write publishes nothing": what a transaction announces (its committed
 * events, for the live feed) reaches the listeners once it commits, and never for a rollback, a
 * rolled-back savepoint, or an attempt that a deadlock made run again.
 */
describe.each(ENGINES)("commit announcements on $name (SPEC §12)", (engine) => {
  let db: TestDatabase;
  let heard: string[][];
  let stop: () => void;

  const event = (type: string) => ({
    type,
    aggregateType: "Alert",
    aggregateId: type,
    occurredAt: new Date("2026-11-27T08:00:00.000Z"),
    payload: {},
  });

  beforeAll(async () => {
    db = await engine.create();
  });
  beforeEach(() => {
    heard = [];
    stop = onCommitted(db.ds, (items) => heard.push(items.filter(isCommittedEvent).map((e) => e.type)));
  });
  afterEach(() => stop());
  afterAll(async () => {
    await db?.drop();
  });

  it("SPEC §12: a committed transaction's events are announced once, after COMMIT, together", async () => {
    let duringTransaction: string[][] = [];
    await inTransaction(db.ds, async (m) => {
      await appendEvents(m, [event("alert.raised"), event("alert.resolved")]);
      duringTransaction = [...heard];
    });
    expect(duringTransaction).toEqual([]);
    expect(heard).toEqual([["alert.raised", "alert.resolved"]]);
  });

  it("SPEC §12: a rolled-back transaction announces nothing, and its events are not in the outbox", async () => {
    await expect(
      inTransaction(db.ds, async (m) => {
        await appendEvents(m, [event("rolled.back")]);
        throw new Error("refused after writing");
      }),
    ).rejects.toThrow("refused after writing");
    expect(heard).toEqual([]);
    const rows = (await db.ds.query("SELECT COUNT(*) AS n FROM `event` WHERE `type` = 'rolled.back'")) as {
      n: unknown;
    }[];
    expect(Number(rows[0].n)).toBe(0);
  });

  it("SPEC §12: inside a request transaction, a savepoint rolled back drops its own announcements only", async () => {
    await inRequestTransaction(
      db.ds,
      async () => {
        await inTransaction(db.ds, (m) => appendEvents(m, [event("kept.before")]));
        await inTransaction(db.ds, async (m) => {
          await appendEvents(m, [event("savepoint.dropped")]);
          throw new Error("refusal inside");
        }).catch(() => undefined);
        await inTransaction(db.ds, (m) => appendEvents(m, [event("kept.after")]));
        expect(heard).toEqual([]);
        return null;
      },
      async () => undefined,
    );
    expect(heard).toEqual([["kept.before", "kept.after"]]);
  });

  it("outside any transaction an announcement is made at once", async () => {
    afterCommit(db.ds.manager, [{ id: "x", type: "autocommit", aggregateType: "Alert", aggregateId: "x" }]);
    expect(heard).toEqual([["autocommit"]]);
  });

  if (engine.name === "mysql") {
    it("SPEC §10 + §12: of a transaction a deadlock made run again, only the attempt that committed is announced", async () => {
      const [c1, c2] = [await buildClient(db.ds), await buildClient(db.ds)];
      let gate!: () => void;
      const bothLocked = new Promise<void>((r) => (gate = r));
      let locked = 0;
      let attempts = 0;
      const crossing = (name: string, first: number, second: number) =>
        inTransaction(db.ds, async (m) => {
          attempts += 1;
          await appendEvents(m, [event(`${name}.attempt${attempts}`)]);
          await m.query("SELECT `id` FROM `client` WHERE `id` = ? FOR UPDATE", [first]);
          locked += 1;
          if (locked === 2) gate();
          await Promise.race([bothLocked, new Promise((r) => setTimeout(r, 500))]);
          await m.query("SELECT `id` FROM `client` WHERE `id` = ? FOR UPDATE", [second]);
        });
      await Promise.all([crossing("one", c1.id, c2.id), crossing("two", c2.id, c1.id)]);
      expect(attempts).toBeGreaterThan(2);
      // Two commits, two announcements, one event each: the attempts rolled back by the deadlock are not in them.
      expect(heard).toHaveLength(2);
      expect(heard.every((types) => types.length === 1)).toBe(true);
      const committed = (await db.ds.query(
        "SELECT `type` FROM `event` WHERE `type` LIKE 'one.%' OR `type` LIKE 'two.%'",
      )) as {
        type: string;
      }[];
      expect(heard.flat().sort()).toEqual(committed.map((r) => r.type).sort());
    });
  }
});
