/**
 * Which clients a viewer may see: all of them, or those of one branch (none when the branch is null).
 * Decided by branchScope in services/access/policy.ts; turned into SQL by repositories/scope.sql.ts.
 */
export type BranchScope = { all: true } | { all: false; branch: string | null };
