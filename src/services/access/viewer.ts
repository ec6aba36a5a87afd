import { Role } from "../../domain/enums";

/** Who is asking: the verified claims of the bearer token. */
export interface Viewer {
  subject: string;
  roles: Role[];
  branch: string | null;
}

/** Roles that see every branch (SPEC §6). */
const BOOK_WIDE_ROLES: readonly Role[] = [Role.ANALYST, Role.RISK_OFFICER, Role.COMPLIANCE, Role.ADMIN];

/**
 * Which clients a viewer may see: all of them, or those of one branch. A relationship manager without
 * any book-wide role is scoped to its token's branch; without a branch claim it sees no client.
 */
export type BranchScope = { all: true } | { all: false; branch: string | null };

export function branchScope(viewer: Viewer): BranchScope {
  const scoped =
    viewer.roles.includes(Role.RELATIONSHIP_MANAGER) && !viewer.roles.some((r) => BOOK_WIDE_ROLES.includes(r));
  return scoped ? { all: false, branch: viewer.branch } : { all: true };
}

export function hasAnyRole(viewer: Viewer, roles: readonly Role[]): boolean {
  return viewer.roles.some((r) => roles.includes(r));
}

/**
 * Whether two token subjects name one person (SPEC §10): compared case-insensitively after trimming,
 * so `RT-RO-ALICE` and ` rt-ro-alice` cannot be the two pairs of eyes of one decision.
 */
export function sameSubject(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
