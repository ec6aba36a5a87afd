import { FixedClock } from "../../src/domain/clock";
import { loadConfig } from "../../src/config";
import { isTradingDay, latestDueRun, nextRun, runInstant, shanghaiDate } from "../../src/services/scheduling/scheduler";

/** SPEC §12 jobs on a clock: the pure timing of services/scheduling/scheduler.ts, Asia/Shanghai = UTC+8. */
const AT_1730 = { hour: 17, minute: 30 };
const clockAt = (iso: string) => new FixedClock(new Date(iso));
const plan = (r: { asOf: string; at: Date }) => [r.asOf, r.at.toISOString()];

describe("scheduler timing (Asia/Shanghai, Monday–Friday)", () => {
  it("JOBS_AT on a Shanghai date is 8 hours earlier in UTC", () => {
    expect(runInstant("2026-11-27", AT_1730).toISOString()).toBe("2026-11-27T09:30:00.000Z");
    expect(runInstant("2026-11-27", { hour: 6, minute: 5 }).toISOString()).toBe("2026-11-26T22:05:00.000Z");
  });

  it("the Shanghai date runs 8 hours ahead of UTC across UTC midnight", () => {
    expect(shanghaiDate(new Date("2026-11-26T15:59:59.999Z"))).toBe("2026-11-26");
    expect(shanghaiDate(new Date("2026-11-26T16:00:00.000Z"))).toBe("2026-11-27");
  });

  it("trading days are Monday to Friday (no holiday calendar)", () => {
    // 2026-11-23 is a Monday.
    expect(["23", "24", "25", "26", "27", "28", "29"].map((d) => isTradingDay(`2026-11-${d}`))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it("on a weekday before JOBS_AT the next run is today's", () => {
    // Wednesday 25 November, 10:00 Shanghai.
    expect(plan(nextRun(clockAt("2026-11-25T02:00:00.000Z"), AT_1730))).toEqual([
      "2026-11-25",
      "2026-11-25T09:30:00.000Z",
    ]);
  });

  it("at or after JOBS_AT on a weekday the next run is the following weekday's", () => {
    expect(plan(nextRun(clockAt("2026-11-25T09:30:00.000Z"), AT_1730))).toEqual([
      "2026-11-26",
      "2026-11-26T09:30:00.000Z",
    ]);
    expect(plan(nextRun(clockAt("2026-11-25T12:00:00.000Z"), AT_1730))).toEqual([
      "2026-11-26",
      "2026-11-26T09:30:00.000Z",
    ]);
  });

  it("after Friday's run, and over the weekend, the next run is Monday's", () => {
    for (const now of ["2026-11-27T10:00:00.000Z", "2026-11-28T12:00:00.000Z", "2026-11-29T20:00:00.000Z"]) {
      expect(plan(nextRun(clockAt(now), AT_1730))).toEqual(["2026-11-30", "2026-11-30T09:30:00.000Z"]);
    }
  });

  it("across UTC midnight the Shanghai date decides: 01:00 Saturday Shanghai is still a weekend", () => {
    // Friday 17:00 UTC = Saturday 01:00 Shanghai: Friday's run is past, the next is Monday's.
    expect(plan(nextRun(clockAt("2026-11-27T17:00:00.000Z"), AT_1730))).toEqual([
      "2026-11-30",
      "2026-11-30T09:30:00.000Z",
    ]);
    // Sunday 16:30 UTC = Monday 00:30 Shanghai: Monday's run, later that Shanghai day.
    expect(plan(nextRun(clockAt("2026-11-29T16:30:00.000Z"), AT_1730))).toEqual([
      "2026-11-30",
      "2026-11-30T09:30:00.000Z",
    ]);
  });

  it("an early JOBS_AT falls on the previous UTC day", () => {
    // 06:00 Shanghai on Monday 30 November = Sunday 22:00 UTC.
    expect(plan(nextRun(clockAt("2026-11-29T12:00:00.000Z"), { hour: 6, minute: 0 }))).toEqual([
      "2026-11-30",
      "2026-11-29T22:00:00.000Z",
    ]);
  });

  it("after a run the next is past it, even when the timer fired a little early", () => {
    const early = clockAt("2026-11-25T09:29:59.990Z");
    expect(plan(nextRun(early, AT_1730, new Date("2026-11-25T09:30:00.000Z")))).toEqual([
      "2026-11-26",
      "2026-11-26T09:30:00.000Z",
    ]);
  });

  it("the catch-up day is today's after JOBS_AT, else the previous trading day's", () => {
    expect(plan(latestDueRun(clockAt("2026-11-25T09:30:00.000Z"), AT_1730))).toEqual([
      "2026-11-25",
      "2026-11-25T09:30:00.000Z",
    ]);
    expect(plan(latestDueRun(clockAt("2026-11-25T09:29:59.999Z"), AT_1730))).toEqual([
      "2026-11-24",
      "2026-11-24T09:30:00.000Z",
    ]);
    // Monday 08:00 Shanghai: Friday's.
    expect(plan(latestDueRun(clockAt("2026-11-30T00:00:00.000Z"), AT_1730))).toEqual([
      "2026-11-27",
      "2026-11-27T09:30:00.000Z",
    ]);
  });
});

describe("SCHEDULE_JOBS and JOBS_AT settings", () => {
  it("default off, at 17:30 (SPEC §12)", () => {
    const c = loadConfig({});
    expect([c.scheduleJobs, c.jobsAt]).toEqual([false, { hour: 17, minute: 30 }]);
  });

  it("reads SCHEDULE_JOBS=true and JOBS_AT=HH:MM", () => {
    const c = loadConfig({ SCHEDULE_JOBS: "true", JOBS_AT: "06:05" });
    expect([c.scheduleJobs, c.jobsAt]).toEqual([true, { hour: 6, minute: 5 }]);
  });

  it.each(["24:00", "7:30", "17:60", "noon", "17:30:00"])("refuses JOBS_AT=%s naming the variable", (value) => {
    expect(() => loadConfig({ JOBS_AT: value })).toThrow(/JOBS_AT/);
  });

  it("refuses SCHEDULE_JOBS that is not a boolean", () => {
    expect(() => loadConfig({ SCHEDULE_JOBS: "daily" })).toThrow(/SCHEDULE_JOBS/);
  });
});
