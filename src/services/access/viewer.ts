import type { Role } from "../../domain/enums";

/** Who is asking: the verified claims of the bearer token. */
export interface Viewer {
  subject: string;
  roles: Role[];
  branch: string | null;
}

export type { BranchScope } from "../../domain/scope";

/**
 * Whether two token subjects name one person (SPEC §10): compared case-insensitively after trimming,
 * so `RT-RO-ALICE` and ` rt-ro-alice` cannot be the two pairs of eyes of one decision.
 */
export function sameSubject(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
