import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "pino";
import { DomainError } from "../../errors";
import type { Context } from "../../schema/context";
import type { Metrics } from "../metrics";

/**
 * The operation's metrics label, the codes of the errors the client received (counted after
 * formatError, which gives every error its code), and a log line for each unexpected error.
 */
export function observeErrorsPlugin(metrics: Metrics, logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          contextValue.meta.operationName = metrics.operationLabel(operation?.name?.value);
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind === "single") {
            contextValue.meta.errorCodes = (response.body.singleResult.errors ?? []).map((e) =>
              metrics.countError(e.extensions?.code),
            );
          }
        },
        async didEncounterErrors({ contextValue, errors }) {
          for (const err of errors) {
            const original = err.originalError;
            // A masked domain error (an invariant, a refusal outside a payload) is a bug: logged.
            const expected =
              (original instanceof DomainError && !original.masked) ||
              (err.extensions?.code !== undefined && original === undefined);
            if (!expected && !(original && "extensions" in original)) {
              logger.error(
                { requestId: contextValue.requestId, err: original?.message ?? err.message, path: err.path },
                "unexpected error",
              );
            }
          }
        },
      };
    },
  };
}
