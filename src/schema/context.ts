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
  /** Awaits a call to another service (Redis) without holding an execution slot meanwhile. */
  outsideSlot<T>(wait: () => Promise<T>): Promise<T>;
  /**
   * Facts gathered while Apollo handles the request, shared by reference (Apollo copies the context
   * object itself): the cost rule's figures, reported in `extensions.cost`, and the operation's
   * metrics label (its name, bounded by Metrics.operationLabel).
   */
  meta: {
    cost?: { requestedNodes: number; limit: number; throttle?: { capacity: number; remaining: number } };
    operationName?: string;
    /** The codes of the errors the client received, once the response is formatted. */
    errorCodes?: string[];
  };
}

/** Roles, in one place: `@Authorized(Role.X, …)` on a field; no roles listed = any authenticated viewer. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) =>
  roles.length === 0 || hasAnyRole(context.viewer, roles);
