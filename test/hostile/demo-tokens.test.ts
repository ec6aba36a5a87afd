import { DEV_JWT_SECRET } from "../../src/config";
import { main } from "../../src/main";
import { verifyToken } from "../../src/services/access/tokens";

/**
 * SPEC §10 demo tokens: printed only when the server runs on the built-in development secret. The
 * composition root itself is started (on an in-memory database) and what it writes to stdout read.
 */

const SECRET = "r".repeat(40);
const TOKEN = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

async function startOutput(env: Record<string, string | undefined>): Promise<string> {
  const saved = { ...process.env };
  const signals = { SIGTERM: process.listeners("SIGTERM"), SIGINT: process.listeners("SIGINT") };
  for (const k of ["NODE_ENV", "AUTH_JWT_SECRET", "REDIS_URL", "DATABASE_REPLICA_URLS"]) delete process.env[k];
  Object.assign(process.env, { DATABASE_URL: "sqlite::memory:", PORT: "0", SEED_DEMO: "false", LOG_LEVEL: "silent" });
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  });
  try {
    const app = await main();
    await app.close();
  } finally {
    spy.mockRestore();
    process.env = saved;
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      for (const l of process.listeners(signal)) if (!signals[signal].includes(l)) process.removeListener(signal, l);
    }
  }
  return written.join("");
}

describe("SPEC §10 demo tokens are printed only when the server runs on the built-in development secret", () => {
  it("prints none with a real secret and NODE_ENV unset (defect 12: they were printed, and valid, with any secret)", async () => {
    const out = await startOutput({ AUTH_JWT_SECRET: SECRET });
    expect(out).not.toMatch(TOKEN);
    expect(out).not.toMatch(/demo tokens/i);
  });

  it.each(["development", "test"])("prints none with a real secret and NODE_ENV=%s", async (nodeEnv) => {
    const out = await startOutput({ AUTH_JWT_SECRET: SECRET, NODE_ENV: nodeEnv });
    expect(out).not.toMatch(TOKEN);
  });

  it("prints them on the development secret, and they are valid only for it", async () => {
    const out = await startOutput({});
    const tokens: string[] = out.match(TOKEN) ?? [];
    expect(tokens.length).toBeGreaterThanOrEqual(6);
    await expect(verifyToken(DEV_JWT_SECRET, tokens[0])).resolves.toMatchObject({ subject: expect.any(String) });
    await expect(verifyToken(SECRET, tokens[0])).rejects.toThrow();
  });
});
