import { Role } from "../../domain/enums";
import { ForbiddenError } from "../../errors";
import { branchScope, type Viewer } from "./viewer";

/**
 * A write about a client of another branch, by a branch-scoped relationship manager, is FORBIDDEN
 * (SPEC §6). Roles themselves are checked by @Authorized before the service runs.
 */
export function assertMayWriteForBranch(viewer: Viewer, branch: string): void {
  if (viewer.roles.includes(Role.ADMIN)) return;
  const scope = branchScope(viewer);
  if (!scope.all && scope.branch !== branch) {
    throw new ForbiddenError("This client belongs to another branch");
  }
}
