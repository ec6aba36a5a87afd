import type { DataSource } from "typeorm";
import { DEV_JWT_SECRET } from "../config";
import { today, type Clock } from "../domain/clock";
import { Role } from "../domain/enums";
import { ClientEntity } from "../entities";
import type { Logger } from "../log";
import { Ability, can } from "../services/access/abilities";
import { mintToken } from "../services/access/tokens";
import { seedDemoBook } from "./demo-book";

const DEMO_CLIENTS = 2000;

/** A server started on an empty database (and SEED_DEMO on) serves the demo book of SPEC §9. */
export async function seedDemoIfEmpty(dataSource: DataSource, logger: Logger, clock: Clock): Promise<void> {
  if ((await dataSource.getRepository(ClientEntity).count()) > 0) return;
  logger.info({ clients: DEMO_CLIENTS }, "empty database: seeding the demo book");
  const summary = await seedDemoBook(dataSource, { clients: DEMO_CLIENTS, seed: 42, asOf: today(clock) });
  logger.info({ ms: summary.ms }, "demo book seeded");
}

/**
 * Prints a token per role to stdout, a branch-scoped role's on the busiest branch. Only a server on
 * the built-in development secret, whose tokens anyone could mint anyway, prints them (SPEC §10): with a
 * real secret they would be valid credentials in a log.
 */
export async function printDemoTokens(secret: string, dataSource: DataSource, port: number): Promise<void> {
  if (secret !== DEV_JWT_SECRET) return;
  const busiest = await dataSource
    .getRepository(ClientEntity)
    .createQueryBuilder("c")
    .select("c.branch", "branch")
    .groupBy("c.branch")
    .orderBy("COUNT(*)", "DESC")
    .addOrderBy("c.branch")
    .limit(1)
    .getRawOne<{ branch: string }>();
  const branch = busiest?.branch ?? "SH-PUDONG";
  const lines = [`\nGraphQL API ready at http://localhost:${port}/graphql — demo tokens (valid 12 h):\n`];
  for (const role of Object.values(Role)) {
    const scoped = can({ roles: [role] }, Ability.SCOPE_OWN_BRANCH);
    const token = await mintToken(secret, {
      sub: `demo-${role.toLowerCase().replace(/_/g, "-")}`,
      roles: [role],
      branch: scoped ? branch : null,
    });
    lines.push(`${role}${scoped ? ` (branch ${branch})` : ""}:\n  ${token}\n`);
  }
  lines.push(
    `Try:\n  curl -s localhost:${port}/graphql -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\\n    -d '{"query":"{ clients(first: 5) { nodes { clientNo name portrait { creditRating } } } }"}'\n`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}
