import cluster from "node:cluster";
import http from "node:http";
import { createPool, type Pool, type RowDataPacket } from "mysql2/promise";
import { DEV_JWT_SECRET } from "../../../src/config";
import { bearerToken, verifyToken } from "../../../src/services/access/tokens";
import { OPERATIONS } from "../workloads";
import { FloorReads } from "./reads";

/**
 * The floor: a node:http server on mysql2 answering the bench's three operations with hand-written
 * SQL (FloorReads), as fast as this data can be served. Run as a child of the bench, on
 * BENCH_FLOOR_DB and BENCH_FLOOR_PORT; /stats counts its statements.
 */
async function runFloor(): Promise<void> {
  const url = process.env.BENCH_FLOOR_DB ?? "";
  const port = Number(process.env.BENCH_FLOOR_PORT ?? "0");
  const pool: Pool = createPool({
    uri: url,
    connectionLimit: 10,
    dateStrings: true,
    timezone: "Z",
    charset: "utf8mb4_unicode_ci",
    supportBigNumbers: true,
    enableKeepAlive: true,
  });
  let statements = 0;
  const q = async (sql: string, params: unknown[] = []): Promise<RowDataPacket[]> => {
    statements += 1;
    const [rows] = await pool.query<RowDataPacket[]>(sql, params);
    return rows;
  };
  const reads = new FloorReads(q);
  const send = (res: http.ServerResponse, status: number, payload: unknown) => {
    const text = JSON.stringify(payload);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        if (req.url === "/stats") return send(res, 200, { statements });
        if (req.url === "/healthz") return send(res, 200, { status: "ok" });
        if (req.url !== "/graphql" || req.method !== "POST") return send(res, 404, { error: "not found" });
        const token = bearerToken(req.headers.authorization);
        if (token === null) return send(res, 401, { errors: [{ message: "A bearer token is required" }] });
        await verifyToken(DEV_JWT_SECRET, token);
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const request = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          operationName: string;
          variables: Record<string, unknown>;
        };
        const v = request.variables;
        const data =
          request.operationName === OPERATIONS.page
            ? await reads.page(Number(v.first), (v.after as string | null | undefined) ?? null)
            : request.operationName === OPERATIONS.fit
              ? await reads.fit(String(v.clientNo))
              : request.operationName === OPERATIONS.stats
                ? await reads.stats(String(v.code))
                : null;
        if (data === null) return send(res, 400, { errors: [{ message: "unknown operation" }] });
        send(res, 200, { data });
      } catch (err) {
        if (!res.headersSent) send(res, 500, { errors: [{ message: (err as Error).message }] });
      }
    })();
  });
  server.keepAliveTimeout = 5000;
  server.listen(port, "127.0.0.1");
  process.on("SIGTERM", () => {
    server.close();
    server.closeIdleConnections();
    void pool.end().finally(() => process.exit(0));
  });
}
/**
 * BENCH_FLOOR_WORKERS=N (> 1): N floor processes on the port through node:cluster, as the API's
 * WORKERS=N; the primary only forks them and passes SIGTERM on. /stats is then one worker's count.
 */
function runFloorCluster(workers: number): void {
  for (let i = 0; i < workers; i += 1) cluster.fork();
  let stopping = false;
  cluster.on("exit", () => {
    if (!stopping) {
      console.error("a floor worker exited");
      process.exit(1);
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
  process.on("SIGTERM", () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
  });
}

const floorWorkers = Number(process.env.BENCH_FLOOR_WORKERS ?? "1");
if (floorWorkers > 1 && cluster.isPrimary) runFloorCluster(floorWorkers);
else
  runFloor().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
