import type { ApolloServerPlugin } from "@apollo/server";
import type { Config } from "../../config";
import { QueryTooComplexError, ThrottledError } from "../../errors";
import { estimateCost, MAX_ALIASES, MAX_DEPTH } from "../../schema/cost";
import type { Context } from "../../schema/context";
import { requestRefusal } from "../../schema/errors";
import type { RateLimiter } from "../../services/access/rate-limit";

/**
 * The cost rule and the throttle (SPEC §7), before any resolver runs: a query too deep, with too many
 * aliases or too many nodes is QUERY_TOO_COMPLEX; then the viewer's bucket pays the nodes, or the
 * request is THROTTLED. Every response reports the figures in `extensions.cost`.
 */
export function costThrottlePlugin(config: Config, rateLimiter: RateLimiter): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, contextValue, schema }) {
          const cost = estimateCost(schema, document, operationName, request.variables ?? {});
          contextValue.meta.cost = { requestedNodes: cost.requestedNodes, limit: config.maxQueryNodes };
          const tooComplex = (message: string) =>
            requestRefusal(new QueryTooComplexError(message, contextValue.meta.cost!));
          if (cost.depth > MAX_DEPTH) throw tooComplex(`The query is ${cost.depth} levels deep; at most ${MAX_DEPTH}`);
          if (cost.aliases > MAX_ALIASES) {
            throw tooComplex(`The query uses ${cost.aliases} aliases; at most ${MAX_ALIASES}`);
          }
          if (cost.requestedNodes > config.maxQueryNodes) {
            throw tooComplex(`The query may return ${cost.requestedNodes} nodes; at most ${config.maxQueryNodes}`);
          }
          const v = contextValue.viewer;
          const capacity = Math.max(...v.roles.map((r) => config.rateLimitByRole[r] ?? config.rateLimitPerMinute));
          // Redis is another process: no execution slot waits on it.
          const throttle = await contextValue.outsideSlot(() =>
            rateLimiter.take(v.subject, capacity, Math.max(1, cost.requestedNodes), Date.now()),
          );
          contextValue.meta.cost = {
            ...contextValue.meta.cost,
            throttle: { capacity: throttle.capacity, remaining: throttle.remaining },
          };
          if (!throttle.allowed)
            throw requestRefusal(new ThrottledError(throttle.retryAfterMs, contextValue.meta.cost));
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind === "single" && contextValue.meta.cost) {
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              cost: contextValue.meta.cost,
            };
          }
        },
      };
    },
  };
}
