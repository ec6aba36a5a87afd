import { withSqlTally } from "../../src/db/sql-counter";
import { inRequestTransaction, inTransaction } from "../../src/db/transaction";
import { EventEntity } from "../../src/entities";
import { appendEvents, type NewEvent } from "../../src/repositories/event.writes";
import { ENGINES, type TestDatabase } from "../support/engines";

/**
 * SPEC §12 outbox: a transaction's events are written in the transaction of the change, and only if it
 * commits. They are queued and inserted right before COMMIT, in one INSERT, in the order appended.
 */
describe.each(ENGINES)("outbox rows inserted before COMMIT on $name", (engine) => {
  let db: TestDatabase;
  let n = 0;

  beforeAll(async () => {
    db = await engine.create();
  });

  afterAll(async () => {
    await db?.drop();
  });

  const event = (label: string): NewEvent => ({
    type: "test.event",
    aggregateType: "Test",
    aggregateId: `${label}-${(n += 1)}`,
    occurredAt: new Date("2026-11-27T08:00:00.000Z"),
    payload: { label },
  });
  const stored = async (ids: string[]) =>
    (await db.ds.manager.find(EventEntity, { order: { seq: "ASC" } }))
      .map((e) => e.aggregateId)
      .filter((id) => ids.includes(id));
  const overhead = async () => {
    const t = { statements: 0 };
    await withSqlTally(t, () => inTransaction(db.ds, async () => undefined));
    return t.statements;
  };

  it("writes a transaction's events of three appends in one INSERT, in the order appended", async () => {
    const events = [event("a"), event("b"), event("c"), event("d")];
    const tally = { statements: 0 };
    await withSqlTally(tally, () =>
      inTransaction(db.ds, async (m) => {
        await appendEvents(m, [events[0]]);
        await appendEvents(m, [events[1], events[2]]);
        // Nothing is in the table until the transaction commits.
        expect(await m.countBy(EventEntity, { type: "test.event", aggregateId: events[0].aggregateId })).toBe(0);
        await appendEvents(m, [events[3]]);
      }),
    );
    // One statement beyond the empty transaction's, less the count just above.
    expect(tally.statements - (await overhead()) - 1).toBe(1);
    const ids = events.map((e) => e.aggregateId);
    expect(await stored(ids)).toEqual(ids);
  });

  it("writes none of a transaction that rolls back", async () => {
    const e = event("rolled-back");
    await expect(
      inTransaction(db.ds, async (m) => {
        await appendEvents(m, [e]);
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(await stored([e.aggregateId])).toEqual([]);
  });

  it("drops what a savepoint queued when it rolls back, and keeps the rest of the request's", async () => {
    const [before, inside, after] = [event("before"), event("inside"), event("after")];
    await inRequestTransaction(
      db.ds,
      async () => {
        await inTransaction(db.ds, (m) => appendEvents(m, [before]));
        await inTransaction(db.ds, async (m) => {
          await appendEvents(m, [inside]);
          throw new Error("refused");
        }).catch(() => undefined);
        await inTransaction(db.ds, (m) => appendEvents(m, [after]));
      },
      async () => undefined,
    );
    expect(await stored([before, inside, after].map((e) => e.aggregateId))).toEqual([
      before.aggregateId,
      after.aggregateId,
    ]);
  });

  it("inserts at once outside a transaction", async () => {
    const e = event("alone");
    await appendEvents(db.ds.manager, [e]);
    expect(await stored([e.aggregateId])).toEqual([e.aggregateId]);
  });
});
