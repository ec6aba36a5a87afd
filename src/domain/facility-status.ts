import { FacilityStatus } from "./enums";

/**
 * Named sets of facility states (SPEC §4, §5): the only place they are listed. SQL binds them as
 * parameters (`IN (${placeholders(SET.length)})`, `[...SET]`), never as literals.
 */

/** Open: not yet decided or not yet ended; a client holds one open facility per product (SPEC §5). */
export const OPEN: readonly FacilityStatus[] = [
  FacilityStatus.PENDING_APPROVAL,
  FacilityStatus.PENDING_SIGNATURE,
  FacilityStatus.ACTIVE,
  FacilityStatus.MARGIN_CALL,
  FacilityStatus.SUSPENDED,
  FacilityStatus.LIQUIDATING,
];

/** In force: signed and running, so it matures, is reviewed periodically and may take a limit decrease. */
export const IN_FORCE: readonly FacilityStatus[] = [
  FacilityStatus.ACTIVE,
  FacilityStatus.MARGIN_CALL,
  FacilityStatus.SUSPENDED,
];

/** Signed and not ended: takes valuations, and a forced liquidation or termination from a review. */
export const VALUED: readonly FacilityStatus[] = [...IN_FORCE, FacilityStatus.LIQUIDATING];

/** Approved limits that count against a new one (SPEC §4). */
export const LIMIT_HOLDING: readonly FacilityStatus[] = [FacilityStatus.PENDING_SIGNATURE, ...IN_FORCE];

export function isOpen(status: FacilityStatus): boolean {
  return OPEN.includes(status);
}
