import { SignJWT, jwtVerify } from "jose";
import { Role } from "../../domain/enums";
import { UnauthenticatedError } from "../../errors";
import type { Viewer } from "./viewer";

const ALL_ROLES = Object.values(Role) as string[];

/** The longest a token may live: an officer's session, not a standing key. An `exp` beyond it is forged or a mistake. */
export const MAX_TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600;
/** How far ahead of this server's clock a token's `iat` may be (the issuer's clock may run a little fast). */
export const MAX_IAT_SKEW_SECONDS = 60;
/** C0/C1 controls, invisible format characters (zero-width, bidi overrides) and line separators. */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/**
 * The one form of a subject (SPEC §10: subjects compare case-insensitively after trimming): every
 * comparison of viewers — four eyes, throttle buckets, audit actors — sees the same string for
 * `RT-RO-ALICE`, ` rt-ro-alice` and its full-width spelling.
 */
export function normalizeSubject(sub: string): string {
  return sub.normalize("NFKC").trim().toLowerCase();
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** A token whose signature checked out, with the claims every use checks again against its own clock. */
interface Verified {
  viewer: Viewer;
  exp: number;
  iat: number | undefined;
  nbf: number | undefined;
}

/** Tokens verified lately, per secret: a front end sends the same token with every request. */
const verifiedBySecret = new Map<string, Map<string, Verified>>();
/** Tokens remembered per secret; the oldest goes first past it. */
export const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Verifies an HS256 bearer token and reads its claims (SPEC §6, §10). Refuses: a bad signature or
 * algorithm; no `exp`, an expired one, or one further than MAX_TOKEN_LIFETIME_SECONDS ahead; an `nbf`
 * still ahead; an `iat` more than 60 s in the future; a `sub` that is missing, empty, over 64
 * characters or holds control characters; unknown roles; a malformed branch. The subject comes out
 * normalised (normalizeSubject).
 *
 * The signature and the claims' shapes do not change with time, so a token that passed them is kept
 * (VERIFIED_TOKENS_KEPT per secret) and its next use only checks the times again, at that use's clock:
 * the HMAC and the JSON parse are most of an authenticated request's fixed cost.
 */
export async function verifyToken(secret: string, token: string, nowMs = Date.now()): Promise<Viewer> {
  const now = Math.floor(nowMs / 1000);
  let kept = verifiedBySecret.get(secret);
  let verified = kept?.get(token);
  if (verified === undefined) {
    verified = await verifySignedClaims(secret, token, nowMs);
    if (kept === undefined) verifiedBySecret.set(secret, (kept = new Map()));
    if (kept.size >= VERIFIED_TOKENS_KEPT) kept.delete(kept.keys().next().value as string);
    kept.set(token, verified);
  }
  const { exp, iat, nbf } = verified;
  if (exp <= now || exp > now + MAX_TOKEN_LIFETIME_SECONDS || (nbf !== undefined && nbf > now)) {
    throw new UnauthenticatedError("The bearer token is invalid or expired");
  }
  if (iat !== undefined && iat > now + MAX_IAT_SKEW_SECONDS) {
    throw new UnauthenticatedError("The bearer token is invalid or expired");
  }
  return { ...verified.viewer, roles: [...verified.viewer.roles] };
}

/** The signature, then every claim whose validity does not depend on the time. */
async function verifySignedClaims(secret: string, token: string, nowMs: number): Promise<Verified> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key(secret), {
      algorithms: ["HS256"],
      requiredClaims: ["exp"],
      currentDate: new Date(nowMs),
    }));
  } catch {
    throw new UnauthenticatedError("The bearer token is invalid or expired");
  }
  const { exp, iat, nbf } = payload;
  if (typeof exp !== "number" || (iat !== undefined && typeof iat !== "number")) {
    throw new UnauthenticatedError("The bearer token is invalid or expired");
  }
  if (nbf !== undefined && typeof nbf !== "number") {
    throw new UnauthenticatedError("The bearer token is invalid or expired");
  }
  const { sub, roles, branch } = payload;
  if (typeof sub !== "string" || CONTROL.test(sub)) {
    throw new UnauthenticatedError("The bearer token has no valid subject");
  }
  const subject = normalizeSubject(sub);
  if (subject === "" || subject.length > 64) {
    throw new UnauthenticatedError("The bearer token has no valid subject");
  }
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ALL_ROLES.includes(r as string))) {
    throw new UnauthenticatedError("The bearer token has no valid roles");
  }
  if (branch !== undefined && branch !== null && (typeof branch !== "string" || branch.length > 32)) {
    throw new UnauthenticatedError("The bearer token has an invalid branch");
  }
  const viewer: Viewer = {
    subject,
    roles: [...new Set(roles as Role[])],
    branch: typeof branch === "string" ? branch : null,
  };
  return { viewer, exp, iat: iat as number | undefined, nbf: nbf as number | undefined };
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
