import net from "node:net";

/**
 * Before any suite: the services the suites need answer, or the run says so at once. Under CI a
 * missing or unreachable MariaDB, Redis or RabbitMQ fails the whole run with one clear line (nothing is ever
 * skipped there); outside CI the suites that need them are skipped, and the reason is printed.
 */
const SERVICES = [
  { variable: "TEST_MYSQL_URL", what: "MariaDB/MySQL", port: 3306, requiredInCi: true },
  { variable: "TEST_REDIS_URL", what: "Redis", port: 6379, requiredInCi: true },
  { variable: "TEST_AMQP_URL", what: "RabbitMQ", port: 5672, requiredInCi: true },
  { variable: "TEST_REPLICA_URL", what: "the MariaDB read replica", port: 3306, requiredInCi: false },
] as const;

function reachable(url: string, fallbackPort: number): Promise<boolean> {
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: parsed.hostname, port: Number(parsed.port || fallbackPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export default async function globalSetup(): Promise<void> {
  const ci = process.env.CI === "true";
  const problems: string[] = [];
  for (const s of SERVICES) {
    const url = process.env[s.variable];
    if (!url) {
      if (ci && s.requiredInCi) problems.push(`${s.variable} is not set: the ${s.what} suites must run under CI`);
      else console.error(`[test setup] ${s.variable} is not set: the suites that need ${s.what} are skipped`);
      continue;
    }
    if (await reachable(url, s.port)) continue;
    const host = new URL(url).host;
    if (ci) problems.push(`${s.what} does not answer at ${host} (${s.variable})`);
    else {
      console.error(`[test setup] ${s.what} does not answer at ${host}: its suites are skipped (${s.variable} unset)`);
      delete process.env[s.variable];
    }
  }
  if (problems.length > 0) throw new Error(`Test services missing under CI:\n  ${problems.join("\n  ")}`);
}
