import type { Role } from "../../domain/enums";

/** Who is asking: the verified claims of the bearer token. */
export interface Viewer {
  subject: string;
  roles: Role[];
  branch: string | null;
}

/**
 * Which clients a viewer may see: all of them, or those of one branch (none when the branch is null).
 * Decided by branchScope in policy.ts.
 */
export type BranchScope = { all: true } | { all: false; branch: string | null };

/**
 * Whether two token subjects name one person (SPEC §10): compared case-insensitively after trimming,
 * so `RT-RO-ALICE` and ` rt-ro-alice` cannot be the two pairs of eyes of one decision.
 */
export function sameSubject(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
