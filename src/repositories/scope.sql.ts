import type { BranchScope } from "../domain/scope";

/** A branch scope as a SQL condition on `branchColumn`, or null when it admits every row. */
export function branchCondition(scope: BranchScope, branchColumn: string): { sql: string; params: string[] } | null {
  if (scope.all) return null;
  if (scope.branch === null) return { sql: "1 = 0", params: [] };
  return { sql: `${branchColumn} = ?`, params: [scope.branch] };
}
