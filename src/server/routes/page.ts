import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * What the pages the API serves itself (GraphiQL, the dashboard) share: a strict CSP — their own
 * scripts only, no CDN, no inline script, requests to this origin only — and the answers to a method
 * other than GET/HEAD and to an unknown asset.
 */
export const PAGE_SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** Answers 405 unless the method is GET or HEAD; true when it answered. */
export function refuseMethod(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === "GET" || req.method === "HEAD") return false;
  res.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" });
  res.end(JSON.stringify({ errors: [{ message: "Method not allowed", extensions: { code: "METHOD_NOT_ALLOWED" } }] }));
  return true;
}

export function notFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify({ errors: [{ message: "Not found", extensions: { code: "NOT_FOUND" } }] }));
}

/** 200 with the page headers; the body is left out for HEAD. */
export function sendPage(
  req: IncomingMessage,
  res: ServerResponse,
  found: { body: Buffer; type: string; cache: string },
): void {
  res.writeHead(200, {
    ...PAGE_SECURITY_HEADERS,
    "content-type": found.type,
    "content-length": String(found.body.length),
    "cache-control": found.cache,
  });
  res.end(req.method === "HEAD" ? undefined : found.body);
}
