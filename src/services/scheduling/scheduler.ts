import { Like, type DataSource } from "typeorm";
import type { Logger } from "pino";
import type { Clock } from "../../domain/clock";
import { Role } from "../../domain/enums";
import { withJobLock } from "../../db/job-lock";
import { inTransaction } from "../../db/transaction";
import { AuditEntryEntity } from "../../entities";
import type { Viewer } from "../access/viewer";
import { auditJobBatch } from "../audit/audit";

/**
 * Jobs on a clock (SPEC §12): with SCHEDULE_JOBS=true, processMaturities, scheduleReviews and
 * snapshotSegments (SPEC §13) run each trading day at JOBS_AT, Asia/Shanghai, with asOf = that
 * Shanghai date. The timing below is pure (instants in, instants out) so it is unit-tested with a
 * FixedClock; JobScheduler holds the timer.
 *
 * A trading day is Monday to Friday: the project has no holiday calendar, so a public holiday on a
 * weekday still gets its run (the jobs are idempotent and harmless on a day without trading).
 */

/** Asia/Shanghai is UTC+8 all year (no daylight saving). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export interface JobsAt {
  hour: number;
  minute: number;
}

/** The Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant JOBS_AT falls on the Shanghai date `asOf`. */
export function runInstant(asOf: string, at: JobsAt): Date {
  const midnightUtc = Date.parse(`${asOf}T00:00:00.000Z`);
  return new Date(midnightUtc - SHANGHAI_OFFSET_MS + (at.hour * 60 + at.minute) * 60_000);
}

/** Monday to Friday (no holiday calendar: see above). */
export function isTradingDay(asOf: string): boolean {
  const day = new Date(`${asOf}T00:00:00.000Z`).getUTCDay();
  return day >= 1 && day <= 5;
}

function addDays(asOf: string, days: number): string {
  return new Date(Date.parse(`${asOf}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export interface PlannedRun {
  asOf: string;
  at: Date;
}

/** The first trading-day run strictly after the clock's now (or after `after`, when that is later). */
export function nextRun(clock: Clock, at: JobsAt, after?: Date): PlannedRun {
  const nowMs = clock.now().getTime();
  const from = after && after.getTime() > nowMs ? after.getTime() : nowMs;
  let asOf = shanghaiDate(new Date(from));
  for (let i = 0; i < 8; i += 1, asOf = addDays(asOf, 1)) {
    const when = runInstant(asOf, at);
    if (isTradingDay(asOf) && when.getTime() > from) return { asOf, at: when };
  }
  throw new Error("unreachable: a trading day falls within any 8 days");
}

/**
 * The latest trading-day run at or before the clock's now: what a start catches up when it has no
 * record (today's after JOBS_AT; before it, or on a weekend, the previous trading day's). Only that
 * one day is caught up: both jobs act on everything due up to their asOf, so an older missed day
 * adds nothing the latest run does not do.
 */
export function latestDueRun(clock: Clock, at: JobsAt): PlannedRun {
  const now = clock.now();
  let asOf = shanghaiDate(now);
  for (let i = 0; i < 8; i += 1, asOf = addDays(asOf, -1)) {
    const when = runInstant(asOf, at);
    if (isTradingDay(asOf) && when.getTime() <= now.getTime()) return { asOf, at: when };
  }
  throw new Error("unreachable: a trading day falls within any 8 days");
}

export const SCHEDULED_JOBS = ["processMaturities", "scheduleReviews", "snapshotSegments"] as const;
export type ScheduledJobName = (typeof SCHEDULED_JOBS)[number];
export type JobOutcome = "success" | "skipped" | "failure";

/** Who the audit trail names for a scheduled run. */
export const SCHEDULER_VIEWER: Viewer = { subject: "system:scheduler", roles: [Role.ADMIN], branch: null };

/** The jobs themselves (MonitoringService has the first two, SegmentSnapshotService the third). */
export interface ScheduledJobs {
  processMaturities(viewer: Viewer, asOf: string): Promise<number>;
  scheduleReviews(viewer: Viewer, asOf: string): Promise<number>;
  snapshotSegments(viewer: Viewer, asOf: string): Promise<number>;
}

/** The daily jobs of the composed services: the scheduler calls each by name. */
export function scheduledJobsOf(services: {
  monitoring: Pick<ScheduledJobs, "processMaturities" | "scheduleReviews">;
  snapshots: Pick<ScheduledJobs, "snapshotSegments">;
}): ScheduledJobs {
  return {
    processMaturities: (viewer, asOf) => services.monitoring.processMaturities(viewer, asOf),
    scheduleReviews: (viewer, asOf) => services.monitoring.scheduleReviews(viewer, asOf),
    snapshotSegments: (viewer, asOf) => services.snapshots.snapshotSegments(viewer, asOf),
  };
}

/** Where runs are counted (server/metrics.ts implements it: services do not import server/). */
export interface JobRunObserver {
  scheduledJobRun(job: ScheduledJobName, outcome: JobOutcome, finishedAt: Date): void;
}

export interface SchedulerOptions {
  ds: DataSource;
  clock: Clock;
  jobs: ScheduledJobs;
  jobsAt: JobsAt;
  logger: Logger;
  observer?: JobRunObserver;
}

/** Marks the audit entry that records a completed scheduled run (not one of the job's own batches). */
const RUN_MARK = "scheduledRun";

/**
 * The timer. start() catches up the latest due day when no run of it is recorded, then arms a timeout
 * for the next run; stop() disarms it and waits for a run in progress. A run is recorded by an audit
 * entry of the job (entity Batch `<job>:<asOf>`, the key its batches use, changes `{ scheduledRun }`):
 * check, run and record happen under a named lock of their own (`scheduled:<job>`), so of several
 * instances one runs the job and the others then find the record and skip.
 */
export class JobScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(private readonly o: SchedulerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    const due = latestDueRun(this.o.clock, this.o.jobsAt);
    this.o.logger.info({ asOf: due.asOf }, "scheduler: catching up the latest due day if not yet run");
    await this.track(this.runDay(due.asOf));
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs every job for asOf unless its run is recorded; never throws (failures are logged and counted). */
  async runDay(asOf: string): Promise<Record<ScheduledJobName, JobOutcome>> {
    const outcomes = {} as Record<ScheduledJobName, JobOutcome>;
    for (const job of SCHEDULED_JOBS) outcomes[job] = await this.runJob(job, asOf);
    return outcomes;
  }

  /** Arms the timer for the next run; after a run, one past it (a timer firing early does not repeat the day). */
  private arm(after?: Date): void {
    if (this.stopped) return;
    const next = nextRun(this.o.clock, this.o.jobsAt, after);
    const delay = Math.max(0, next.at.getTime() - this.o.clock.now().getTime());
    this.o.logger.info({ asOf: next.asOf, at: next.at.toISOString() }, "scheduler: next run");
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.track(this.runDay(next.asOf)).then(() => this.arm(next.at));
    }, delay);
    this.timer.unref();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running = p.catch(() => undefined);
    return p;
  }

  private async runJob(job: ScheduledJobName, asOf: string): Promise<JobOutcome> {
    const { ds, clock, logger } = this.o;
    const started = clock.now();
    let outcome: JobOutcome;
    try {
      outcome = await withJobLock(ds, `scheduled:${job}`, async () => {
        if (await this.recorded(job, asOf)) return "skipped" as const;
        const changes = await this.o.jobs[job](SCHEDULER_VIEWER, asOf);
        await inTransaction(ds, (manager) =>
          auditJobBatch(manager, SCHEDULER_VIEWER, job, asOf, {
            at: clock.now(),
            changes: { [RUN_MARK]: "completed", total: changes },
          }),
        );
        logger.info({ job, asOf, changes, ms: clock.now().getTime() - started.getTime() }, "scheduled job ran");
        return "success" as const;
      });
      if (outcome === "skipped") logger.info({ job, asOf }, "scheduled job already recorded for this day: skipped");
    } catch (err) {
      outcome = "failure";
      logger.error({ job, asOf, err: (err as Error).message }, "scheduled job failed");
    }
    this.o.observer?.scheduledJobRun(job, outcome, clock.now());
    return outcome;
  }

  private async recorded(job: ScheduledJobName, asOf: string): Promise<boolean> {
    const n = await this.o.ds.getRepository(AuditEntryEntity).count({
      where: { action: job, entityType: "Batch", entityId: `${job}:${asOf}`, changes: Like(`%"${RUN_MARK}"%`) },
    });
    return n > 0;
  }
}
