import type http from "node:http";
import { bearerToken, verifyToken } from "../services/access/tokens";
import type { Viewer } from "../services/access/viewer";

/** A request's viewer, from its bearer token; or why there is none (the reason never quotes the token). */
export type Authentication = { viewer: Viewer } | { refused: "missing" } | { refused: "invalid"; reason: string };

export async function authenticate(req: http.IncomingMessage, secret: string): Promise<Authentication> {
  const token = bearerToken(req.headers.authorization);
  if (token === null) return { refused: "missing" };
  try {
    return { viewer: await verifyToken(secret, token) };
  } catch (err) {
    return { refused: "invalid", reason: (err as Error).message };
  }
}
