import type http from "node:http";
import { sendJson, errorBody } from "./edge";

const ALLOWED_METHODS = "GET, POST, OPTIONS";
const ALLOWED_HEADERS = "authorization, content-type, idempotency-key, x-request-id";
const EXPOSED_HEADERS = "x-request-id, retry-after, idempotent-replayed";

/**
 * Browsers on other origins (SPEC §11): CORS for the origins listed in CORS_ORIGINS, none by
 * default. Bearer tokens only, never cookies, so no credentials are allowed. Returns true when the
 * request was a preflight and has been answered (204 for an allowed origin, 403 otherwise).
 */
export function handleCors(req: http.IncomingMessage, res: http.ServerResponse, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  const preflight = req.method === "OPTIONS";
  if (typeof origin !== "string") {
    if (!preflight) return false;
    res.writeHead(204, { allow: ALLOWED_METHODS });
    res.end();
    return true;
  }
  res.setHeader("vary", "Origin");
  const ok = allowed.has(origin);
  if (ok) {
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
  }
  if (!preflight) return false;
  if (!ok) {
    sendJson(res, 403, errorBody("ORIGIN_NOT_ALLOWED", "This origin may not call the API"));
    return true;
  }
  res.writeHead(204, {
    "access-control-allow-methods": ALLOWED_METHODS,
    "access-control-allow-headers": ALLOWED_HEADERS,
    "access-control-max-age": "600",
  });
  res.end();
  return true;
}
