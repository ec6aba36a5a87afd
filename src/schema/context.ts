import type { AuthChecker } from "type-graphql";
import type { Clock } from "../domain/clock";
import type { Loaders } from "../loaders";
import type { AccessTrail } from "../services/access/trail";
import type { BranchScope, Viewer } from "../services/access/viewer";
import { can, type Ability } from "../services/access/abilities";
import type { Services } from "../services";

export interface Context {
  requestId: string;
  viewer: Viewer;
  scope: BranchScope;
  loaders: Loaders;
  services: Services;
  clock: Clock;
  /** What this request serves in clear (SPEC §14): the presenters watch, the handler writes it once at the end. */
  trail: AccessTrail;
  /** A subscription's connection (server/subscriptions.ts): told when the live feed ends a subscription. */
  live?: {
    ended(reason: "overflow" | "shutdown"): void;
    /** Which subscribers share each event's execution (server/live-execution.ts shareKey). */
    shareKey: string;
    /** The subscription's id on its socket (graphql-ws), which each of its messages names. */
    id: string;
    /**
     * Sends one whole protocol message (already serialised) on the subscription's socket; false when it
     * was not sent: the subscription was completed, the socket closed, or it was cut as too slow.
     */
    send(message: string): boolean;
  };
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
    /** Client pages and `client` reads the read planner answered (resolvers/planned/), for the log line. */
    plannedPages?: number;
    /** The codes of the errors the client received, once the response is formatted. */
    errorCodes?: string[];
  };
}

/**
 * `@Authorized(Ability.X)` on a query, a mutation or a `@FieldResolver` method: the viewer's roles must
 * grant the ability (ROLE_ABILITIES). Not on a plain `@Field` of an object type: every type here sets
 * `simpleResolvers: true`, which makes type-graphql skip the check there; buildApiSchema refuses it.
 */
export const authChecker: AuthChecker<Context, Ability> = ({ context }, abilities) =>
  abilities.every((ability) => can(context.viewer, ability));
