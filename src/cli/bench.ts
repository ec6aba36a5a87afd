import "reflect-metadata";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import inspector from "node:inspector";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isDeepStrictEqual } from "node:util";
import type autocannonType from "autocannon";
import Decimal from "decimal.js";
import mysql from "mysql2";
import { createPool, type Pool, type RowDataPacket } from "mysql2/promise";
import { DEV_JWT_SECRET } from "../config";
import { systemClock, today } from "../domain/clock";
import { money } from "../domain/decimal";
import {
  CREDIT_RATING_ORDER,
  FacilityStatus,
  RISK_LEVEL_ORDER,
  Role,
  type CreditRating,
  type RiskLevel,
} from "../domain/enums";
import { toGlobalId } from "../domain/global-id";
import { maskName } from "../services/access/policy";
import { bearerToken, mintToken, verifyToken } from "../services/access/tokens";
import {
  bestSegment,
  productFits,
  segmentFits,
  type FitReason,
  type FitSubject,
  type ProductDef,
  type SegmentDef,
} from "../services/matching";
import { decodeCursor, encodeCursor } from "../services/read/paging";
import { membershipPredicate, type SqlPredicate } from "../services/read/segment-sql";

/**
 * `npm run bench`: the API (a child process, as in production) against a floor — a node:http server
 * on mysql2 with hand-written SQL returning the same JSON — in alternating rounds, for four
 * workloads: (a) a page of 50 clients with portrait, segment, 3 product fits and 3 reviews; (b) one
 * client's full fit; (c) segment stats; (d) a segment's NDJSON export against a raw mysql2 stream.
 *
 * Environment: BENCH_MYSQL_URL (mysql://root@127.0.0.1:3306/margin_bench), BENCH_CLIENTS (100000,
 * seeded only into an empty database), BENCH_SECONDS (10), BENCH_ROUNDS (3), BENCH_CONNECTIONS (16),
 * BENCH_WARMUP (3 s), BENCH_WORKLOADS (page,fit,stats,export), BENCH_CPU_PROF=1 (CPU-profile the API
 * child during the page rounds and print its top self-time functions), BENCH_OUT (bench/results/latest.json).
 */

const ROOT = path.resolve(__dirname, "..", "..", "..");
const RESULTS_DIR = path.join(ROOT, "bench", "results");
const MAIN_JS = path.resolve(__dirname, "..", "main.js");
const CLK_TCK = 100;
const MB = 1024 * 1024;

// ------------------------------------------------------------------ settings

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    console.error(`${name} must be a whole number between ${min} and ${max}`);
    process.exit(2);
  }
  return Number(raw.trim());
}

type Workload = "page" | "fit" | "stats" | "export";
const ALL_WORKLOADS: Workload[] = ["page", "fit", "stats", "export"];

function settings() {
  const url = (process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/margin_bench").trim();
  if (!/^mysql:\/\/[^/\s]+\/[A-Za-z0-9_$-]+$/.test(url)) {
    console.error("BENCH_MYSQL_URL must be mysql://user[:pass]@host:port/database");
    process.exit(2);
  }
  const workloads = (process.env.BENCH_WORKLOADS ?? ALL_WORKLOADS.join(","))
    .split(",")
    .map((w) => w.trim())
    .filter((w) => w !== "");
  for (const w of workloads) {
    if (!(ALL_WORKLOADS as string[]).includes(w)) {
      console.error(`BENCH_WORKLOADS: unknown workload ${w} (page, fit, stats, export)`);
      process.exit(2);
    }
  }
  return {
    url,
    clients: intEnv("BENCH_CLIENTS", 100_000, 100, 1_000_000),
    seconds: intEnv("BENCH_SECONDS", 10, 1, 600),
    rounds: intEnv("BENCH_ROUNDS", 3, 1, 50),
    connections: intEnv("BENCH_CONNECTIONS", 16, 1, 1000),
    warmup: intEnv("BENCH_WARMUP", 3, 0, 60),
    workloads: workloads as Workload[],
    out: path.resolve(ROOT, (process.env.BENCH_OUT ?? "").trim() || path.join(RESULTS_DIR, "latest.json")),
    cpuProfile: ["1", "true", "yes"].includes((process.env.BENCH_CPU_PROF ?? "").trim().toLowerCase()),
  };
}
type Settings = ReturnType<typeof settings>;

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// ------------------------------------------------------------------ the requests

const PAGE_QUERY = `query BenchPage($first: Int!, $after: String) {
  clients(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id clientNo name type status investorCategory branch openedAt
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

const FIT_QUERY = `query BenchFit($clientNo: String!) {
  client(clientNo: $clientNo) {
    clientNo
    segment { matched score segment { code } reasons { code passed message required actual } }
    segmentFits { matched score segment { code } reasons { code passed message required actual } }
    productFits(first: 500) {
      eligible score recommendedLimit product { code } blockers { code } reasons { code passed message required actual }
    }
  }
}`;

const STATS_QUERY = `query BenchStats($code: String!) {
  segment(code: $code) {
    code
    stats {
      clientCount totalAvgDailyAssets meanAvgDailyAssets
      riskLevels { riskLevel count }
      creditRatings { creditRating count }
      activeFacilityCount totalApprovedLimit totalUsedAmount
    }
  }
}`;

const OPERATIONS = { page: "BenchPage", fit: "BenchFit", stats: "BenchStats" } as const;
type GqlWorkload = keyof typeof OPERATIONS;

function body(workload: GqlWorkload, variables: Record<string, unknown>): string {
  const query = workload === "page" ? PAGE_QUERY : workload === "fit" ? FIT_QUERY : STATS_QUERY;
  return JSON.stringify({ operationName: OPERATIONS[workload], query, variables });
}

// ------------------------------------------------------------------ the floor: node:http + mysql2

interface FloorSegment extends SegmentDef {
  id: number;
  name: string;
}
interface FloorProduct extends ProductDef {
  id: number;
  name: string;
}
interface FloorCatalogue {
  all: FloorSegment[];
  active: FloorSegment[];
  products: FloorProduct[];
}

const LIMIT_HOLDING = [
  FacilityStatus.PENDING_SIGNATURE,
  FacilityStatus.ACTIVE,
  FacilityStatus.MARGIN_CALL,
  FacilityStatus.SUSPENDED,
];

const CLIENT_COLUMNS = `c.\`id\`, c.\`clientNo\`, c.\`name\`, c.\`type\`, c.\`status\`, c.\`investorCategory\`, c.\`branch\`,
  c.\`openedAt\`, p.\`id\` AS pId, p.\`asOf\`, p.\`computedAt\`, p.\`riskLevel\`, p.\`horizon\`, p.\`lowestCategory\`,
  p.\`avgDailyAssets20d\`, p.\`totalAssets\`, p.\`experienceMonths\`, p.\`creditScore\`, p.\`creditRating\`,
  p.\`professionalEligible\`,
  (SELECT ra.\`validUntil\` FROM \`risk_assessment\` ra WHERE ra.\`clientId\` = c.\`id\`
    ORDER BY ra.\`assessedAt\` DESC, ra.\`id\` DESC LIMIT 1) AS validUntil
  FROM \`client\` c LEFT JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\``;

const SEGMENTS_SQL = `SELECT \`id\`, \`code\`, \`name\`, \`priority\`, \`active\`, \`minAvgDailyAssets\`, \`maxAvgDailyAssets\`,
  \`clientTypes\`, \`investorCategories\`, \`riskLevels\`, \`horizons\`, \`minExperienceMonths\`, \`minCreditRating\`
  FROM \`segment\` ORDER BY \`priority\`, \`code\``;

const PRODUCTS_SQL = `SELECT p.\`id\`, p.\`code\`, p.\`name\`, p.\`riskLevel\`, p.\`horizon\`, p.\`minLimit\`, p.\`maxLimit\`,
  p.\`eligibilityMinAvgDailyAssets\`, p.\`eligibilityMinExperienceMonths\`, p.\`eligibilityMinCreditRating\`,
  p.\`eligibilityClientTypes\`, p.\`eligibilityProfessionalOnly\`,
  (SELECT GROUP_CONCAT(s.\`code\` ORDER BY ps.\`segmentId\` SEPARATOR ',') FROM \`product_segment\` ps
    JOIN \`segment\` s ON s.\`id\` = ps.\`segmentId\` WHERE ps.\`productId\` = p.\`id\`) AS segmentCodes
  FROM \`product\` p WHERE p.\`active\` = 1 ORDER BY p.\`code\``;

const ids = (n: number) => new Array(n).fill("?").join(",");
const iso = (v: unknown): string | null => (v === null ? null : `${String(v).replace(" ", "T")}Z`);
const decOrNull = (v: unknown): Decimal | null => (v === null ? null : new Decimal(String(v)));
const jsonOrNull = <T>(v: unknown): T | null => (v === null ? null : (JSON.parse(String(v)) as T));
const reasonOut = (r: FitReason) => ({
  code: r.code,
  passed: r.passed,
  message: r.message,
  required: r.required,
  actual: r.actual,
});

function segmentDef(r: RowDataPacket): FloorSegment {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    priority: r.priority,
    active: r.active === 1,
    criteria: {
      minAvgDailyAssets: decOrNull(r.minAvgDailyAssets),
      maxAvgDailyAssets: decOrNull(r.maxAvgDailyAssets),
      clientTypes: jsonOrNull(r.clientTypes),
      investorCategories: jsonOrNull(r.investorCategories),
      riskLevels: jsonOrNull(r.riskLevels),
      horizons: jsonOrNull(r.horizons),
      minExperienceMonths: r.minExperienceMonths,
      minCreditRating: r.minCreditRating,
    },
  };
}

function productDef(r: RowDataPacket): FloorProduct {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    riskLevel: r.riskLevel,
    horizon: r.horizon,
    active: true,
    minLimit: new Decimal(r.minLimit),
    maxLimit: new Decimal(r.maxLimit),
    eligibility: {
      minAvgDailyAssets: new Decimal(r.eligibilityMinAvgDailyAssets),
      minExperienceMonths: r.eligibilityMinExperienceMonths,
      minCreditRating: r.eligibilityMinCreditRating,
      clientTypes: jsonOrNull(r.eligibilityClientTypes),
      professionalOnly: r.eligibilityProfessionalOnly === 1,
    },
    segmentCodes: r.segmentCodes === null ? [] : String(r.segmentCodes).split(","),
  };
}

function subjectOfRow(r: RowDataPacket, now: number): FitSubject | null {
  if (r.pId === null) return null;
  return {
    clientType: r.type,
    clientStatus: r.status,
    investorCategory: r.investorCategory,
    riskLevel: r.riskLevel,
    lowestCategory: r.lowestCategory === 1,
    horizon: r.horizon,
    avgDailyAssets20d: new Decimal(r.avgDailyAssets20d),
    experienceMonths: r.experienceMonths,
    creditRating: r.creditRating,
    assessmentValid: r.validUntil !== null && Date.parse(iso(r.validUntil)!) > now,
  };
}

/** Approved limits of other products' open facilities, as the API's openLimitsExcluding. */
function openLimits(facilities: RowDataPacket[], products: FloorProduct[]): (code: string) => Decimal {
  const idOf = new Map(products.map((p) => [p.code, p.id]));
  return (code) => {
    const id = idOf.get(code) ?? -1;
    let sum = new Decimal(0);
    for (const f of facilities) if (f.productId !== id) sum = sum.plus(f.approvedLimit);
    return sum;
  };
}

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

  async function catalogue(): Promise<FloorCatalogue> {
    const [segs, prods] = await Promise.all([q(SEGMENTS_SQL), q(PRODUCTS_SQL)]);
    const all = segs.map(segmentDef);
    return { all, active: all.filter((s) => s.active), products: prods.map(productDef) };
  }

  async function facilitiesOf(clientIds: number[]): Promise<RowDataPacket[]> {
    if (clientIds.length === 0) return [];
    return q(
      `SELECT \`clientId\`, \`productId\`, \`approvedLimit\` FROM \`credit_facility\`
        WHERE \`clientId\` IN (${ids(clientIds.length)}) AND \`status\` IN (${ids(LIMIT_HOLDING.length)})
        AND \`approvedLimit\` IS NOT NULL`,
      [...clientIds, ...LIMIT_HOLDING],
    );
  }

  async function page(first: number, after: string | null) {
    const afterKey = decodeCursor("client", after, 1);
    const where = afterKey === null ? "" : "WHERE c.`clientNo` > ?";
    const params = afterKey === null ? [first + 1] : [String(afterKey[0]), first + 1];
    const [rows, cat] = await Promise.all([
      q(`SELECT ${CLIENT_COLUMNS} ${where} ORDER BY c.\`clientNo\` LIMIT ?`, params),
      catalogue(),
    ]);
    const pageRows = rows.slice(0, first);
    const clientIds = pageRows.map((r) => r.id as number);
    const [facilities, reviews] = await Promise.all([
      facilitiesOf(clientIds),
      clientIds.length === 0
        ? Promise.resolve([] as RowDataPacket[])
        : q(
            `SELECT * FROM (SELECT r.\`id\`, r.\`clientId\`, r.\`trigger\`, r.\`status\`, r.\`dueDate\`, r.\`recommendation\`,
               r.\`outcome\`, r.\`newLimit\`, ROW_NUMBER() OVER (PARTITION BY r.\`clientId\` ORDER BY r.\`createdAt\`, r.\`id\`) AS rn
               FROM \`post_loan_review\` r WHERE r.\`clientId\` IN (${ids(clientIds.length)})) t
             WHERE t.rn <= ? ORDER BY t.\`clientId\`, t.rn`,
            [...clientIds, 4],
          ),
    ]);
    const facilitiesBy = new Map<number, RowDataPacket[]>();
    for (const f of facilities) facilitiesBy.set(f.clientId, [...(facilitiesBy.get(f.clientId) ?? []), f]);
    const reviewsBy = new Map<number, RowDataPacket[]>();
    for (const r of reviews) reviewsBy.set(r.clientId, [...(reviewsBy.get(r.clientId) ?? []), r]);
    const now = Date.now();
    const nodes = pageRows.map((r) => {
      const subject = subjectOfRow(r, now);
      const best = subject && bestSegment(subject, cat.active);
      const seg = subject && best ? segmentFits(subject, [best])[0] : null;
      const fits =
        subject === null
          ? []
          : productFits(
              subject,
              cat.products,
              {
                segmentCode: best?.code ?? null,
                openLimitsExcluding: openLimits(facilitiesBy.get(r.id) ?? [], cat.products),
              },
              { first: 3, eligibleOnly: false },
            );
      const revs = reviewsBy.get(r.id) ?? [];
      return {
        id: toGlobalId("Client", r.id),
        clientNo: r.clientNo,
        name: maskName(r.name),
        type: r.type,
        status: r.status,
        investorCategory: r.investorCategory,
        branch: r.branch,
        openedAt: r.openedAt,
        portrait:
          r.pId === null
            ? null
            : {
                asOf: r.asOf,
                computedAt: iso(r.computedAt),
                avgDailyAssets20d: r.avgDailyAssets20d,
                totalAssets: r.totalAssets,
                experienceMonths: r.experienceMonths,
                creditScore: r.creditScore,
                creditRating: r.creditRating,
                riskLevel: r.riskLevel,
                horizon: r.horizon,
                professionalEligible: r.professionalEligible === 1,
              },
        segment: seg && {
          matched: seg.matched,
          score: seg.score,
          segment: { code: seg.segment.code, name: seg.segment.name },
        },
        productFits: fits.map((f) => ({
          eligible: f.eligible,
          score: f.score,
          recommendedLimit: f.recommendedLimit === null ? null : money(f.recommendedLimit),
          product: { code: f.product.code, name: f.product.name },
          blockers: f.blockers.map((b) => ({ code: b.code })),
        })),
        reviews: {
          pageInfo: { hasNextPage: revs.length > 3 },
          nodes: revs.slice(0, 3).map((v) => ({
            id: toGlobalId("PostLoanReview", v.id),
            trigger: v.trigger,
            status: v.status,
            dueDate: v.dueDate,
            recommendation: v.recommendation,
            outcome: v.outcome,
            newLimit: v.newLimit,
          })),
        },
      };
    });
    return {
      clients: {
        pageInfo: {
          hasNextPage: rows.length > first,
          endCursor: pageRows.length === 0 ? null : encodeCursor("client", [pageRows[pageRows.length - 1].clientNo]),
        },
        nodes,
      },
    };
  }

  async function fit(clientNo: string) {
    const [rows, cat] = await Promise.all([
      q(`SELECT ${CLIENT_COLUMNS} WHERE c.\`clientNo\` = ?`, [clientNo]),
      catalogue(),
    ]);
    const r = rows[0];
    if (r === undefined) return { client: null };
    const facilities = await facilitiesOf([r.id]);
    const subject = subjectOfRow(r, Date.now());
    if (subject === null) return { client: { clientNo: r.clientNo, segment: null, segmentFits: [], productFits: [] } };
    const best = bestSegment(subject, cat.active);
    const segOut = (s: ReturnType<typeof segmentFits<FloorSegment>>[number]) => ({
      matched: s.matched,
      score: s.score,
      segment: { code: s.segment.code },
      reasons: s.reasons.map(reasonOut),
    });
    const fits = productFits(
      subject,
      cat.products,
      { segmentCode: best?.code ?? null, openLimitsExcluding: openLimits(facilities, cat.products) },
      { first: 500, eligibleOnly: false },
    );
    return {
      client: {
        clientNo: r.clientNo,
        segment: best === null ? null : segOut(segmentFits(subject, [best])[0]),
        segmentFits: segmentFits(subject, cat.active).map(segOut),
        productFits: fits.map((f) => ({
          eligible: f.eligible,
          score: f.score,
          recommendedLimit: f.recommendedLimit === null ? null : money(f.recommendedLimit),
          product: { code: f.product.code },
          blockers: f.blockers.map((b) => ({ code: b.code })),
          reasons: f.reasons.map(reasonOut),
        })),
      },
    };
  }

  async function stats(code: string) {
    const all = (await q(SEGMENTS_SQL)).map(segmentDef);
    const target = all.find((s) => s.code === code);
    if (target === undefined) return { segment: null };
    const m = membershipPredicate(
      target,
      all.filter((s) => s.active),
    );
    const base = "FROM `client` c JOIN `portrait` p ON p.`id` = c.`latestPortraitId`";
    const [groups, facilities] = await Promise.all([
      q(
        `SELECT p.\`riskLevel\` AS r, p.\`creditRating\` AS cr, COUNT(*) AS n, SUM(p.\`avgDailyAssets20d\`) AS total
          ${base} WHERE ${m.sql} GROUP BY p.\`riskLevel\`, p.\`creditRating\``,
        m.params,
      ),
      q(
        `SELECT COUNT(*) AS n, SUM(f.\`approvedLimit\`) AS approved, SUM(f.\`usedAmount\`) AS used
          FROM \`credit_facility\` f JOIN \`client\` c ON c.\`id\` = f.\`clientId\`
          JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\`
          WHERE ${m.sql} AND f.\`status\` IN ('ACTIVE', 'MARGIN_CALL', 'SUSPENDED')`,
        m.params,
      ),
    ]);
    let count = 0;
    let total = new Decimal(0);
    const levels = new Map<string | null, number>();
    const ratings = new Map<string, number>();
    for (const g of groups) {
      const n = Number(g.n);
      count += n;
      total = total.plus(g.total ?? 0);
      levels.set(g.r, (levels.get(g.r) ?? 0) + n);
      ratings.set(g.cr, (ratings.get(g.cr) ?? 0) + n);
    }
    const levelRank = (k: string | null) => (k === null ? 99 : RISK_LEVEL_ORDER.indexOf(k as RiskLevel));
    const ratingRank = (k: string) => CREDIT_RATING_ORDER.indexOf(k as CreditRating);
    const f = facilities[0];
    return {
      segment: {
        code: target.code,
        stats: {
          clientCount: count,
          totalAvgDailyAssets: money(total),
          meanAvgDailyAssets: money(count === 0 ? total : total.div(count)),
          riskLevels: [...levels]
            .sort((a, b) => levelRank(a[0]) - levelRank(b[0]))
            .map(([riskLevel, n]) => ({ riskLevel, count: n })),
          creditRatings: [...ratings]
            .sort((a, b) => ratingRank(a[0]) - ratingRank(b[0]))
            .map(([creditRating, n]) => ({ creditRating, count: n })),
          activeFacilityCount: Number(f.n),
          totalApprovedLimit: money(f.approved ?? 0),
          totalUsedAmount: money(f.used ?? 0),
        },
      },
    };
  }

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
            ? await page(Number(v.first), (v.after as string | null | undefined) ?? null)
            : request.operationName === OPERATIONS.fit
              ? await fit(String(v.clientNo))
              : request.operationName === OPERATIONS.stats
                ? await stats(String(v.code))
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

// ------------------------------------------------------------------ the export, raw: mysql2 query().stream()

const EXPORT_SELECT = `SELECT c.\`clientNo\`, c.\`type\`, c.\`branch\`, p.\`riskLevel\`, p.\`creditRating\`, p.\`avgDailyAssets20d\`,
    p.\`experienceMonths\`, p.\`asOf\`
  FROM \`client\` c JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\``;

/** Counts lines and hashes bytes, discarding them. */
class Sink extends Writable {
  rows = 0;
  bytes = 0;
  readonly hash = createHash("sha1");
  _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.bytes += buf.length;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) this.rows += 1;
    this.hash.update(buf);
    cb();
  }
}

interface ExportRun {
  downloads: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  bytes: number;
  sha1: string;
  cpuMsPer1000Rows: number;
  rssGrowthMb?: number;
  peakRssMb?: number;
}

interface Download {
  rows: number;
  bytes: number;
  sha1: string;
}

/** One export through the raw driver: the same SELECT, streamed, each row as a line of NDJSON. */
async function rawDownload(url: string, segmentCode: string, m: SqlPredicate): Promise<Download> {
  const conn = mysql.createConnection({ uri: url, dateStrings: true, timezone: "Z", charset: "utf8mb4_unicode_ci" });
  const sink = new Sink();
  try {
    const rows = conn
      .query(`${EXPORT_SELECT} WHERE ${m.sql} ORDER BY c.\`clientNo\``, m.params)
      .stream({ highWaterMark: 1000 });
    const encode = new Transform({
      writableObjectMode: true,
      transform(r: RowDataPacket, _enc, cb) {
        cb(
          null,
          `${JSON.stringify({
            clientNo: r.clientNo,
            type: r.type,
            branch: r.branch,
            riskLevel: r.riskLevel,
            creditRating: r.creditRating,
            avgDailyAssets20d: r.avgDailyAssets20d,
            experienceMonths: r.experienceMonths,
            segment: segmentCode,
            asOf: r.asOf,
          })}\n`,
        );
      },
    });
    await pipeline(rows, encode, sink);
  } finally {
    conn.end();
  }
  return { rows: sink.rows, bytes: sink.bytes, sha1: sink.hash.digest("hex") };
}

/** One export through the API's route. */
async function apiDownload(port: number, token: string, segmentCode: string): Promise<Download> {
  const sink = new Sink();
  await new Promise<void>((resolve, reject) => {
    const req = http.get(
      {
        host: "127.0.0.1",
        port,
        path: `/export/segments/${encodeURIComponent(segmentCode)}/members?format=ndjson`,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`export answered ${res.statusCode}`));
          res.resume();
          return;
        }
        pipeline(res, sink).then(resolve, reject);
      },
    );
    req.on("error", reject);
  });
  return { rows: sink.rows, bytes: sink.bytes, sha1: sink.hash.digest("hex") };
}

/**
 * Exports one after another for at least `minSeconds` (a segment can take well under a second):
 * rows/s over them all, CPU of the process doing the work (the API child, or this process for the
 * raw stream), and for the API its RSS growth over the round.
 */
async function exportRound(
  minSeconds: number,
  download: () => Promise<Download>,
  apiPid: number | null,
  minRows = 0,
): Promise<ExportRun> {
  const rss0 = apiPid === null ? 0 : procMemory(apiPid).rssKb;
  if (apiPid !== null) resetPeak(apiPid);
  const cpu0 = apiPid === null ? 0 : procCpuMs(apiPid);
  const own0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let rows = 0;
  let bytes = 0;
  let downloads = 0;
  let sha1 = "";
  while (downloads === 0 || rows < minRows || Number(process.hrtime.bigint() - t0) / 1e9 < minSeconds) {
    const d = await download();
    rows += d.rows;
    bytes += d.bytes;
    if (downloads === 0) sha1 = d.sha1;
    else if (d.sha1 !== sha1) sha1 = "differs between downloads";
    downloads += 1;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const own = process.cpuUsage(own0);
  const cpuMs = apiPid === null ? (own.user + own.system) / 1000 : procCpuMs(apiPid) - cpu0;
  const run: ExportRun = {
    downloads,
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    bytes,
    sha1,
    cpuMsPer1000Rows: (cpuMs / Math.max(rows, 1)) * 1000,
  };
  if (apiPid !== null) {
    const mem = procMemory(apiPid);
    run.rssGrowthMb = Math.max(0, mem.hwmKb - rss0) / 1024;
    run.peakRssMb = mem.hwmKb / 1024;
  }
  return run;
}

// ------------------------------------------------------------------ processes: /proc, ports, children

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function procCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

function procMemory(pid: number): { rssKb: number; hwmKb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? "0");
  return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5), so the next read is the peak since now. */
function resetPeak(pid: number): void {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    // Older kernels: VmHWM stays the lifetime peak.
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  port: number;
  stderr: string[];
}

async function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, port: number): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
  const stderr: string[] = [];
  proc.stderr?.setEncoding("utf8");
  proc.stderr?.on("data", (s: string) => {
    stderr.push(s);
    if (stderr.length > 50) stderr.shift();
  });
  const child: Child = { name, proc, pid: proc.pid ?? 0, port, stderr };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}): ${stderr.join("").slice(-2000)}`);
    const status = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return child;
    if (Date.now() > deadline) throw new Error(`${name} did not answer /healthz in 60 s`);
    await sleep(200);
  }
}

/** SIGTERM, then SIGKILL after 10 s; says whether the child exited on SIGTERM alone. */
async function stopChild(child: Child): Promise<boolean> {
  if (child.proc.exitCode !== null) return true;
  const exited = new Promise<void>((resolve) => child.proc.once("exit", () => resolve()));
  child.proc.kill("SIGTERM");
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    log(`${child.name} did not exit within 10 s of SIGTERM: killing it`);
    child.proc.kill("SIGKILL");
  }, 10_000);
  await exited;
  clearTimeout(timer);
  return !killed;
}

/** The second SIGUSR2: the child writes the profile; wait for the file to be complete. */
async function stopProfile(pid: number, file: string): Promise<void> {
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 100 && !fs.existsSync(file); i += 1) await sleep(100);
  await sleep(500);
}

/**
 * Runs inside the API child when BENCH_CPU_PROF=1 (preloaded with `node -r bench.js main.js`): the
 * first SIGUSR2 starts V8's CPU profiler, the second writes the .cpuprofile. Unlike --cpu-prof it
 * covers only the rounds the bench chooses and needs no clean exit.
 */
function installProfiler(file: string): void {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on("SIGUSR2", () => {
    running = !running;
    if (running) {
      session.post("Profiler.enable", () =>
        session.post("Profiler.setSamplingInterval", { interval: 500 }, () => session.post("Profiler.start")),
      );
    } else {
      session.post("Profiler.stop", (err, res) => {
        if (err === null) fs.writeFileSync(file, JSON.stringify(res.profile));
      });
    }
  });
}

// ------------------------------------------------------------------ the database: create, migrate, seed

function adminConfig(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port === "" ? 3306 : Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
  };
}

async function prepareDatabase(s: Settings): Promise<{ clients: number; seeded: boolean; seedSeconds: number | null }> {
  const { database, ...server } = adminConfig(s.url);
  const admin = mysql.createConnection(server).promise();
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  // Loaded here, not at the top: the floor child runs this same file and should stay lean.
  const { openDataSource } = await import("../db/data-source");
  const { seedDemoBook } = await import("../seed/demo-book");
  const { Presets, SingleBar } = await import("cli-progress");
  const ds = await openDataSource({ url: s.url });
  try {
    const applied = await ds.runMigrations({ transaction: "each" });
    if (applied.length > 0) log(`migrations applied: ${applied.map((m) => m.name).join(", ")}`);
    const [{ n }] = (await ds.query("SELECT COUNT(*) AS n FROM `client`")) as { n: unknown }[];
    if (Number(n) > 0) {
      log(`reusing ${Number(n)} clients in ${database}`);
      if (Number(n) !== s.clients) log(`note: BENCH_CLIENTS=${s.clients} ignored, the database already holds clients`);
      return { clients: Number(n), seeded: false, seedSeconds: null };
    }
    const asOf = today(systemClock);
    log(`seeding ${s.clients} clients into ${database} (as of ${asOf}, seed 42)`);
    const bar = new SingleBar(
      { format: "seeding |{bar}| {value}/{total} clients | {rate} clients/s | eta {eta}s", stream: process.stderr },
      Presets.shades_classic,
    );
    const started = Date.now();
    bar.start(s.clients, 0, { rate: "-" });
    const summary = await seedDemoBook(ds, {
      clients: s.clients,
      seed: 42,
      asOf,
      onProgress: (done) =>
        bar.update(done, { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) }),
    });
    bar.stop();
    log(`seeded in ${(summary.ms / 1000).toFixed(1)} s`);
    return { clients: s.clients, seeded: true, seedSeconds: summary.ms / 1000 };
  } finally {
    await ds.destroy();
  }
}

// ------------------------------------------------------------------ counters: MariaDB Questions, server metrics

class StatusProbe {
  private overhead = 0;
  private constructor(private readonly conn: mysql.Connection) {}

  static async open(url: string): Promise<StatusProbe> {
    const conn = mysql.createConnection({ uri: url });
    const probe = new StatusProbe(conn);
    // What our own SHOW STATUS adds to the counter between two reads.
    const deltas: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const a = await probe.questions();
      const b = await probe.questions();
      deltas.push(b - a);
    }
    probe.overhead = Math.min(...deltas);
    return probe;
  }

  questions(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.conn.query("SHOW GLOBAL STATUS LIKE 'Questions'", (err, rows) =>
        err ? reject(err) : resolve(Number((rows as RowDataPacket[])[0]?.Value ?? 0)),
      ),
    );
  }

  /** Statements between two reads, less the probe's own. */
  delta(before: number, after: number): number {
    return after - before - this.overhead;
  }

  version(): Promise<string> {
    return new Promise((resolve, reject) =>
      this.conn.query("SELECT VERSION() AS v", (err, rows) =>
        err ? reject(err) : resolve(String((rows as RowDataPacket[])[0]?.v ?? "")),
      ),
    );
  }

  close(): void {
    this.conn.end();
  }
}

interface ServerCounts {
  statements: number;
  requests: number;
  errors: number;
}

/** The API's own SQL tally per operation (Prometheus graphql_sql_statements), and its error count. */
async function apiCounts(port: number, operation: string): Promise<ServerCounts> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  const value = (re: RegExp) => {
    let sum = 0;
    for (const m of text.matchAll(re)) sum += Number(m[1]);
    return sum;
  };
  return {
    statements: value(new RegExp(`^graphql_sql_statements_sum\\{operation="${operation}"\\} (\\S+)$`, "gm")),
    requests: value(new RegExp(`^graphql_sql_statements_count\\{operation="${operation}"\\} (\\S+)$`, "gm")),
    errors: value(/^graphql_errors_total\{[^}]*\} (\S+)$/gm),
  };
}

async function floorCounts(port: number): Promise<ServerCounts> {
  const { statements } = (await fetch(`http://127.0.0.1:${port}/stats`).then((r) => r.json())) as {
    statements: number;
  };
  return { statements, requests: 0, errors: 0 };
}

// ------------------------------------------------------------------ load rounds

interface Target {
  kind: "api" | "floor";
  child: Child;
  counts(operation: string): Promise<ServerCounts>;
}

interface Round {
  requests: number;
  seconds: number;
  reqPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  sqlPerRequest: number;
  serverSqlPerRequest: number;
  cpuMsPerRequest: number;
  cpuPercent: number;
  peakRssMb: number;
  errors: number;
}

async function load(
  port: number,
  token: string,
  bodies: string[],
  seconds: number,
  connections: number,
): Promise<autocannonType.Result> {
  const { default: autocannon } = await import("autocannon");
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/graphql`,
        method: "POST",
        connections,
        duration: seconds,
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        requests: [
          {
            setupRequest: (req) => {
              const b = bodies[next % bodies.length];
              next += 1;
              return { ...req, body: b };
            },
          },
        ],
        verifyBody: (b) => typeof b === "string" && b.startsWith("{") && !b.includes('"errors":['),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function round(
  target: Target,
  workload: GqlWorkload,
  bodies: string[],
  s: Settings,
  probe: StatusProbe,
): Promise<Round> {
  const operation = OPERATIONS[workload];
  const pid = target.child.pid;
  const c0 = await target.counts(operation);
  const q0 = await probe.questions();
  resetPeak(pid);
  const cpu0 = procCpuMs(pid);
  const result = await load(target.child.port, TOKEN.value, bodies, s.seconds, s.connections);
  const cpu1 = procCpuMs(pid);
  const mem = procMemory(pid);
  const q1 = await probe.questions();
  const c1 = await target.counts(operation);
  const requests = result.requests.total;
  const ok = result["2xx"] - result.mismatches;
  const errors = result.non2xx + result.errors + result.mismatches + (c1.errors - c0.errors);
  return {
    requests,
    seconds: result.duration,
    reqPerSecond: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    sqlPerRequest: probe.delta(q0, q1) / Math.max(requests, 1),
    serverSqlPerRequest:
      target.kind === "api"
        ? (c1.statements - c0.statements) / Math.max(c1.requests - c0.requests, 1)
        : (c1.statements - c0.statements) / Math.max(requests, 1),
    cpuMsPerRequest: (cpu1 - cpu0) / Math.max(requests, 1),
    cpuPercent: ((cpu1 - cpu0) / (result.duration * 1000)) * 100,
    peakRssMb: mem.hwmKb / 1024,
    errors,
  };
}

const TOKEN = { value: "" };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarise(rounds: Round[]) {
  return {
    reqPerSecond: median(rounds.map((r) => r.reqPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    sqlPerRequest: median(rounds.map((r) => r.sqlPerRequest)),
    serverSqlPerRequest: median(rounds.map((r) => r.serverSqlPerRequest)),
    cpuMsPerRequest: median(rounds.map((r) => r.cpuMsPerRequest)),
    cpuPercent: median(rounds.map((r) => r.cpuPercent)),
    peakRssMb: Math.max(...rounds.map((r) => r.peakRssMb)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    rounds,
  };
}
type Summary = ReturnType<typeof summarise>;

// ------------------------------------------------------------------ verification: same JSON from both

async function post(port: number, payload: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN.value}` },
    body: payload,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function firstDifference(a: unknown, b: unknown, at = "data"): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (
    typeof a !== "object" ||
    typeof b !== "object" ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return `${at}: api ${JSON.stringify(a)?.slice(0, 200)} ≠ floor ${JSON.stringify(b)?.slice(0, 200)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      Array.isArray(a) ? `${at}[${k}]` : `${at}.${k}`,
    );
    if (d !== null) return d;
  }
  return `${at}: differs`;
}

interface Verification {
  workload: string;
  variables: Record<string, unknown>;
  equal: boolean;
  difference: string | null;
}

async function verify(
  api: Child,
  floor: Child,
  workload: GqlWorkload,
  variables: Record<string, unknown>,
): Promise<{ check: Verification; data: unknown }> {
  const payload = body(workload, variables);
  const [a, f] = await Promise.all([post(api.port, payload), post(floor.port, payload)]);
  let difference: string | null = null;
  if (a.status !== 200 || a.json.errors !== undefined)
    difference = `api answered ${a.status}: ${JSON.stringify(a.json.errors ?? a.json).slice(0, 300)}`;
  else if (f.status !== 200 || f.json.errors !== undefined)
    difference = `floor answered ${f.status}: ${JSON.stringify(f.json.errors ?? f.json).slice(0, 300)}`;
  else difference = firstDifference(a.json.data, f.json.data);
  if (difference !== null)
    log(`WARNING: ${workload} ${JSON.stringify(variables)}: API and floor differ — ${difference}`);
  return { check: { workload, variables, equal: difference === null, difference }, data: a.json.data };
}

// ------------------------------------------------------------------ CPU profile summary

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/**
 * Self time by function and by package, and inclusive time of the app's own functions (dist/src),
 * over the busy samples (idle and "(program)" left out).
 */
function summariseProfile(file: string, top = 20) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const keyOf = (n: ProfileNode) => {
    const f = n.callFrame;
    const name = f.functionName === "" ? "(anonymous)" : f.functionName;
    const where =
      f.url === "" ? "" : ` ${f.url.replace(`file://${ROOT}/`, "").replace(`${ROOT}/`, "")}:${f.lineNumber + 1}`;
    return `${name}${where}`;
  };
  const selfUs = new Map<string, number>();
  const inclusiveUs = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const n = byNode.get(id);
    if (n === undefined || ["(idle)", "(program)"].includes(n.callFrame.functionName)) return;
    busy += dt;
    const key = keyOf(n);
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
      const k = keyOf(byNode.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusiveUs.set(k, (inclusiveUs.get(k) ?? 0) + dt);
    }
  });
  const byPackage = new Map<string, number>();
  for (const [k, v] of selfUs) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(k);
    const pkg = m
      ? m[1]
      : k.includes("dist/src/")
        ? "(app: dist/src)"
        : k.includes(" node:")
          ? "(node core)"
          : k.startsWith("(")
            ? k
            : "(native)";
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + v);
  }
  const rank = (m: Map<string, number>, n: number, keep: (k: string) => boolean = () => true) =>
    [...m]
      .filter(([k]) => keep(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, percentOfBusy: (us / Math.max(busy, 1)) * 100 }));
  return {
    file: path.relative(ROOT, file),
    busyMs: busy / 1000,
    selfTime: rank(selfUs, top),
    selfTimeByPackage: rank(byPackage, 12),
    appInclusive: rank(inclusiveUs, top, (k) => k.includes("dist/src/") && !k.includes("dist/src/cli/")),
  };
}

// ------------------------------------------------------------------ report

function packageVersion(name: string): string | null {
  try {
    const file = path.join(ROOT, "node_modules", name, "package.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

function git(): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" }).trim() !== "";
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

const fmt = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(digits);

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

// ------------------------------------------------------------------ the run

/** The workload the CPU profile covers: the page query when it runs, else the first one. */
function w0(s: Settings): Workload {
  return s.workloads.includes("page") ? "page" : s.workloads[0];
}

async function sample(url: string, count: number): Promise<string[]> {
  const conn = mysql.createConnection({ uri: url }).promise();
  try {
    const [[{ n }]] = await conn.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM `client`");
    const step = Math.max(1, Math.floor(Number(n) / count));
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT \`clientNo\` FROM (SELECT \`clientNo\`, ROW_NUMBER() OVER (ORDER BY \`clientNo\`) AS rn FROM \`client\`) t
        WHERE MOD(t.rn - 1, ?) = 0 ORDER BY t.rn LIMIT ?`,
      [step, count],
    );
    return rows.map((r) => String(r.clientNo));
  } finally {
    await conn.end();
  }
}

async function runBench(): Promise<void> {
  const s = settings();
  const startedAt = new Date();
  const { database } = adminConfig(s.url);
  const db = await prepareDatabase(s);
  TOKEN.value = await mintToken(DEV_JWT_SECRET, { sub: "bench", roles: [Role.ADMIN] });

  const probe = await StatusProbe.open(s.url);
  const mariadb = await probe.version();
  const segConn = mysql.createConnection({ uri: s.url, dateStrings: true }).promise();
  const [segRows] = await segConn.query<RowDataPacket[]>(SEGMENTS_SQL);
  await segConn.end();
  const segments = segRows.map(segmentDef);
  const activeCodes = segments.filter((x) => x.active).map((x) => x.code);
  const clientNos = await sample(s.url, 500);
  const cursors = clientNos.slice(0, 200).map((no, i) => (i === 0 ? null : encodeCursor("client", [no])));

  const bodies: Record<GqlWorkload, string[]> = {
    page: cursors.map((after) => body("page", { first: 50, after })),
    fit: clientNos.map((clientNo) => body("fit", { clientNo })),
    stats: activeCodes.map((code) => body("stats", { code })),
  };

  const [apiPort, floorPort] = [await freePort(), await freePort()];
  const profileFile = path.join(RESULTS_DIR, "profiles", `api-${w0(s)}-${process.pid}.cpuprofile`);
  const apiArgs = s.cpuProfile ? ["-r", __filename, MAIN_JS] : [MAIN_JS];
  if (s.cpuProfile) fs.mkdirSync(path.dirname(profileFile), { recursive: true });
  log(`starting the API (node dist/src/main.js, port ${apiPort}) and the floor (port ${floorPort})`);
  // BENCH_NODE_OPTIONS (V8 flags, say) go to both servers alike.
  const nodeOptions = (process.env.BENCH_NODE_OPTIONS ?? "").trim();
  const base = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    ...(nodeOptions === "" ? {} : { NODE_OPTIONS: nodeOptions }),
  };
  const api = await startChild(
    "api",
    apiArgs,
    {
      ...base,
      NODE_ENV: "production",
      AUTH_JWT_SECRET: DEV_JWT_SECRET,
      DATABASE_URL: s.url,
      PORT: String(apiPort),
      SEED_DEMO: "false",
      LOG_LEVEL: "warn",
      RATE_LIMIT_PER_MINUTE: "1000000000",
      ...(process.env.BENCH_API_CONCURRENCY ? { MAX_CONCURRENT_REQUESTS: process.env.BENCH_API_CONCURRENCY } : {}),
      ...(s.cpuProfile ? { BENCH_INTERNAL_PROFILE_TO: profileFile } : {}),
    },
    apiPort,
  );
  const floor = await startChild(
    "floor",
    [__filename, "--floor"],
    { ...base, NODE_ENV: "production", BENCH_FLOOR_DB: s.url, BENCH_FLOOR_PORT: String(floorPort) },
    floorPort,
  );
  const targets: Record<"api" | "floor", Target> = {
    api: { kind: "api", child: api, counts: (op) => apiCounts(api.port, op) },
    floor: { kind: "floor", child: floor, counts: () => floorCounts(floor.port) },
  };
  const startupRssMb = { api: procMemory(api.pid).rssKb / 1024, floor: procMemory(floor.pid).rssKb / 1024 };

  const results: Record<string, unknown> = {};
  const verifications: Verification[] = [];
  const statementProbe: { first: number; api: number; apiServerCount: number; floor: number }[] = [];
  let exportResult: Record<string, unknown> | null = null;
  const summaries: Partial<
    Record<GqlWorkload, { api: Summary; floor: Summary; ratio: number; roundRatios: number[] }>
  > = {};
  let memberCounts: Record<string, number> = {};
  let backgroundPerSecond = 0;
  let apiExitedOnSigterm = true;

  try {
    // 1. Same JSON from both, once per workload (a few variables each).
    log("verifying that the floor answers the same JSON as the API");
    for (const after of [null, cursors[1], cursors[cursors.length - 1]]) {
      verifications.push((await verify(api, floor, "page", { first: 50, after })).check);
    }
    for (const clientNo of [clientNos[0], clientNos[137], clientNos[clientNos.length - 1]]) {
      verifications.push((await verify(api, floor, "fit", { clientNo })).check);
    }
    for (const code of activeCodes) {
      const v = await verify(api, floor, "stats", { code });
      verifications.push(v.check);
      const count = (v.data as { segment?: { stats?: { clientCount?: number } } })?.segment?.stats?.clientCount;
      memberCounts = { ...memberCounts, [code]: count ?? 0 };
    }

    // 2. SQL statements per page request at several page sizes: one request at a time, the least of
    // 5 tries (Questions is global: another client of the same MariaDB can only add to it).
    const q0 = await probe.questions();
    await sleep(2000);
    backgroundPerSecond = probe.delta(q0, await probe.questions()) / 2;
    if (backgroundPerSecond > 0)
      log(`note: other clients ran ${backgroundPerSecond} statements/s on this MariaDB while idle`);
    log("counting SQL statements per page request at page sizes 10, 50, 100");
    for (const first of [10, 50, 100]) {
      const one = async (t: Target) => {
        let best = Infinity;
        let server = Infinity;
        for (let i = 0; i < 5; i += 1) {
          const c0 = await t.counts(OPERATIONS.page);
          const q0 = await probe.questions();
          await post(t.child.port, body("page", { first, after: cursors[50] }));
          const q1 = await probe.questions();
          const c1 = await t.counts(OPERATIONS.page);
          best = Math.min(best, probe.delta(q0, q1));
          server = Math.min(server, c1.statements - c0.statements);
        }
        return { questions: best, server };
      };
      const a = await one(targets.api);
      const f = await one(targets.floor);
      statementProbe.push({ first, api: a.questions, apiServerCount: a.server, floor: f.questions });
    }

    // 3. Alternating rounds per workload: api, floor, floor, api, ...
    const gql = s.workloads.filter((w): w is GqlWorkload => w !== "export");
    if (s.warmup > 0 && gql.length > 0) {
      log(`warming up (${s.warmup} s per workload and server)`);
      for (const w of gql) {
        for (const t of [targets.api, targets.floor])
          await load(t.child.port, TOKEN.value, bodies[w], s.warmup, s.connections);
      }
    }
    for (const w of gql) {
      const profiled = s.cpuProfile && w === w0(s);
      if (profiled) {
        log(`CPU profile of the API during the ${w} rounds`);
        process.kill(api.pid, "SIGUSR2");
      }
      const rounds: Record<"api" | "floor", Round[]> = { api: [], floor: [] };
      for (let r = 0; r < s.rounds; r += 1) {
        const order: ("api" | "floor")[] = r % 2 === 0 ? ["api", "floor"] : ["floor", "api"];
        for (const kind of order) {
          log(`${w}: round ${r + 1}/${s.rounds} ${kind} (${s.seconds} s, ${s.connections} connections)`);
          const res = await round(targets[kind], w, bodies[w], s, probe);
          rounds[kind].push(res);
          log(
            `  ${fmt(res.reqPerSecond)} req/s, p50 ${fmt(res.p50Ms)} ms, p99 ${fmt(res.p99Ms)} ms, ` +
              `${fmt(res.sqlPerRequest, 2)} SQL/req, ${fmt(res.cpuMsPerRequest, 2)} CPU ms/req, peak RSS ${fmt(res.peakRssMb)} MB` +
              (res.errors > 0 ? `, ${res.errors} ERRORS` : ""),
          );
        }
      }
      if (profiled) await stopProfile(api.pid, profileFile);
      const apiSum = summarise(rounds.api);
      const floorSum = summarise(rounds.floor);
      summaries[w] = {
        api: apiSum,
        floor: floorSum,
        ratio: apiSum.reqPerSecond / floorSum.reqPerSecond,
        roundRatios: rounds.api.map((a, i) => a.reqPerSecond / rounds.floor[i].reqPerSecond),
      };
    }

    // 4. Export of the largest segment: the API's NDJSON route vs a raw mysql2 stream of the same SELECT.
    if (s.workloads.includes("export")) {
      const code =
        Object.entries(memberCounts).sort((a, b) => b[1] - a[1])[0]?.[0] ?? activeCodes[0] ?? segments[0]?.code;
      const target = segments.find((x) => x.code === code)!;
      const m = membershipPredicate(
        target,
        segments.filter((x) => x.active),
      );
      log(`export: segment ${code} (${memberCounts[code] ?? "?"} members), ${s.rounds} rounds`);
      const minSeconds = Math.max(2, Math.min(s.seconds, 5));
      await apiDownload(api.port, TOKEN.value, code); // warm-up
      await rawDownload(s.url, code, m);
      const runs: { api: ExportRun[]; raw: ExportRun[] } = { api: [], raw: [] };
      const profiled = s.cpuProfile && w0(s) === "export";
      if (profiled) {
        log("CPU profile of the API during the export rounds");
        process.kill(api.pid, "SIGUSR2");
      }
      for (let r = 0; r < s.rounds; r += 1) {
        const order: ("api" | "raw")[] = r % 2 === 0 ? ["api", "raw"] : ["raw", "api"];
        for (const kind of order) {
          const run =
            kind === "api"
              ? await exportRound(minSeconds, () => apiDownload(api.port, TOKEN.value, code), api.pid)
              : await exportRound(minSeconds, () => rawDownload(s.url, code, m), null);
          runs[kind].push(run);
          log(
            `  ${kind}: ${run.downloads} × ${run.rows / run.downloads} rows in ${fmt(run.seconds, 2)} s = ` +
              `${fmt(run.rowsPerSecond, 0)} rows/s` +
              (run.rssGrowthMb !== undefined ? `, RSS +${fmt(run.rssGrowthMb)} MB` : ""),
          );
        }
      }
      if (profiled) await stopProfile(api.pid, profileFile);
      // Memory: at least 1,000,000 members through the route back to back, RSS peak against the start.
      const million = await exportRound(0, () => apiDownload(api.port, TOKEN.value, code), api.pid, 1_000_000);
      log(
        `  memory: ${million.downloads} × ${million.rows / million.downloads} = ${million.rows} rows exported, ` +
          `RSS +${fmt(million.rssGrowthMb ?? 0)} MB (peak ${fmt(million.peakRssMb ?? 0)} MB)`,
      );
      const sameBytes = runs.api[0].sha1 === runs.raw[0].sha1;
      if (!sameBytes) log("WARNING: the API's NDJSON and the raw stream's NDJSON differ");
      const apiRate = median(runs.api.map((x) => x.rowsPerSecond));
      const rawRate = median(runs.raw.map((x) => x.rowsPerSecond));
      exportResult = {
        segment: code,
        rows: runs.api[0].rows / runs.api[0].downloads,
        sameBytes,
        api: {
          rowsPerSecond: apiRate,
          cpuMsPer1000Rows: median(runs.api.map((x) => x.cpuMsPer1000Rows)),
          rssGrowthMb: Math.max(...runs.api.map((x) => x.rssGrowthMb ?? 0)),
          peakRssMb: Math.max(...runs.api.map((x) => x.peakRssMb ?? 0)),
          runs: runs.api,
        },
        raw: {
          rowsPerSecond: rawRate,
          cpuMsPer1000Rows: median(runs.raw.map((x) => x.cpuMsPer1000Rows)),
          runs: runs.raw,
        },
        ratio: apiRate / rawRate,
        million: { rows: million.rows, downloads: million.downloads, rssGrowthMb: million.rssGrowthMb ?? 0 },
      };
    }

    // A final check that the API still answers without errors.
    verifications.push((await verify(api, floor, "page", { first: 50, after: cursors[10] })).check);
  } finally {
    apiExitedOnSigterm = await stopChild(api);
    await stopChild(floor);
    probe.close();
  }

  // ------------------------------------------------------------------ print and write
  const header = [
    "workload",
    "server",
    "req/s",
    "p50 ms",
    "p99 ms",
    "SQL/req",
    "CPU ms/req",
    "CPU %",
    "peak RSS MB",
    "÷ floor",
  ];
  const rows: string[][] = [];
  const labels: Record<GqlWorkload, string> = {
    page: "(a) page of 50",
    fit: "(b) one client's fit",
    stats: "(c) segment.stats",
  };
  for (const w of Object.keys(summaries) as GqlWorkload[]) {
    const sw = summaries[w]!;
    for (const kind of ["api", "floor"] as const) {
      const x = sw[kind];
      rows.push([
        kind === "api" ? labels[w] : "",
        kind === "api" ? "API" : "floor (mysql2)",
        fmt(x.reqPerSecond),
        fmt(x.p50Ms),
        fmt(x.p99Ms),
        kind === "api" ? `${fmt(x.sqlPerRequest, 2)} (${fmt(x.serverSqlPerRequest, 1)})` : fmt(x.sqlPerRequest, 2),
        fmt(x.cpuMsPerRequest, 2),
        fmt(x.cpuPercent, 0),
        fmt(x.peakRssMb),
        kind === "api" ? `${fmt(sw.ratio, 2)}×` : "1.00×",
      ]);
    }
  }
  const out: string[] = [];
  out.push(
    `\nmargin API bench — ${db.clients} clients in ${database} (MariaDB ${mariadb}), ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ` +
      `${s.rounds} rounds × ${s.seconds} s, ${s.connections} connections, medians\n`,
  );
  if (rows.length > 0) {
    out.push(table(header, rows));
    out.push(
      "SQL/req: MariaDB Questions per request (the API's own tally in brackets). CPU: the server process." +
        (backgroundPerSecond > 0
          ? ` Other clients ran ${fmt(backgroundPerSecond)} statements/s on this MariaDB while idle: SQL/req overstated.`
          : ""),
    );
  }
  if (exportResult !== null) {
    const e = exportResult as {
      segment: string;
      rows: number;
      sameBytes: boolean;
      ratio: number;
      api: { rowsPerSecond: number; cpuMsPer1000Rows: number; rssGrowthMb: number; peakRssMb: number };
      raw: { rowsPerSecond: number; cpuMsPer1000Rows: number };
      million: { rows: number; downloads: number; rssGrowthMb: number };
    };
    out.push("");
    out.push(
      table(
        ["(d) export", "source", "rows/s", "CPU ms/1000 rows", "RSS growth MB", "÷ raw"],
        [
          [
            `segment ${e.segment}, ${e.rows} rows`,
            "API NDJSON route",
            fmt(e.api.rowsPerSecond, 0),
            fmt(e.api.cpuMsPer1000Rows, 1),
            fmt(e.api.rssGrowthMb),
            `${fmt(e.ratio, 2)}×`,
          ],
          ["", "raw mysql2 stream", fmt(e.raw.rowsPerSecond, 0), fmt(e.raw.cpuMsPer1000Rows, 1), "-", "1.00×"],
        ],
      ),
    );
    out.push(`NDJSON of both ${e.sameBytes ? "byte-identical" : "DIFFERENT"}.`);
    out.push(
      `Memory: ${e.million.rows} rows exported through the route back to back (${e.million.downloads} downloads): ` +
        `RSS +${fmt(e.million.rssGrowthMb)} MB.`,
    );
  }
  if (statementProbe.length > 0) {
    out.push("");
    out.push(
      `SQL statements per page request by page size (MariaDB, least of 5 single requests): ` +
        statementProbe
          .map((p) => `first ${p.first}: API ${p.api} (own tally ${p.apiServerCount}), floor ${p.floor}`)
          .join("; "),
    );
  }

  const targetsMet: { target: string; value: number | null; met: boolean | null }[] = [];
  const page = summaries.page;
  if (page) {
    targetsMet.push({ target: "page query ≥ 0.8× the floor's req/s", value: page.ratio, met: page.ratio >= 0.8 });
    const counts = statementProbe.map((p) => p.api);
    const constant = counts.length > 0 && counts.every((c) => c === counts[0]);
    const perReq = Math.max(...counts);
    targetsMet.push({
      target: "SQL statements per page request constant (10/50/100), ≤ 6",
      value: perReq,
      met: constant && perReq <= 6,
    });
    targetsMet.push({
      target: "peak RSS ≤ 200 MB under the page-query load",
      value: page.api.peakRssMb,
      met: page.api.peakRssMb <= 200,
    });
  }
  if (exportResult !== null) {
    const ratio = (exportResult as { ratio: number }).ratio;
    targetsMet.push({ target: "export ≥ 0.8× the raw mysql2 stream's rows/s", value: ratio, met: ratio >= 0.8 });
    const growth = (exportResult as { million: { rssGrowthMb: number } }).million.rssGrowthMb;
    targetsMet.push({
      target: "RSS grows < 50 MB while exporting 1,000,000 members",
      value: growth,
      met: growth < 50,
    });
  }
  const mismatched = verifications.filter((v) => !v.equal);
  out.push("");
  out.push(
    `Same JSON from API and floor: ${verifications.length - mismatched.length}/${verifications.length} checks` +
      (mismatched.length > 0
        ? ` — DIFFERENCES: ${mismatched.map((v) => `${v.workload}: ${v.difference}`).join("; ")}`
        : ""),
  );
  out.push("Targets:");
  for (const t of targetsMet) out.push(`  ${t.met ? "MET    " : "NOT MET"}  ${t.target}: ${fmt(t.value, 2)}`);

  if (!apiExitedOnSigterm) out.push("Note: the API child did not exit within 10 s of SIGTERM and was killed.");
  let profile: ReturnType<typeof summariseProfile> | null = null;
  if (s.cpuProfile) {
    const file = profileFile;
    if (fs.existsSync(file)) {
      profile = summariseProfile(file);
      out.push("");
      const line = (x: { name: string; ms: number; percentOfBusy: number }) =>
        `  ${fmt(x.percentOfBusy, 1).padStart(5)} %  ${fmt(x.ms, 0).padStart(7)} ms  ${x.name}`;
      out.push(`API CPU profile during the ${w0(s)} rounds (${profile.file}, ${fmt(profile.busyMs / 1000, 1)} s busy)`);
      out.push("top self time:");
      out.push(...profile.selfTime.map(line));
      out.push("self time by package:");
      out.push(...profile.selfTimeByPackage.map(line));
      out.push("app functions, inclusive time:");
      out.push(...profile.appInclusive.map(line));
    } else out.push(`(no CPU profile found at ${file})`);
  }
  console.log(out.join("\n"));

  Object.assign(results, {
    date: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: {
      database,
      host: adminConfig(s.url).host,
      clients: db.clients,
      seeded: db.seeded,
      seedSeconds: db.seedSeconds,
      seconds: s.seconds,
      rounds: s.rounds,
      connections: s.connections,
      warmupSeconds: s.warmup,
      workloads: s.workloads,
      viewer: "ADMIN token (book-wide, personal data masked)",
    },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      cpuMHz: os.cpus()[0]?.speed ?? null,
      totalMemMb: Math.round(os.totalmem() / MB),
      platform: `${os.platform()} ${os.release()}`,
      loadavg: os.loadavg(),
    },
    versions: {
      node: process.version,
      mariadb,
      ...Object.fromEntries(
        ["@apollo/server", "graphql", "type-graphql", "typeorm", "mysql2", "dataloader", "autocannon"].map((p) => [
          p,
          packageVersion(p),
        ]),
      ),
    },
    git: git(),
    startupRssMb,
    workloads: summaries,
    export: exportResult,
    statementProbe,
    backgroundStatementsPerSecond: backgroundPerSecond,
    apiExitedOnSigterm,
    verifications,
    targets: targetsMet,
    profile,
  });
  const file = s.out;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten ${path.relative(ROOT, file)}`);
}

if (process.env.BENCH_INTERNAL_PROFILE_TO) {
  installProfiler(process.env.BENCH_INTERNAL_PROFILE_TO);
} else if (process.argv[2] === "--floor") {
  runFloor().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
} else {
  runBench().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
