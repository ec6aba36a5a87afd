import "reflect-metadata";
import { ConfigError, loadConfig } from "../config";
import { Role } from "../domain/enums";
import { MAX_TOKEN_LIFETIME_SECONDS, mintToken } from "../services/access/tokens";

/** npm run token -- --role RISK_OFFICER --sub alice [--branch SH-PUDONG] [--ttl 3600] */
async function run(): Promise<void> {
  const args = process.argv.slice(2);
  const roles: Role[] = [];
  let sub: string | null = null;
  let branch: string | null = null;
  let ttl = 12 * 3600;
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i];
    const value = args[i + 1];
    if (value === undefined) fail(`${flag} needs a value`);
    i += 1;
    switch (flag) {
      case "--role":
        for (const r of value.split(",")) {
          if (!(Object.values(Role) as string[]).includes(r))
            fail(`unknown role; use one of ${Object.values(Role).join(", ")}`);
          roles.push(r as Role);
        }
        break;
      case "--sub":
        if (!/^[A-Za-z0-9._@-]{1,64}$/.test(value)) fail("--sub must be 1-64 letters, digits or ._@-");
        sub = value;
        break;
      case "--branch":
        if (!/^[A-Za-z0-9_-]{1,32}$/.test(value)) fail("--branch must be 1-32 letters, digits, - or _");
        branch = value;
        break;
      case "--ttl":
        if (!/^\d+$/.test(value) || Number(value) < 60 || Number(value) > MAX_TOKEN_LIFETIME_SECONDS) {
          fail(`--ttl must be seconds, from 60 to ${MAX_TOKEN_LIFETIME_SECONDS} (30 days)`);
        }
        ttl = Number(value);
        break;
      default:
        fail(`unknown option ${flag}`);
    }
  }
  if (roles.length === 0 || sub === null)
    fail("usage: npm run token -- --role ROLE[,ROLE] --sub NAME [--branch B] [--ttl SECONDS]");
  const config = loadConfig();
  process.stdout.write(`${await mintToken(config.authJwtSecret, { sub, roles, branch }, ttl)}\n`);
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

run().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
