import { createHash } from "node:crypto";
import http from "node:http";
import type { DataSource } from "typeorm";
import { prng } from "../../src/domain/prng";

/**
 * Shared pieces of the hostile suite: a seeded PRNG (a failing run replays exactly from its seed),
 * a raw HTTP client that can send what `fetch` will not (chunked bodies, odd methods, forged
 * headers), and a snapshot of every table to prove that nothing was written.
 */

/** > 100 KB, with a marker no honest message contains. */
export const LONG = `LONG-${"ZQXJ".repeat(26_000)}`;
/** Strings an attacker tries, over HTTP (fuzz.test.ts) and over the socket (ws-fuzz.test.ts). */
export const INJECTIONS = [
  "' OR 1=1 --",
  "`; DROP TABLE client; --",
  "<script>alert(1)</script>",
  "\u0000",
  "Robert'); DROP TABLE client;--",
  "{{7*7}}${7*7}",
  "../../../../etc/passwd",
];
/** What must never come back in an answer: a fragment of each injection, and of LONG. */
export const MARKERS = ["OR 1=1", "DROP TABLE", "<script", "\u0000", "{{7*7}}", "etc/passwd", "ZQXJZQXJ"];

/** The domain's mulberry32 (src/domain/prng.ts) with the draws the hostile suite needs. */
export class Rng {
  private readonly draw: () => number;

  constructor(seed: number) {
    this.draw = prng(seed);
  }

  next(): number {
    return this.draw();
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** n distinct items, in random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = this.int(i + 1);
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, Math.min(n, copy.length));
  }
}

export interface RawRequest {
  /** What the request tries (for the report). */
  kind: string;
  method: string;
  /** Path and query string, already percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean;
  /** Statuses the SPEC fixes for this request, when it fixes one. */
  expect?: number[];
  /** Which token (or forgery) it carried. */
  auth: string;
}

export interface RawResponse {
  /** null when no response came (reset, timeout). */
  status: number | null;
  error: string | null;
  contentType: string;
  text: string;
  requestId: string | null;
  ms: number;
}

/** One request over a fresh connection; never throws. */
export function send(base: URL, r: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    let settled = false;
    const started = Date.now();
    const done = (out: Omit<RawResponse, "ms">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...out, ms: Date.now() - started });
    };
    const failed = (error: string): Omit<RawResponse, "ms"> => ({
      status: null,
      error,
      contentType: "",
      text: "",
      requestId: null,
    });
    let req: http.ClientRequest;
    try {
      req = http.request({
        host: base.hostname,
        port: base.port,
        path: r.path,
        method: r.method,
        headers: r.headers,
        agent: false,
      });
    } catch (err) {
      // The fuzz built a request Node will not send: a bug of the fuzz, reported as such.
      done(failed(`CLIENT_REFUSED ${(err as Error).message}`));
      return;
    }
    const timer = setTimeout(() => req.destroy(new Error("TIMEOUT")), timeoutMs);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        done({
          status: res.statusCode ?? null,
          error: null,
          contentType: String(res.headers["content-type"] ?? ""),
          text: Buffer.concat(chunks).toString("utf8"),
          requestId: typeof res.headers["x-request-id"] === "string" ? res.headers["x-request-id"] : null,
        }),
      );
      res.on("error", (err) => done(failed(`RESPONSE_${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    });
    req.on("error", (err) => done(failed((err as NodeJS.ErrnoException).code ?? err.message)));
    if (r.body === undefined) {
      req.end();
    } else if (r.chunked) {
      const body = Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, "utf8");
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else {
      req.end(r.body);
    }
  });
}

/** Runs the requests with at most `concurrency` in flight; results in request order. */
export async function runAll(base: URL, requests: RawRequest[], concurrency: number): Promise<RawResponse[]> {
  const results: RawResponse[] = new Array(requests.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const i = next;
        next += 1;
        results[i] = await send(base, requests[i]);
      }
    }),
  );
  return results;
}

export interface TableSnapshot {
  counts: Record<string, number>;
  /** sha256 of every row, so an UPDATE shows as well as an INSERT or DELETE. */
  digests: Record<string, string>;
}

/**
 * A snapshot without the access trail, the one table reading may append to (each answer that carried
 * personal data in clear is recorded, SPEC §14): equal before and after means nothing else was written.
 */
export function withoutTrail(snapshot: TableSnapshot): TableSnapshot {
  const drop = <V>(record: Record<string, V>) =>
    Object.fromEntries(Object.entries(record).filter(([table]) => table !== "personal_data_access"));
  return { counts: drop(snapshot.counts), digests: drop(snapshot.digests) };
}

/** Every table of the database (from the catalogue, not from the entities), counted and hashed. */
export async function snapshotTables(ds: DataSource): Promise<TableSnapshot> {
  const sqlite = ds.options.type === "better-sqlite3";
  const names = (
    (await ds.query(
      sqlite
        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        : "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )) as { name: string }[]
  ).map((r) => r.name);
  const counts: Record<string, number> = {};
  const digests: Record<string, string> = {};
  for (const name of names) {
    const [{ n }] = (await ds.query(`SELECT COUNT(*) AS n FROM \`${name}\``)) as { n: unknown }[];
    counts[name] = Number(n);
    const rows = (await ds.query(`SELECT * FROM \`${name}\``)) as Record<string, unknown>[];
    const lines = rows.map((row) => JSON.stringify(row)).sort();
    digests[name] = createHash("sha256").update(lines.join("\n")).digest("hex");
  }
  return { counts, digests };
}

export function truncate(text: string, max = 300): string {
  const flat = JSON.stringify(text).slice(1, -1);
  return flat.length <= max ? flat : `${flat.slice(0, max)}… (${text.length} chars)`;
}
