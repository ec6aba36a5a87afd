import { SignJWT, jwtVerify } from "jose";
import { Role } from "../../domain/enums";
import { UnauthenticatedError } from "../../errors";
import type { Viewer } from "./viewer";

const ALL_ROLES = Object.values(Role) as string[];

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Verifies an HS256 bearer token (signature, `exp`) and reads its claims (SPEC §6). */
export async function verifyToken(secret: string, token: string): Promise<Viewer> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key(secret), { algorithms: ["HS256"] }));
  } catch {
    throw new UnauthenticatedError("The bearer token is invalid or expired");
  }
  const { sub, roles, branch } = payload;
  if (typeof sub !== "string" || sub === "" || sub.length > 64) {
    throw new UnauthenticatedError("The bearer token has no valid subject");
  }
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ALL_ROLES.includes(r as string))) {
    throw new UnauthenticatedError("The bearer token has no valid roles");
  }
  if (branch !== undefined && branch !== null && (typeof branch !== "string" || branch.length > 32)) {
    throw new UnauthenticatedError("The bearer token has an invalid branch");
  }
  return { subject: sub, roles: [...new Set(roles as Role[])], branch: typeof branch === "string" ? branch : null };
}

export async function mintToken(
  secret: string,
  claims: { sub: string; roles: Role[]; branch?: string | null },
  ttlSeconds = 12 * 3600,
): Promise<string> {
  const body: Record<string, unknown> = { roles: claims.roles };
  if (claims.branch) body.branch = claims.branch;
  return new SignJWT(body)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key(secret));
}

/** `Authorization: Bearer <token>` → the token, or null. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const m = /^Bearer\s+([A-Za-z0-9_.-]+)$/i.exec(header.trim());
  return m ? m[1] : null;
}
