import { withJobLock } from "../../src/db/job-lock";
import { ENGINES, type TestDatabase } from "../support/engines";

/** SPEC §12 jobs: one run of a job at a time per database, however many instances start it. */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `job` on each data source at once; returns the order its runs started and ended in. */
async function overlap(sources: TestDatabase[], job: string): Promise<string[]> {
  const order: string[] = [];
  await Promise.all(
    sources.map((db, i) =>
      withJobLock(db.ds, job, async () => {
        order.push(`start ${i}`);
        // Long enough for the other run to reach its lock while this one holds it.
        await pause(300);
        order.push(`end ${i}`);
      }),
    ),
  );
  return order;
}

describe.each(ENGINES)("the job lock on $name", (engine) => {
  let db: TestDatabase;
  let other: TestDatabase | null = null;

  beforeAll(async () => {
    db = await engine.create();
    if (engine.name === "mysql") other = await engine.create();
  });

  afterAll(async () => {
    await db?.drop();
    await other?.drop();
  });

  it("SPEC §12: two runs of one job on one database run one after the other", async () => {
    const order = await overlap([db, db], "processMaturities");
    expect(order).toHaveLength(4);
    // Whichever got the lock first ends before the other starts.
    expect(order[1]).toBe(order[0].replace("start", "end"));
  });

  it("SPEC §12: different jobs on one database do not wait for each other", async () => {
    const order: string[] = [];
    await Promise.all(
      ["processMaturities", "scheduleReviews"].map((job) =>
        withJobLock(db.ds, job, async () => {
          order.push(`start ${job}`);
          await pause(300);
          order.push(`end ${job}`);
        }),
      ),
    );
    expect(order.slice(0, 2).every((e) => e.startsWith("start"))).toBe(true);
  });

  if (engine.name === "mysql") {
    it("SPEC §12: the same job on two databases of one server runs at once (the server's named lock is per database)", async () => {
      const order = await overlap([db, other!], "processMaturities");
      expect(order.slice(0, 2).sort()).toEqual(["start 0", "start 1"]);
    });
  }
});
