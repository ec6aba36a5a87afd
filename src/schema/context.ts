import type { AuthChecker } from "type-graphql";
import type { Clock } from "../domain/clock";
import type { Loaders } from "../loaders";
import type { BranchScope, Viewer } from "../services/access/viewer";
import { hasAnyRole } from "../services/access/viewer";
import type { Services } from "../services";
import type { Role } from "../domain/enums";

export interface Context {
  requestId: string;
  viewer: Viewer;
  scope: BranchScope;
  loaders: Loaders;
  services: Services;
  clock: Clock;
}

/** Roles, in one place: `@Authorized(Role.X, …)` on a field; no roles listed = any authenticated viewer. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) =>
  roles.length === 0 || hasAnyRole(context.viewer, roles);
