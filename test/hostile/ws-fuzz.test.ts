import { Role } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import { seedDemoBook } from "../../src/seed/demo-book";
import { ENGINES, type TestDatabase } from "../support/engines";
import { startTestServer, type TestServer } from "../support/server";
import { openWs } from "../support/ws-client";
import { INJECTIONS, LONG, MARKERS, Rng, snapshotTables, truncate, withoutTrail, type TableSnapshot } from "./support";

/**
 * Hostile traffic over the subscription socket (SPEC §7, §12), as fuzz.test.ts is over HTTP: the
 * three subscription fields with wrong types, injection strings, 48 KB strings, over-long lists and
 * unknown keys, as variables and as literals; unknown fields and operation names; and protocol
 * garbage (not JSON, unknown types, missing payloads, binary frames, huge ids, messages over 64 KB).
 * Deterministic: one seed, one run. Every refusal must be coded, none may quote what was sent, none
 * may be an unexpected failure, and nothing may be written.
 */

const SEED = 0x5eed_0c12;
const CASES = 360;
/** Subscriptions sent on one socket before it is closed (the per-connection limit is 20). */
const PER_SOCKET = 12;

/** LONG is over the 64 KB a message may have (the socket is closed 1009); a long value that fits in one. */
const LONGISH = `LONG-${"ZQXJ".repeat(12_000)}`;
/** Close codes a hostile client may be given: normal, too big, bad message, unauthorised, duplicate id, too many. */
const FAIR_CLOSES = new Set([1000, 1005, 1009, 4400, 4401, 4409, 4429, 4430]);

const KINDS = ["MARGIN_CALL", "LIQUIDATION", "MAINTENANCE_WARNING", "MATURITY_DUE", "ASSESSMENT_EXPIRED"];
const SEVERITIES = ["INFO", "WARNING", "CRITICAL"];
const SELECTIONS = {
  alertRaised: [
    "id",
    "kind",
    "severity",
    "message",
    "raisedAt",
    "client { clientNo name idNumber phone }",
    "facility { id status }",
  ],
  facilityChanged: ["id", "status", "usedAmount", "maintenanceRatio", "version", "client { clientNo name }"],
  reviewChanged: ["id", "trigger", "status", "dueDate", "client { clientNo phone }"],
} as const;
type Field = keyof typeof SELECTIONS;

type Val = string | number | boolean | null | Val[] | { [key: string]: Val };

/** A GraphQL literal for a value (strings quoted as JSON, which GraphQL reads the same; enums bare). */
function literal(v: Val, enumLike = false): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `[${v.map((x) => literal(x, enumLike)).join(", ")}]`;
  if (typeof v === "object")
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${literal(x, k === "kinds" || k === "severities")}`)
      .join(", ")} }`;
  if (typeof v === "string" && enumLike && /^[A-Z_]+$/.test(v)) return v;
  return JSON.stringify(v);
}

function hostileScalar(rng: Rng, clientIds: string[]): Val {
  return rng.pick<() => Val>([
    () => rng.pick(clientIds),
    () => rng.pick(INJECTIONS),
    () => LONGISH,
    () => rng.pick([0, -1, 2 ** 53, 1.5, 1e308]),
    () => rng.chance(0.5),
    () => null,
    () => ({ evil: rng.pick(INJECTIONS) }),
    () => [rng.pick(INJECTIONS)],
    () => toGlobalId("Client", rng.pick([0, -1, 2 ** 31, 99999999])),
    () => toGlobalId("CreditFacility", 1),
  ])();
}

function hostileEnumList(rng: Rng, valid: string[]): Val {
  const n = rng.pick([0, 1, 2, 5, 8, 12]);
  return Array.from({ length: n }, () =>
    rng.pick<() => Val>([
      () => rng.pick(valid),
      () => rng.pick(INJECTIONS),
      () => 7,
      () => null,
      () => LONG.slice(0, 300),
    ])(),
  );
}

function hostileFilter(rng: Rng, clientIds: string[]): Val {
  if (rng.chance(0.15)) return hostileScalar(rng, clientIds);
  const filter: { [key: string]: Val } = {};
  if (rng.chance(0.7)) filter.kinds = hostileEnumList(rng, KINDS);
  if (rng.chance(0.5)) filter.severities = hostileEnumList(rng, SEVERITIES);
  if (rng.chance(0.4)) filter.openOnly = rng.pick<Val>([true, false, null, "yes", 0, rng.pick(INJECTIONS)]);
  if (rng.chance(0.2)) filter.evil = rng.pick(INJECTIONS);
  return filter;
}

interface Case {
  kind: string;
  /** Protocol garbage rather than a subscription: graphql-ws closes the socket on most of it. */
  protocol?: boolean;
  /** A whole frame to send (the id is filled in), or raw text, or bytes. */
  frame: Record<string, unknown> | string | Buffer;
}

function subscriptionCase(rng: Rng, clientIds: string[]): Case {
  const field = rng.pick(Object.keys(SELECTIONS) as Field[]);
  const picks: string[] = SELECTIONS[field].filter(() => rng.chance(0.5));
  if (rng.chance(0.15))
    picks.push(rng.pick(["DROPTABLE", "__schema { types { name } }", "evil: id", "x: client { y: name }"]));
  const selection = picks.length > 0 ? picks.join(" ") : "id";
  const value = field === "alertRaised" ? hostileFilter(rng, clientIds) : hostileScalar(rng, clientIds);
  const arg = field === "alertRaised" ? "filter" : "clientId";
  const type = field === "alertRaised" ? "AlertFilter" : "ID";
  const asVariable = rng.chance(0.6);
  const query = asVariable
    ? `subscription S($v: ${type}) { ${field}(${arg}: $v) { ${selection} } }`
    : `subscription S { ${field}(${arg}: ${literal(value, false)}) { ${selection} } }`;
  const operationName = rng.chance(0.1) ? rng.pick(INJECTIONS) : "S";
  return {
    kind: `${field} ${asVariable ? "variable" : "literal"}`,
    frame: { type: "subscribe", payload: { query, operationName, ...(asVariable ? { variables: { v: value } } : {}) } },
  };
}

function protocolCase(rng: Rng): Case {
  const made = rng.pick<() => Case>([
    () => ({ kind: "not JSON", frame: `{"type":"subscribe","payload": ${rng.pick(INJECTIONS)}` }),
    () => ({ kind: "unknown type", frame: { type: rng.pick(INJECTIONS) } }),
    () => ({ kind: "no payload", frame: { type: "subscribe" } }),
    () => ({
      kind: "query not a string",
      frame: { type: "subscribe", payload: { query: { evil: rng.pick(INJECTIONS) } } },
    }),
    () => ({
      kind: "variables not an object",
      frame: {
        type: "subscribe",
        payload: { query: "subscription { alertRaised { id } }", variables: rng.pick(INJECTIONS) },
      },
    }),
    () => ({ kind: "binary frame", frame: Buffer.from(rng.pick(INJECTIONS)) }),
    () => ({
      kind: "huge id",
      frame: { type: "subscribe", idOverride: LONGISH, payload: { query: "subscription { alertRaised { id } }" } },
    }),
    () => ({
      kind: "over 64 KB",
      frame: {
        type: "subscribe",
        payload: { query: "subscription($v: ID) { facilityChanged(clientId: $v) { id } }", variables: { v: LONG } },
      },
    }),
    () => ({
      kind: "not a subscription",
      frame: { type: "subscribe", payload: { query: `{ clients(first: 1) { nodes { name } } }` } },
    }),
    () => ({
      kind: "syntax",
      frame: {
        type: "subscribe",
        payload: { query: `subscription { alertRaised(filter: { kinds: [${rng.pick(INJECTIONS)}] }) { id } }` },
      },
    }),
  ])();
  return { ...made, protocol: true };
}

interface Seen {
  kind: string;
  protocol: boolean;
  texts: string[];
  close: { code: number; reason: string } | null;
}

/** Sends `cases` on one fresh socket, each under its own id; what came back for each, and how the socket ended. */
async function runOnSocket(url: string, token: string, cases: Case[], start: number): Promise<Seen[]> {
  const ws = await openWs(url);
  const seen: Seen[] = cases.map((c) => ({ kind: c.kind, protocol: c.protocol === true, texts: [], close: null }));
  const raw: string[] = [];
  ws.socket.on("message", (data) => raw.push(String(data)));
  if ((await ws.init(token)) !== "ack") throw new Error("the fuzzing socket was not acknowledged");
  cases.forEach((c, i) => {
    const id = `c${start + i}`;
    if (Buffer.isBuffer(c.frame)) ws.socket.send(c.frame, { binary: true });
    else if (typeof c.frame === "string") ws.socket.send(c.frame);
    else {
      const { idOverride, ...frame } = c.frame as { idOverride?: string };
      ws.socket.send(JSON.stringify({ id: idOverride ?? id, ...frame }));
    }
  });
  // Until every case has an answer or the socket closed; an accepted subscription answers nothing, so at
  // most 400 ms.
  const state: { ended: { code: number; reason: string } | null } = { ended: null };
  void ws.closed.then((c) => (state.ended = c));
  for (let waited = 0; waited < 400 && state.ended === null; waited += 20) {
    if (cases.every((_, i) => raw.some((t) => t.includes(`"id":"c${start + i}"`)))) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  cases.forEach((_, i) => {
    const id = `c${start + i}`;
    seen[i].texts = raw.filter((t) => t.includes(`"id":"${id}"`));
    seen[i].close = state.ended;
  });
  // Messages without a case's id (a close reason is the only other channel) are checked with every case.
  const { ended } = state;
  if (ended !== null) seen.forEach((s) => s.texts.push(ended.reason));
  ws.close();
  return seen;
}

describe.each(ENGINES)("hostile subscriptions over WebSocket on $name (SPEC §7, §12)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let before: TableSnapshot;
  const results: Seen[] = [];

  beforeAll(async () => {
    db = await engine.create();
    await seedDemoBook(db.ds, { clients: 30, seed: 1, asOf: "2026-11-27" });
    server = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"), {
      RATE_LIMIT_PER_MINUTE: "1000000000",
    });
    const ids = (await db.ds.query("SELECT `id` FROM `client` ORDER BY `id` LIMIT 5")) as { id: number }[];
    const clientIds = ids.map((r) => toGlobalId("Client", r.id));
    const rng = new Rng(SEED);
    const cases = Array.from({ length: CASES }, () =>
      rng.chance(0.85) ? subscriptionCase(rng, clientIds) : protocolCase(rng),
    );
    before = await snapshotTables(db.ds);
    const roles = [Role.RELATIONSHIP_MANAGER, Role.VIEWER, Role.RISK_OFFICER, Role.ANALYST];
    const token = (n: number) => server.token(roles[n % roles.length], { sub: `ws-fuzz-${n}`, branch: "SH-PUDONG" });
    // Subscriptions a dozen to a socket; each piece of protocol garbage on a socket of its own, since
    // graphql-ws closes the socket on it (and would silence the cases after it).
    const subscriptions = cases.filter((c) => !c.protocol);
    const garbage = cases.filter((c) => c.protocol);
    for (let i = 0; i < subscriptions.length; i += PER_SOCKET) {
      results.push(...(await runOnSocket(server.url, await token(i), subscriptions.slice(i, i + PER_SOCKET), i)));
    }
    for (const [i, c] of garbage.entries()) {
      results.push(...(await runOnSocket(server.url, await token(CASES + i), [c], CASES + i)));
    }
    const outcomes = new Map<string, number>();
    for (const r of results) {
      const first = r.texts[0] ?? "";
      const type = /"type":"(\w+)"/.exec(first)?.[1] ?? (r.close ? `close ${r.close.code}` : "open, nothing sent");
      const code = /"code":"(\w+)"/.exec(first)?.[1];
      const key = code ? `${type} ${code}` : type;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    process.stdout.write(
      `[ws-fuzz ${engine.name}] ${results.length} cases: ${[...outcomes]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")}\n`,
    );
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const describeSeen = (s: Seen) => `${s.kind}: ${truncate(s.texts.join(" | "), 300)}`;

  it("sends every family of hostility", () => {
    expect(results).toHaveLength(CASES);
    const kinds = new Set(results.map((r) => r.kind));
    for (const kind of [
      "alertRaised variable",
      "alertRaised literal",
      "facilityChanged variable",
      "facilityChanged literal",
      "reviewChanged variable",
      "reviewChanged literal",
    ]) {
      expect([kind, kinds.has(kind)]).toEqual([kind, true]);
    }
    expect(new Set(results.filter((r) => r.protocol).map((r) => r.kind)).size).toBeGreaterThanOrEqual(6);
  });

  it("never quotes what was sent, in a message or a close reason", () => {
    const echoed = results.filter((s) => s.texts.some((t) => MARKERS.some((m) => t.includes(m))));
    expect(echoed.map(describeSeen)).toEqual([]);
  });

  it("codes every refusal, and none is an unexpected failure", () => {
    const bad: string[] = [];
    for (const s of results) {
      for (const text of s.texts) {
        let m: { type?: string; payload?: unknown };
        try {
          m = JSON.parse(text) as typeof m;
        } catch {
          continue; // a close reason
        }
        const errors = (
          Array.isArray(m.payload) ? m.payload : ((m.payload as { errors?: unknown[] })?.errors ?? [])
        ) as {
          extensions?: { code?: unknown };
        }[];
        for (const e of errors) {
          const code = e.extensions?.code;
          if (typeof code !== "string" || code === "INTERNAL_SERVER_ERROR") bad.push(describeSeen(s));
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("closes a socket only with the protocol's codes for a client's fault, never an internal error", () => {
    const closes = results.filter((s) => s.close !== null && !FAIR_CLOSES.has(s.close.code));
    expect(closes.map((s) => `${s.close!.code} ${describeSeen(s)}`)).toEqual([]);
  });

  it("wrote no row but the access trail of what subscribers read in clear", async () => {
    const after = await snapshotTables(db.ds);
    expect(withoutTrail(after)).toEqual(withoutTrail(before));
  });

  it("still delivers an alert to a subscriber after the barrage", async () => {
    const ws = await openWs(server.url);
    try {
      expect(await ws.init(await server.token(Role.RISK_OFFICER, { sub: "after-the-ws-storm" }))).toBe("ack");
      ws.subscribe("ok", "subscription { alertRaised { kind client { clientNo } } }");
      await new Promise((r) => setTimeout(r, 150));
      const [f] = (await db.ds.query(
        "SELECT `id`, `usedAmount` FROM `credit_facility` WHERE `status` = 'ACTIVE' ORDER BY `id` LIMIT 1",
      )) as { id: number; usedAmount: string }[];
      const used = Number(f.usedAmount);
      const res = await server.gql<{ recordFacilityValuations: { alertsRaised: number } }>(
        await server.token(Role.RISK_OFFICER, { sub: "ws-fuzz-valuer" }),
        "mutation($i: RecordFacilityValuationsInput!) { recordFacilityValuations(input: $i) { alertsRaised } }",
        {
          i: {
            valuations: [
              {
                facilityId: toGlobalId("CreditFacility", f.id),
                asOf: "2026-11-27",
                usedAmount: used.toFixed(2),
                collateralValue: (used * 1.2).toFixed(2),
              },
            ],
          },
        },
      );
      expect(res.body.data?.recordFacilityValuations.alertsRaised).toBe(1);
      const event = await ws.next("ok");
      expect(event?.type).toBe("next");
      expect((event?.payload as { data?: { alertRaised?: { kind: string } } }).data?.alertRaised?.kind).toBe(
        "MARGIN_CALL",
      );
    } finally {
      ws.close();
    }
  });
});
