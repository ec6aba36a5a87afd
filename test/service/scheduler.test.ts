import pino from "pino";
import { FixedClock } from "../../src/domain/clock";
import { FacilityStatus, ReviewTrigger } from "../../src/domain/enums";
import { AuditEntryEntity, CreditFacilityEntity, PostLoanReviewEntity } from "../../src/entities";
import { MonitoringService } from "../../src/services/lifecycle/monitoring";
import {
  JobScheduler,
  scheduledJobsOf,
  type JobOutcome,
  type ScheduledJobName,
} from "../../src/services/scheduling/scheduler";
import { SegmentSnapshotService } from "../../src/services/tracking/snapshots";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildFacility } from "../support/factories";
import { clientWith, defaultSegments, footprint, plainProduct } from "../lifecycle/helpers";

/**
 * SPEC §12 jobs on a clock: a start on Monday 08:00 Shanghai, with nothing recorded since, catches up
 * Friday 27 November (the latest trading day whose JOBS_AT has passed) by running the three jobs once
 * (processMaturities, scheduleReviews and SPEC §13's snapshotSegments); a second start, or two
 * schedulers at once, runs nothing new.
 */
const MONDAY_0800_SHANGHAI = new Date("2026-11-30T00:00:00.000Z");
const FRIDAY = "2026-11-27";
const silent = pino({ level: "silent" });

describe.each(ENGINES)("the job scheduler on $name (service tier)", (engine) => {
  let db: TestDatabase;
  let clock: FixedClock;
  let matured: number;
  let periodic: number;
  const runs: [ScheduledJobName, JobOutcome][] = [];

  const scheduler = () =>
    new JobScheduler({
      ds: db.ds,
      clock,
      jobs: scheduledJobsOf({
        monitoring: new MonitoringService(db.ds, clock),
        snapshots: new SegmentSnapshotService(db.ds, clock),
      }),
      jobsAt: { hour: 17, minute: 30 },
      logger: silent,
      observer: { scheduledJobRun: (job, outcome) => runs.push([job, outcome]) },
    });
  const runRecords = async () =>
    (await db.ds.getRepository(AuditEntryEntity).find({ where: { entityType: "Batch" }, order: { id: "ASC" } }))
      .filter((e) => e.changes?.includes('"scheduledRun"'))
      .map((e) => [e.action, e.entityId, e.actor]);

  beforeAll(async () => {
    db = await engine.create();
    await defaultSegments(db.ds);
    clock = new FixedClock(MONDAY_0800_SHANGHAI);
    const product = await plainProduct(db.ds);
    matured = (await buildFacility(db.ds, await clientWith(db.ds), product, { maturityDate: "2026-11-20" })).id;
    periodic = (
      await buildFacility(db.ds, await clientWith(db.ds), product, {
        startDate: "2026-01-05",
        maturityDate: "2027-06-30",
      })
    ).id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("SPEC §12, §13: the start catches up the missed trading day, the three jobs once, as of its Shanghai date", async () => {
    const s = scheduler();
    await s.start();
    await s.stop();
    expect(runs).toEqual([
      ["processMaturities", "success"],
      ["scheduleReviews", "success"],
      ["snapshotSegments", "success"],
    ]);
    expect(await runRecords()).toEqual([
      ["processMaturities", `processMaturities:${FRIDAY}`, "system:scheduler"],
      ["scheduleReviews", `scheduleReviews:${FRIDAY}`, "system:scheduler"],
      ["snapshotSegments", `snapshotSegments:${FRIDAY}`, "system:scheduler"],
    ]);
    // Both clients (3,200,000 → segment B) placed as of Friday, once each.
    const snapshot = (await db.ds.query(
      "SELECT s.`asOf`, g.`code` FROM `segment_snapshot` s JOIN `segment` g ON g.`id` = s.`segmentId` ORDER BY s.`clientId`",
    )) as { asOf: unknown; code: string }[];
    expect(
      snapshot.map((r) => [String(r.asOf instanceof Date ? r.asOf.toISOString().slice(0, 10) : r.asOf), r.code]),
    ).toEqual([
      [FRIDAY, "B"],
      [FRIDAY, "B"],
    ]);
    const f = await db.ds.getRepository(CreditFacilityEntity).findOneByOrFail({ id: matured });
    expect(f.status).toBe(FacilityStatus.LIQUIDATING);
    const reviews = await db.ds.getRepository(PostLoanReviewEntity).findBy({ facilityId: periodic });
    expect(reviews.map((r) => [r.trigger, r.dueDate])).toEqual([[ReviewTrigger.PERIODIC, FRIDAY]]);
  });

  it("SPEC §12: a second start finds the day recorded and runs nothing", async () => {
    runs.length = 0;
    const before = await footprint(db.ds);
    const s = scheduler();
    await s.start();
    await s.stop();
    expect(runs).toEqual([
      ["processMaturities", "skipped"],
      ["scheduleReviews", "skipped"],
      ["snapshotSegments", "skipped"],
    ]);
    expect(await footprint(db.ds)).toEqual(before);
  });

  it("SPEC §12: two schedulers starting at once on the next missed day — one runs each job, the other skips", async () => {
    runs.length = 0;
    clock.set(new Date("2026-11-30T10:00:00.000Z")); // Monday 18:00 Shanghai: Monday's run is due
    const [a, b] = [scheduler(), scheduler()];
    await Promise.all([a.start(), b.start()]);
    await Promise.all([a.stop(), b.stop()]);
    const byJob = (job: ScheduledJobName) =>
      runs
        .filter(([j]) => j === job)
        .map(([, o]) => o)
        .sort();
    expect(byJob("processMaturities")).toEqual(["skipped", "success"]);
    expect(byJob("scheduleReviews")).toEqual(["skipped", "success"]);
    expect(byJob("snapshotSegments")).toEqual(["skipped", "success"]);
    expect((await runRecords()).map(([, key]) => key)).toEqual([
      `processMaturities:${FRIDAY}`,
      `scheduleReviews:${FRIDAY}`,
      `snapshotSegments:${FRIDAY}`,
      "processMaturities:2026-11-30",
      "scheduleReviews:2026-11-30",
      "snapshotSegments:2026-11-30",
    ]);
  });

  it("SPEC §12: the timer runs the next trading day's jobs at JOBS_AT, as of that day", async () => {
    runs.length = 0;
    clock.set(new Date("2026-12-01T09:29:59.900Z")); // Tuesday 17:29:59.9 Shanghai: Monday's is recorded
    const s = scheduler();
    await s.start();
    expect(runs).toEqual([
      ["processMaturities", "skipped"],
      ["scheduleReviews", "skipped"],
      ["snapshotSegments", "skipped"],
    ]);
    const deadline = Date.now() + 5000;
    while (runs.filter(([, o]) => o === "success").length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await s.stop();
    expect(runs.slice(3, 6)).toEqual([
      ["processMaturities", "success"],
      ["scheduleReviews", "success"],
      ["snapshotSegments", "success"],
    ]);
    expect((await runRecords()).map(([, key]) => key).slice(6)).toEqual([
      "processMaturities:2026-12-01",
      "scheduleReviews:2026-12-01",
      "snapshotSegments:2026-12-01",
    ]);
  });
});
