import { ForbiddenError } from "../../errors";
import { Ability, can } from "./abilities";
import type { BranchScope, Viewer } from "./viewer";

/**
 * Object-level rules of SPEC §6, in one place: which clients a viewer reads (every read path — lists,
 * `node`, nested fields, the export — loads only those, inside its SQL), whose personal data it reads
 * in clear, for which branches it writes, and whether it reads the audit trail.
 */

/**
 * Which clients a viewer may see: all of them, or those of one branch. SCOPE_EVERY_BRANCH wins;
 * otherwise SCOPE_OWN_BRANCH narrows to the token's branch (no client without a branch claim);
 * otherwise SCOPE_EVERY_BRANCH_UNLESS_NARROWED reads every branch; a viewer with none sees no client.
 */
export function branchScope(viewer: Viewer): BranchScope {
  if (can(viewer, Ability.SCOPE_EVERY_BRANCH)) return { all: true };
  if (can(viewer, Ability.SCOPE_OWN_BRANCH)) return { all: false, branch: viewer.branch };
  if (can(viewer, Ability.SCOPE_EVERY_BRANCH_UNLESS_NARROWED)) return { all: true };
  return { all: false, branch: null };
}

/** The scope's SQL lives with the other SQL, in repositories/ (one implementation). */
export { branchCondition } from "../../repositories/scope.sql";

export function canSeeClient(viewer: Viewer, client: { branch: string }): boolean {
  return scopeSeesClient(branchScope(viewer), client);
}

/** canSeeClient for a scope already worked out (a live subscriber's, once per subscription). */
export function scopeSeesClient(scope: BranchScope, client: { branch: string }): boolean {
  return scope.all || (scope.branch !== null && scope.branch === client.branch);
}

/** Personal data in clear: READ_PERSONAL_DATA, or READ_OWN_BRANCH_PERSONAL_DATA for a client of the token's branch. */
export function canReadPersonalData(viewer: Viewer, client: { branch: string }): boolean {
  if (can(viewer, Ability.READ_PERSONAL_DATA)) return true;
  return (
    can(viewer, Ability.READ_OWN_BRANCH_PERSONAL_DATA) && viewer.branch !== null && viewer.branch === client.branch
  );
}

/**
 * The clients whose personal data a viewer reads in clear, as a scope (for conditions inside SQL, like
 * a personal-data search): canReadPersonalData as a set.
 */
export function personalDataScope(viewer: Viewer): BranchScope {
  if (can(viewer, Ability.READ_PERSONAL_DATA)) return { all: true };
  if (can(viewer, Ability.READ_OWN_BRANCH_PERSONAL_DATA)) return { all: false, branch: viewer.branch };
  return { all: false, branch: null };
}

/**
 * A write about a client the viewer may not see, by a branch-scoped viewer, is FORBIDDEN; an ADMIN
 * writes for every branch. Whether the viewer may run the write at all is its operation's ability.
 */
export function assertMayWriteForBranch(viewer: Viewer, branch: string): void {
  if (can(viewer, Ability.WRITE_EVERY_BRANCH) || canSeeClient(viewer, { branch })) return;
  throw new ForbiddenError("This client belongs to another branch");
}

/** The audit trail, by `auditLog` as by `node`. */
export function mayReadAudit(viewer: Viewer): boolean {
  return can(viewer, Ability.READ_AUDIT);
}

/** `王*明`; two characters `王*`; one character `*`. Works on code points, not UTF-16 units. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return "*";
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${"*".repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Keeps the first 6 and last 4: `110101********1234`. */
export function maskIdNumber(id: string): string {
  if (id.length <= 10) return "*".repeat(id.length);
  return `${id.slice(0, 6)}${"*".repeat(id.length - 10)}${id.slice(-4)}`;
}

/** Keeps the first 3 and last 4: `138****5678`. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return "*".repeat(phone.length);
  return `${phone.slice(0, 3)}${"*".repeat(phone.length - 7)}${phone.slice(-4)}`;
}
