import type http from "node:http";
import type { Logger } from "pino";
import { AccessTrailUnavailableError } from "../../services/access/access-trail";
import type { ClientCopyService } from "../../services/privacy/client-copy";
import { authenticate } from "../authenticate";
import { sendJson, type EdgeRefusals } from "../edge";

const CLIENT_NO = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * GET /clients/{clientNo}/personal-data — the client's copy as JSON (SPEC §14): COMPLIANCE, or the
 * relationship manager of the client's branch; others 403; an unknown number 404 (not echoed).
 */
export function personalDataRoute(deps: {
  copies: ClientCopyService;
  secret: string;
  refusals: EdgeRefusals;
  logger: Logger;
}) {
  const { copies, refusals, logger } = deps;
  return async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    rawClientNo: string,
    requestId: string,
  ): Promise<void> => {
    if ((req.method ?? "GET").toUpperCase() !== "GET") {
      refusals.refuse(res, 405, "METHOD_NOT_ALLOWED", "Use GET", { allow: "GET" });
      return;
    }
    const auth = await authenticate(req, deps.secret);
    if ("refused" in auth) {
      refusals.refuse(res, 401, "UNAUTHENTICATED", "A valid bearer token is required", {
        "www-authenticate": "Bearer",
      });
      return;
    }
    const { viewer } = auth;
    let clientNo: string | null;
    try {
      clientNo = decodeURIComponent(rawClientNo);
    } catch {
      clientNo = null;
    }
    let outcome;
    try {
      outcome =
        clientNo !== null && CLIENT_NO.test(clientNo)
          ? await copies.copy(viewer, clientNo, requestId)
          : ({ kind: "not-found" } as const);
    } catch (err) {
      if (!(err instanceof AccessTrailUnavailableError)) throw err;
      logger.error({ requestId, subject: viewer.subject, err: err.reason }, "access trail not written: copy withheld");
      refusals.refuse(res, 503, err.extensionCode, err.message, { "retry-after": "1" });
      return;
    }
    // A viewer who may copy no client at all is refused before the number is looked up.
    if (outcome.kind === "forbidden") {
      refusals.refuse(res, 403, "FORBIDDEN", "You are not allowed to do this", {}, viewer.subject);
      return;
    }
    if (outcome.kind === "not-found") {
      refusals.refuse(res, 404, "NOT_FOUND", "No such client");
      return;
    }
    sendJson(res, 200, outcome.body);
  };
}
