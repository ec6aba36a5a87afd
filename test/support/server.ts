import type { AddressInfo } from "node:net";
import type { DataSource } from "typeorm";
import { loadConfig } from "../../src/config";
import { FixedClock } from "../../src/domain/clock";
import { Role } from "../../src/domain/enums";
import { createLogger } from "../../src/log";
import { buildApiSchema } from "../../src/schema/build";
import { createApp, type App } from "../../src/server/app";
import { createServices, type Services } from "../../src/services";
import { mintToken } from "../../src/services/access/tokens";

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T | null;
    errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
}

export interface TestServer {
  url: string;
  app: App;
  services: Services;
  clock: FixedClock;
  token(roles: Role[] | Role, opts?: { sub?: string; branch?: string | null }): Promise<string>;
  gql<T = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResult<T>>;
  /** SQL statements of the last GraphQL request the server finished. */
  lastStatements(): number;
  /** Client pages the read planner answered in the last GraphQL request the server finished. */
  lastPlannedPages(): number;
  close(): Promise<void>;
}

/** A real HTTP server on an ephemeral port over the given database, with a fixed clock. */
export async function startTestServer(
  ds: DataSource,
  now = new Date("2026-11-27T08:00:00.000Z"),
  env: Record<string, string> = {},
): Promise<TestServer> {
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", ...env });
  const clock = new FixedClock(now);
  const services = createServices(config, ds, clock);
  let last = -1;
  let lastPlanned = -1;
  const app = await createApp({
    schema: await buildApiSchema(),
    services,
    logger: createLogger("silent"),
    observe: (o) => {
      last = o.sqlStatements;
      lastPlanned = o.plannedPages;
    },
  });
  await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    app,
    services,
    clock,
    token: (roles, opts = {}) =>
      mintToken(config.authJwtSecret, {
        sub: opts.sub ?? "tester",
        roles: Array.isArray(roles) ? roles : [roles],
        branch: opts.branch ?? null,
      }),
    async gql(token, query, variables) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as never };
    },
    lastStatements: () => last,
    lastPlannedPages: () => lastPlanned,
    close: () => app.close(),
  };
}
