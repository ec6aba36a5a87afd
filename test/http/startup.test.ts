import net from "node:net";
import { runApiUntil } from "../support/api-process";
import { compiledBuild } from "../support/build";

/**
 * Starting the server as a new user would (issue 14 frictions): a port in use is one clear line and
 * exit 1, not a stack; LOG_PRETTY gives readable lines in development and is refused in production.
 */

/** The built API on an in-memory database unless `env` names another. */
const run = (build: string, env: Record<string, string>, until: RegExp | null, ms = 30_000) =>
  runApiUntil(build, { DATABASE_URL: "sqlite::memory:", ...env }, until, ms);

describe("starting the server (issue 14)", () => {
  let build: string;

  beforeAll(() => {
    build = compiledBuild();
  }, 240_000);

  it("a port in use is one line naming the port and PORT, and exit 1", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const { code, output } = await run(build, { PORT: String(port), LOG_LEVEL: "warn" }, null);
      expect(code).toBe(1);
      const lines = output.trim().split("\n");
      expect(lines[lines.length - 1]).toBe(`Port ${port} is already in use: stop the other process or set PORT`);
      expect(output).not.toMatch(/^\s+at /m);
      expect(output).not.toContain("EADDRINUSE");
    } finally {
      holder.close();
    }
  }, 60_000);

  it("LOG_PRETTY=true prints readable lines in development and is refused in production", async () => {
    const pretty = await run(build, { PORT: "0", LOG_PRETTY: "true" }, /serving/);
    expect(pretty.output).toMatch(/INFO.*serving/);
    expect(pretty.output).not.toMatch(/^\{"level"/m);
    const refused = await run(
      build,
      { PORT: "0", LOG_PRETTY: "true", NODE_ENV: "production", AUTH_JWT_SECRET: "x".repeat(40) },
      null,
    );
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain("LOG_PRETTY");
  }, 60_000);
});
