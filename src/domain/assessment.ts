import { addDays, DAY_MS, startOfDay } from "./dates";

/**
 * The one rule of a risk assessment's validity (SPEC §2): it is in force from `assessedAt` until
 * `validUntil`, and lapses at `validUntil` itself. Every check, in code or in SQL, goes through here.
 */
export function isAssessmentValidAt(a: { validUntil: Date }, at: Date): boolean {
  return at.getTime() < a.validUntil.getTime();
}

/** When an assessment made at `assessedAt` lapses, valid for `validityDays` whole days (SPEC §3). */
export function validUntilFor(assessedAt: Date, validityDays: number): Date {
  return new Date(assessedAt.getTime() + validityDays * DAY_MS);
}

/** The same rule when only the end is known; no assessment is never valid. */
export function isValidUntilAfter(validUntil: Date | null, at: Date): boolean {
  return validUntil !== null && isAssessmentValidAt({ validUntil }, at);
}

/**
 * The instants that decide whether an assessment counts for a trading day: made before the day ended
 * (`assessedAt < madeBefore`) and still valid when it began (`validUntil > validAfter`). For SQL,
 * which binds them as parameters.
 */
export function assessmentDayBounds(asOf: string): { madeBefore: Date; validAfter: Date } {
  return { madeBefore: startOfDay(addDays(asOf, 1)), validAfter: startOfDay(asOf) };
}

/**
 * A portrait is dated, not timed, so an assessment counts for `asOf` when it was in force at any
 * moment of that UTC day: made by the end of the day (a client assessed this afternoon has a level in
 * today's portrait) and still valid at its start (one that lapses during the day still counts for
 * that day). Checks at an instant, such as applying for a facility, use `isAssessmentValidAt`.
 */
export function assessmentCountsOn(a: { assessedAt: Date; validUntil: Date }, asOf: string): boolean {
  const { madeBefore, validAfter } = assessmentDayBounds(asOf);
  return a.assessedAt < madeBefore && isAssessmentValidAt(a, validAfter);
}
