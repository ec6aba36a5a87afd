import http from "node:http";
import { DEV_JWT_SECRET } from "../../src/config";
import { Role } from "../../src/domain/enums";
import { mintToken } from "../../src/services/access/tokens";
import { startApiProcess, type ApiProcess } from "../support/api-process";
import { compiledBuild } from "../support/build";
import { ENGINES, type TestDatabase } from "../support/engines";

/**
 * WORKERS=N (issue 17): N server processes share the port through node:cluster. On MariaDB with Redis
 * (WORKERS > 1 refuses SQLite and needs REDIS_URL): requests are answered by two different workers, a killed worker is replaced,
 * the scheduler runs in worker 1 only, and SIGTERM stops every worker with exit code 0. Which worker
 * answered is read from the worker's own log line of the request (slot and pid, no personal data).
 */
const mysql = process.env.TEST_REDIS_URL ? ENGINES.filter((e) => e.name === "mysql") : [];

interface LogLine {
  msg?: string;
  worker?: number;
  slot?: number;
  pid?: number;
  operation?: string;
  job?: string;
}

function logLines(api: ApiProcess): LogLine[] {
  return api
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);
}

/** One GraphQL request on a connection of its own, so the cluster may hand it to any worker. */
function ask(origin: string, token: string, operationName: string): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify({ operationName, query: `query ${operationName} { segments { code } }` });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${origin}/graphql`,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(mysql)("WORKERS=2 on $name (http tier)", (engine) => {
  let db: TestDatabase;
  let api: ApiProcess;
  let token: string;

  beforeAll(async () => {
    db = await engine.create();
    token = await mintToken(DEV_JWT_SECRET, { sub: "workers-test", roles: [Role.ADMIN] });
    api = await startApiProcess(compiledBuild(), db.url, {
      WORKERS: "2",
      REDIS_URL: process.env.TEST_REDIS_URL ?? "",
      LOG_LEVEL: "info",
      SCHEDULE_JOBS: "true",
    });
    // /readyz answered by one worker: wait until both listen.
    await until("two workers listening", () => logLines(api).filter((l) => l.msg === "worker listening").length >= 2);
  }, 120_000);

  afterAll(async () => {
    await api?.kill();
    await db?.drop();
  });

  /** The worker pids whose log recorded a GraphQL request of this operation. */
  const answeredBy = (operation: string) =>
    new Set(
      logLines(api)
        .filter((l) => l.msg === "graphql request" && l.operation === operation)
        .map((l) => l.pid),
    );

  it("answers GraphQL from two different worker processes", async () => {
    for (let i = 0; i < 20; i += 1) {
      const res = await ask(api.origin, token, "WorkersSpread");
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toHaveProperty("data.segments");
    }
    await until("the request log lines", () => answeredBy("WorkersSpread").size >= 2, 5_000);
    const pids = answeredBy("WorkersSpread");
    expect(pids.size).toBe(2);
    expect(pids.has(api.child.pid)).toBe(false);
  });

  it("SPEC §12: the scheduler runs in worker 1 only, each job once", async () => {
    await until(
      "the three scheduled jobs",
      () => logLines(api).filter((l) => l.msg === "scheduled job ran").length >= 3,
    );
    const started = logLines(api).filter((l) => l.msg?.startsWith("scheduler: catching up"));
    expect(started.map((l) => l.worker)).toEqual([1]);
    const ran = logLines(api).filter((l) => l.msg === "scheduled job ran");
    expect(ran.map((l) => [l.job, l.worker]).sort()).toEqual([
      ["processMaturities", 1],
      ["scheduleReviews", 1],
      ["snapshotSegments", 1],
    ]);
    const [{ n }] = (await db.ds.query(
      `SELECT COUNT(*) AS n FROM audit_entry WHERE entityType = 'Batch' AND changes LIKE '%"scheduledRun"%'`,
    )) as { n: unknown }[];
    expect(Number(n)).toBe(3);
  });

  it("replaces a killed worker, which then answers requests", async () => {
    const listening = () => logLines(api).filter((l) => l.msg === "worker listening");
    const before = listening();
    const victim = before.find((l) => l.slot === 2)!.pid!;
    process.kill(victim, "SIGKILL");
    await until("a replacement worker", () => listening().length > before.length);
    const replacement = listening().at(-1)!;
    expect(replacement.slot).toBe(2);
    expect(replacement.pid).not.toBe(victim);
    expect(alive(victim)).toBe(false);
    const failures: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const res = await ask(api.origin, token, "WorkersAfterKill");
      if (res.status !== 200) failures.push(res.status);
    }
    expect(failures).toEqual([]);
    await until("the replacement answering", () => answeredBy("WorkersAfterKill").has(replacement.pid), 5_000);
    expect(answeredBy("WorkersAfterKill").has(victim)).toBe(false);
  });

  it("SIGTERM stops every worker and the primary exits with code 0", async () => {
    const workers = [
      ...new Set(
        logLines(api)
          .filter((l) => l.msg === "worker listening")
          .map((l) => l.pid!),
      ),
    ];
    const exited = new Promise<number | null>((resolve) => api.child.once("exit", (code) => resolve(code)));
    api.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(workers.filter(alive)).toEqual([]);
    const out = logLines(api);
    expect(out.some((l) => l.msg === "cluster shutting down: stopping every worker")).toBe(true);
    expect(out.filter((l) => l.msg === "worker exited: replacing it")).toHaveLength(1);
  });
});
