import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { SignJWT } from "jose";

/**
 * SPEC §14 bench: CPU per request of the bench's page workload (tools/bench/workloads.ts, with the
 * client's ID number and phone besides the name) as COMPLIANCE, who reads 50 names, ID numbers and
 * phones in clear per page, and as ADMIN (masked), for a built API (PD_MAIN, default dist/src/main.js)
 * on a seeded MariaDB (PD_DB). Run it once on a build with sealed personal data and once on a build
 * from before (its own seeded database) and compare. CPU is the API process's user + system time from
 * /proc over the measured seconds, divided by the requests answered. Prints figures only, never data.
 *
 *   PD_DB=mysql://root@127.0.0.1:3306/pd PD_SECONDS=20 node dist-tools/tools/bench-personal-data.js
 */

const DEV_JWT_SECRET = "dev-only-secret-change-me-0123456789abcdef";
const DEV_DATA_KEYS = "dev1:ZGV2LW9ubHktZGF0YS1rZXktY2hhbmdlLW1lLTAxMjM=";
const DEV_BLIND_INDEX_KEY = "ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LWNoYW5nZS0=";

const PAGE = `query BenchPage($first: Int!, $after: String) {
  clients(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id clientNo name idNumber phone type status investorCategory branch openedAt
      portrait {
        asOf computedAt avgDailyAssets20d totalAssets experienceMonths creditScore creditRating riskLevel horizon
        professionalEligible
      }
      segment { matched score segment { code name } }
      productFits(first: 3) { eligible score recommendedLimit product { code name } blockers { code } }
      reviews(first: 3) { pageInfo { hasNextPage } nodes { id trigger status dueDate recommendation outcome newLimit } }
    }
  }
}`;

const ROOT = path.resolve(__dirname, "../..");
const main = process.env.PD_MAIN ?? path.join(ROOT, "dist", "src", "main.js");
const db = process.env.PD_DB ?? "mysql://root@127.0.0.1:3306/margin_bench";
const seconds = Number(process.env.PD_SECONDS ?? 20);
const connections = Number(process.env.PD_CONNECTIONS ?? 4);
const rounds = Number(process.env.PD_ROUNDS ?? 3);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function token(role: string): Promise<string> {
  return new SignJWT({ roles: [role] })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(`bench-${role.toLowerCase()}`)
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(new TextEncoder().encode(DEV_JWT_SECRET));
}

async function main_(): Promise<void> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      AUTH_JWT_SECRET: DEV_JWT_SECRET,
      DATA_KEYS: DEV_DATA_KEYS,
      BLIND_INDEX_KEY: DEV_BLIND_INDEX_KEY,
      DATABASE_URL: db,
      PORT: String(port),
      SEED_DEMO: "false",
      LOG_LEVEL: "warn",
      RATE_LIMIT_PER_MINUTE: "1000000000",
      MAX_CONCURRENT_REQUESTS: String(connections),
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i += 1) {
      try {
        if ((await fetch(`${url}/readyz`)).status === 200) break;
      } catch {
        // not yet listening
      }
      if (i > 600) throw new Error("the API did not become ready");
      await new Promise((r) => setTimeout(r, 100));
    }
    const post = async (bearer: string, after: string | null) => {
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ operationName: "BenchPage", query: PAGE, variables: { first: 50, after } }),
      });
      const json = (await res.json()) as {
        data?: { clients: { pageInfo: { endCursor: string }; nodes: { name: string }[] } };
        errors?: unknown[];
      };
      if (res.status !== 200 || json.errors) throw new Error(`page failed: ${res.status}`);
      return json.data!.clients;
    };
    const admin = await token("ADMIN");
    const cursors: (string | null)[] = [null];
    for (let i = 0; i < 19; i += 1) cursors.push((await post(admin, cursors[cursors.length - 1])).pageInfo.endCursor);
    const result: Record<string, number[]> = {};
    for (const role of ["COMPLIANCE", "ADMIN"]) {
      const bearer = await token(role);
      const sample = await post(bearer, null);
      const masked = sample.nodes.filter((n) => n.name.includes("*")).length;
      process.stderr.write(`${role}: ${masked} of ${sample.nodes.length} names masked on the first page\n`);
      result[role] = [];
      for (let round = 0; round <= rounds; round += 1) {
        let stop = false;
        let done = 0;
        const loops = Array.from({ length: connections }, async (_, c) => {
          for (let k = c; !stop; k += connections) {
            await post(bearer, cursors[k % cursors.length]);
            done += 1;
          }
        });
        const before = cpuMs(child.pid!);
        const startDone = done;
        await new Promise((r) => setTimeout(r, (round === 0 ? 3 : seconds) * 1000));
        const cpu = cpuMs(child.pid!) - before;
        const answered = done - startDone;
        stop = true;
        await Promise.all(loops);
        if (round === 0) continue; // warm-up
        result[role].push(cpu / answered);
        process.stderr.write(`${role} round ${round}: ${answered} pages, ${(cpu / answered).toFixed(2)} ms CPU/page\n`);
      }
    }
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    console.log(
      JSON.stringify({ main, compliance: med(result.COMPLIANCE), admin: med(result.ADMIN), rounds: result }, null, 1),
    );
  } finally {
    child.kill("SIGTERM");
  }
}

main_().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
