import { SignJWT, type JWTPayload } from "jose";
import { Role } from "../../src/domain/enums";
import { UnauthenticatedError } from "../../src/errors";
import { MAX_TOKEN_LIFETIME_SECONDS, mintToken, verifyToken } from "../../src/services/access/tokens";

const SECRET = "t".repeat(40);
const NOW_MS = Math.floor(Date.now() / 1000) * 1000;
const NOW = NOW_MS / 1000;

/** A token signed with SECRET carrying exactly the claims given (none added). */
function sign(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(SECRET));
}

const base = { sub: "rt-ro-alice", roles: [Role.RISK_OFFICER], iat: NOW - 60, exp: NOW + 3600 };
const verify = (token: string) => verifyToken(SECRET, token, NOW_MS);

describe("SPEC §10 authentication: exp is required, iat may not be in the future, sub has no control characters", () => {
  it("accepts an ordinary token", async () => {
    await expect(verify(await sign(base))).resolves.toEqual({
      subject: "rt-ro-alice",
      roles: [Role.RISK_OFFICER],
      branch: null,
    });
  });

  it("accepts what mintToken issues", async () => {
    const token = await mintToken(SECRET, { sub: "alice", roles: [Role.ANALYST] });
    await expect(verifyToken(SECRET, token)).resolves.toMatchObject({ subject: "alice" });
  });

  it("refuses a token without exp", async () => {
    const rest: Record<string, unknown> = { ...base };
    delete rest.exp;
    await expect(verify(await sign(rest))).rejects.toThrow(UnauthenticatedError);
  });

  it.each([
    ["1e300", 1e300],
    ["year 9999", Date.UTC(9999, 11, 31) / 1000],
    ["a day past the longest lifetime", NOW + MAX_TOKEN_LIFETIME_SECONDS + 86_400],
    ["a string", String(NOW + 3600)],
    ["expired", NOW - 1],
  ])("refuses an exp that is absurd or past: %s", async (_name, exp) => {
    await expect(verify(await sign({ ...base, exp }))).rejects.toThrow(UnauthenticatedError);
  });

  it("accepts an exp within the longest lifetime", async () => {
    await expect(verify(await sign({ ...base, exp: NOW + MAX_TOKEN_LIFETIME_SECONDS - 60 }))).resolves.toBeDefined();
  });

  it.each([
    ["61 s ahead", NOW + 61],
    ["ten years ahead", NOW + 10 * 365 * 86_400],
    ["1e300", 1e300],
  ])("refuses an iat in the future beyond 60 s: %s", async (_name, iat) => {
    await expect(verify(await sign({ ...base, iat }))).rejects.toThrow(UnauthenticatedError);
  });

  it("accepts an iat up to 60 s ahead (a clock running a little fast), and a token without iat", async () => {
    await expect(verify(await sign({ ...base, iat: NOW + 60 }))).resolves.toBeDefined();
    const rest: Record<string, unknown> = { ...base };
    delete rest.iat;
    await expect(verify(await sign(rest))).resolves.toBeDefined();
  });

  it.each([
    ["NUL", "alice\u0000"],
    ["newline", "alice\nadmin"],
    ["trailing newline", "alice\n"],
    ["tab", "al\tice"],
    ["escape", "\u001b[31malice"],
    ["DEL", "alice\u007f"],
    ["C1 next line", "alice\u0085"],
    ["zero-width space", "al\u200bice"],
    ["right-to-left override", "\u202ealice"],
    ["line separator", "alice\u2028"],
  ])("refuses a sub with a control character: %s", async (_name, sub) => {
    await expect(verify(await sign({ ...base, sub }))).rejects.toThrow(UnauthenticatedError);
  });

  it.each([
    ["empty", ""],
    ["only spaces", "   "],
    ["65 characters", "a".repeat(65)],
    ["a number", 42],
  ])("refuses a sub that names no one: %s", async (_name, sub) => {
    await expect(verify(await sign({ ...base, sub }))).rejects.toThrow(UnauthenticatedError);
  });
});

describe("SPEC §10 authentication: subjects compare case-insensitively after trimming", () => {
  it.each([["RT-RO-ALICE"], ["rt-ro-alice"], ["  Rt-Ro-Alice  "], ["ＲＴ－ＲＯ－ＡＬＩＣＥ"]])(
    "%j is the viewer rt-ro-alice",
    async (sub) => {
      const viewer = await verify(await sign({ ...base, sub }));
      expect(viewer.subject).toBe("rt-ro-alice");
    },
  );
});

describe("SPEC §10 authentication: a token verified once is checked again at every use", () => {
  it("refuses a remembered token once it has expired, at the clock of that use", async () => {
    const token = await sign({ ...base, exp: NOW + 100 });
    await expect(verifyToken(SECRET, token, NOW_MS)).resolves.toMatchObject({ subject: "rt-ro-alice" });
    await expect(verifyToken(SECRET, token, NOW_MS + 100_000)).rejects.toThrow(UnauthenticatedError);
    await expect(verifyToken(SECRET, token, NOW_MS + 99_000)).resolves.toBeDefined();
  });

  it("refuses a remembered token whose iat or nbf is ahead of that use's clock", async () => {
    const early = await sign({ ...base, iat: NOW + 60 });
    await expect(verifyToken(SECRET, early, NOW_MS)).resolves.toBeDefined();
    await expect(verifyToken(SECRET, early, NOW_MS - 10_000)).rejects.toThrow(UnauthenticatedError);
    const notYet = await sign({ ...base, nbf: NOW + 100 });
    await expect(verifyToken(SECRET, notYet, NOW_MS)).rejects.toThrow(UnauthenticatedError);
    await expect(verifyToken(SECRET, notYet, NOW_MS + 200_000)).resolves.toBeDefined();
    await expect(verifyToken(SECRET, notYet, NOW_MS)).rejects.toThrow(UnauthenticatedError);
  });

  it("refuses a token remembered under one secret when verified with another", async () => {
    const token = await sign(base);
    await expect(verifyToken(SECRET, token, NOW_MS)).resolves.toBeDefined();
    await expect(verifyToken("u".repeat(40), token, NOW_MS)).rejects.toThrow(UnauthenticatedError);
  });

  it("hands each use its own viewer", async () => {
    const token = await sign(base);
    const first = await verifyToken(SECRET, token, NOW_MS);
    first.roles.push(Role.ADMIN);
    await expect(verifyToken(SECRET, token, NOW_MS)).resolves.toEqual({
      subject: "rt-ro-alice",
      roles: [Role.RISK_OFFICER],
      branch: null,
    });
  });
});
