import { Decimal } from "decimal.js";
import { createDataSource } from "../../src/db/data-source";
import { Role } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import type { ClientEntity, CreditFacilityEntity, ProductEntity } from "../../src/entities";
import { AccessTrailUnavailableError } from "../../src/services/access/access-trail";
import { mintToken } from "../../src/services/access/tokens";
import { clientWith, defaultSegments, plainProduct } from "../lifecycle/helpers";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildFacility } from "../support/factories";
import { redisFault } from "../support/redis-faults";
import { startTestServer, type TestServer } from "../support/server";
import { openWs, type WsMessage, type WsTestClient } from "../support/ws-client";

/**
 * SPEC §12 subscriptions over graphql-ws on /graphql: the token in connection_init, each event scoped
 * and masked for its subscriber as the matching query, limits per socket and per subject, a slow
 * subscriber cut, nothing for a rolled-back write, and (MariaDB + Redis) an event raised on one
 * instance delivered to a subscriber of another.
 */

const PUDONG = "SH-PUDONG";
const CHAOYANG = "BJ-CHAOYANG";
const NAME = "上官婉儿";

const ALERT_FIELDS =
  "id kind severity message deadline resolvedAt client { clientNo name idNumber phone } facility { id status }";
const ALERT_SUB = `subscription($filter: AlertFilter) { alertRaised(filter: $filter) { ${ALERT_FIELDS} } }`;
const FACILITY_SUB = `subscription($clientId: ID) { facilityChanged(clientId: $clientId) { id status usedAmount collateralValue maintenanceRatio version client { clientNo name } } }`;
const REVIEW_SUB = `subscription($clientId: ID) { reviewChanged(clientId: $clientId) { id trigger status dueDate client { clientNo } } }`;
const VALUATIONS = `mutation($input: RecordFacilityValuationsInput!) { recordFacilityValuations(input: $input) { alertsRaised userErrors { code field } } }`;

function valuation(f: CreditFacilityEntity, used: string, collateral: string) {
  return {
    facilityId: toGlobalId("CreditFacility", f.id),
    asOf: "2026-11-26",
    usedAmount: used,
    collateralValue: collateral,
  };
}

const dataOf = (m: WsMessage | null) => (m?.payload as { data?: Record<string, unknown> } | undefined)?.data;
type WsError = { message: string; extensions?: { code?: string } };
/** The errors of an `error` message (a list) or of a `next` message (its result's errors). */
function errorsOf(m: WsMessage | null): WsError[] {
  const p = m?.payload;
  if (Array.isArray(p)) return p as WsError[];
  return ((p as { errors?: WsError[] } | undefined)?.errors ?? []) as WsError[];
}

describe.each(ENGINES)("subscriptions on $name (SPEC §12)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let product: ProductEntity;
  let pudong: ClientEntity;
  let chaoyang: ClientEntity;
  const sockets: WsTestClient[] = [];

  const connect = async (token: string | null) => {
    const ws = await openWs(server.url);
    sockets.push(ws);
    const answer = await ws.init(token);
    return { ws, answer };
  };
  const ready = async (token: string) => {
    const { ws, answer } = await connect(token);
    expect(answer).toBe("ack");
    return ws;
  };
  const officer = () => server.token(Role.RISK_OFFICER, { sub: "ro-live" });
  const value = async (vals: ReturnType<typeof valuation>[]) => {
    const res = await server.gql<{ recordFacilityValuations: { userErrors: unknown[]; alertsRaised: number } }>(
      await officer(),
      VALUATIONS,
      { input: { valuations: vals } },
    );
    return res.body.data!.recordFacilityValuations;
  };
  /** Lets a subscription reach the feed before the write that should reach it. */
  const settle = () => new Promise((r) => setTimeout(r, 150));

  beforeAll(async () => {
    db = await engine.create();
    server = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"), {
      MAX_SUBSCRIPTIONS_PER_CONNECTION: "3",
      MAX_WS_CONNECTIONS_PER_SUBJECT: "2",
      LIVE_QUEUE_LIMIT: "2",
    });
    await defaultSegments(db.ds);
    product = await plainProduct(db.ds, { code: "P-LIVE" });
    pudong = await clientWith(db.ds, { branch: PUDONG, client: { name: NAME } });
    chaoyang = await clientWith(db.ds, { branch: CHAOYANG });
  });

  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.close();
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("SPEC §12: connection_init without a token or with a bad one is closed 4401; a valid token is acknowledged", async () => {
    expect((await connect(null)).answer).toEqual({ code: 4401, reason: expect.stringContaining("Unauthorized") });
    expect((await connect("not.a.token")).answer).toMatchObject({ code: 4401 });
    const forged = await mintToken("another-secret-of-at-least-32-characters!!", { sub: "x", roles: [Role.ADMIN] });
    expect((await connect(forged)).answer).toMatchObject({ code: 4401 });
    expect((await connect(await officer())).answer).toBe("ack");
  });

  it("SPEC §12: the socket is closed 4401 when its token expires", async () => {
    const short = await mintToken(
      server.services.config.authJwtSecret,
      { sub: "ro-short", roles: [Role.RISK_OFFICER] },
      2,
    );
    const ws = await ready(short);
    ws.subscribe("a", ALERT_SUB);
    expect(await ws.closed).toMatchObject({ code: 4401, reason: expect.stringContaining("expired") });
  });

  it("SPEC §12: an alert reaches every subscriber as the alert query shows it to them: the branch's RM in clear, a VIEWER masked, the other branch's RM nothing", async () => {
    const facility = await buildFacility(db.ds, pudong, product);
    const viewers = {
      rmPudong: await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-pudong", branch: PUDONG }),
      rmChaoyang: await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-chaoyang", branch: CHAOYANG }),
      viewer: await server.token(Role.VIEWER, { sub: "viewer-live" }),
      officer: await officer(),
    };
    const subs: Record<string, WsTestClient> = {};
    for (const [who, token] of Object.entries(viewers)) {
      subs[who] = await ready(token);
      subs[who].subscribe("alerts", ALERT_SUB);
    }
    await settle();
    const done = await value([valuation(facility, "1000000", "1200000")]);
    expect(done.userErrors).toEqual([]);
    expect(done.alertsRaised).toBe(1);

    for (const who of ["rmPudong", "viewer", "officer"] as const) {
      const message = await subs[who].next("alerts");
      expect(message?.type).toBe("next");
      const alert = dataOf(message)!.alertRaised as { id: string; client: Record<string, unknown> };
      expect(alert.client.clientNo).toBe(pudong.clientNo);
      // Exactly what the matching query answers this viewer.
      const queried = await server.gql<{ node: unknown }>(
        viewers[who],
        `query($id: ID!) { node(id: $id) { ... on Alert { ${ALERT_FIELDS} } } }`,
        { id: alert.id },
      );
      expect(alert).toEqual(queried.body.data!.node);
    }
    const seenByRm = dataOf(subs.rmPudong.received("alerts")[0])!.alertRaised as { client: { name: string } };
    expect(seenByRm.client.name).toBe(NAME);
    const seenByViewer = dataOf(subs.viewer.received("alerts")[0])!.alertRaised as { client: { name: string } };
    expect(seenByViewer.client.name).not.toBe(NAME);
    expect(seenByViewer.client.name).not.toContain(NAME.slice(1));
    // The other branch's RM: nothing, as its alerts query shows nothing of that client.
    expect(await subs.rmChaoyang.next("alerts", 500)).toBeNull();
    const theirs = await server.gql<{ alerts: { nodes: unknown[] } }>(
      viewers.rmChaoyang,
      "{ alerts { nodes { id } } }",
    );
    expect(theirs.body.data!.alerts.nodes).toEqual([]);
    // Three deliveries, each timed from its commit.
    const metrics = await (await fetch(server.url.replace("/graphql", "/metrics"))).text();
    expect(Number(/^live_delivery_seconds_count (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
  });

  it("SPEC §12, §14: subscribers asking one document with one view share each event's execution; every clear delivery is recorded under its own subject, a masked one not at all", async () => {
    const facility = await buildFacility(db.ds, pudong, product);
    const tokens = {
      rmA: await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-share-a", branch: PUDONG }),
      rmB: await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-share-b", branch: PUDONG }),
      viewer: await server.token(Role.VIEWER, { sub: "viewer-share" }),
    };
    const subs: Record<string, WsTestClient> = {};
    for (const [who, token] of Object.entries(tokens)) {
      subs[who] = await ready(token);
      subs[who].subscribe("shared", ALERT_SUB, { filter: { kinds: ["MARGIN_CALL"] } });
    }
    await settle();
    const counter = async (name: string) => {
      const text = await (await fetch(server.url.replace("/graphql", "/metrics"))).text();
      return Number(new RegExp(`^${name} (\\d+)`, "m").exec(text)?.[1] ?? 0);
    };
    const [executionsBefore, messagesBefore] = [
      await counter("live_executions_total"),
      await counter("graphql_ws_messages_total"),
    ];
    expect((await value([valuation(facility, "1000000", "1200000")])).alertsRaised).toBe(1);

    const got = Object.fromEntries(
      await Promise.all(
        Object.keys(subs).map(async (who) => [who, dataOf(await subs[who].next("shared"))!.alertRaised] as const),
      ),
    ) as Record<string, { id: string; client: { name: string } }>;
    expect(got.rmA).toEqual(got.rmB);
    expect(got.rmA.client.name).toBe(NAME);
    expect(got.viewer.id).toBe(got.rmA.id);
    expect(got.viewer.client.name).not.toBe(NAME);
    // Two classes (the branch's RMs; the VIEWER), three messages.
    expect((await counter("live_executions_total")) - executionsBefore).toBe(2);
    expect((await counter("graphql_ws_messages_total")) - messagesBefore).toBe(3);

    const trail = (await db.ds.query(
      "SELECT `subject`, `fields`, `requestId` FROM `personal_data_access` WHERE `clientId` = ? AND `subject` LIKE '%-share-%' ORDER BY `subject`",
      [pudong.id],
    )) as { subject: string; fields: string; requestId: string }[];
    expect(trail).toEqual([
      { subject: "rm-share-a", fields: "name,idNumber,phone", requestId: "ws:shared" },
      { subject: "rm-share-b", fields: "name,idNumber,phone", requestId: "ws:shared" },
    ]);
  });

  it("SPEC §12: the subscribers of a class get the event's one serialisation under their own subscription ids, in commit order; a completed subscription gets nothing more", async () => {
    const [f1, f2, f3] = [
      await buildFacility(db.ds, pudong, product),
      await buildFacility(db.ds, pudong, product),
      await buildFacility(db.ds, pudong, product),
    ];
    const a = await ready(await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-order-a", branch: PUDONG }));
    const b = await ready(await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-order-b", branch: PUDONG }));
    // One document, one view: one class, whose members name their subscriptions differently.
    a.subscribe("order", ALERT_SUB);
    b.subscribe('b-7f3c"quoted"', ALERT_SUB);
    await settle();
    expect((await value([valuation(f1, "1000000", "1200000"), valuation(f2, "1000000", "1200000")])).alertsRaised).toBe(
      2,
    );
    const fromA = [await a.next("order"), await a.next("order")];
    const fromB = [await b.next('b-7f3c"quoted"'), await b.next('b-7f3c"quoted"')];
    for (const m of fromA) expect(Object.keys(m!)).toEqual(["id", "type", "payload"]);
    expect(fromA.map((m) => [m?.id, m?.type])).toEqual([
      ["order", "next"],
      ["order", "next"],
    ]);
    expect(fromB.map((m) => [m?.id, m?.type])).toEqual([
      ['b-7f3c"quoted"', "next"],
      ['b-7f3c"quoted"', "next"],
    ]);
    // The same payload for both, in the order the valuations raised the alerts, in clear for the branch.
    expect(fromB.map((m) => m?.payload)).toEqual(fromA.map((m) => m?.payload));
    const alerts = fromA.map((m) => dataOf(m)!.alertRaised as { facility: { id: string }; client: { name: string } });
    expect(alerts.map((x) => x.facility.id)).toEqual([f1, f2].map((f) => toGlobalId("CreditFacility", f.id)));
    expect(alerts.map((x) => x.client.name)).toEqual([NAME, NAME]);

    a.complete("order");
    await settle();
    expect((await value([valuation(f3, "1000000", "1200000")])).alertsRaised).toBe(1);
    const third = dataOf(await b.next('b-7f3c"quoted"'))!.alertRaised as { facility: { id: string } };
    expect(third.facility.id).toBe(toGlobalId("CreditFacility", f3.id));
    expect(await a.next("order", 300)).toBeNull();
  });

  it("SPEC §12, §14: a subscriber's access-trail rows are written before its message leaves; when they cannot be written it gets SERVICE_UNAVAILABLE instead of the data, and later events as usual", async () => {
    const [f1, f2, f3] = [
      await buildFacility(db.ds, pudong, product),
      await buildFacility(db.ds, pudong, product),
      await buildFacility(db.ds, pudong, product),
    ];
    const trailRows = async () =>
      (
        (await db.ds.query(
          "SELECT `requestId` FROM `personal_data_access` WHERE `subject` = 'rm-trail' AND `clientId` = ?",
          [pudong.id],
        )) as unknown[]
      ).length;
    const service = server.services.accessTrail;
    const original = service.deliver.bind(service);
    // The trail's INSERT is slowed down: a message sent before it is written would arrive without its rows.
    const deliver = jest.spyOn(service, "deliver").mockImplementation(async (viewer, requestId, records) => {
      await new Promise((r) => setTimeout(r, 300));
      return original(viewer, requestId, records);
    });
    try {
      const ws = await ready(await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-trail", branch: PUDONG }));
      ws.subscribe("t", ALERT_SUB);
      await settle();
      expect((await value([valuation(f1, "1000000", "1200000")])).alertsRaised).toBe(1);
      const first = await ws.next("t");
      expect(await trailRows()).toBe(1);
      expect((dataOf(first)!.alertRaised as { client: { name: string } }).client.name).toBe(NAME);

      deliver.mockImplementation(() => Promise.reject(new AccessTrailUnavailableError("the trail is down")));
      expect((await value([valuation(f2, "1000000", "1200000")])).alertsRaised).toBe(1);
      const refused = await ws.next("t");
      expect(refused).toMatchObject({ id: "t", type: "next" });
      expect(dataOf(refused)).toBeUndefined();
      expect(errorsOf(refused)).toEqual([
        { message: expect.stringContaining("access trail"), extensions: { code: "SERVICE_UNAVAILABLE" } },
      ]);
      expect(JSON.stringify(refused)).not.toContain(NAME);
      expect(JSON.stringify(refused)).not.toContain("the trail is down");

      deliver.mockRestore();
      expect((await value([valuation(f3, "1000000", "1200000")])).alertsRaised).toBe(1);
      expect((dataOf(await ws.next("t"))!.alertRaised as { client: { name: string } }).client.name).toBe(NAME);
      expect(await trailRows()).toBe(2);
    } finally {
      deliver.mockRestore();
    }
  });

  it("SPEC §12: facilityChanged and reviewChanged follow one client, and a refused (rolled-back) write publishes nothing", async () => {
    const facility = await buildFacility(db.ds, chaoyang, product);
    const other = await buildFacility(db.ds, pudong, product);
    const ws = await ready(await officer());
    ws.subscribe("f", FACILITY_SUB, { clientId: toGlobalId("Client", chaoyang.id) });
    ws.subscribe("r", REVIEW_SUB, { clientId: toGlobalId("Client", chaoyang.id) });
    await settle();
    // All or nothing: the second valuation names no facility, so the first is rolled back with it.
    const refused = await value([
      valuation(facility, "1000000", "1100000"),
      { ...valuation(facility, "1", "1"), facilityId: toGlobalId("CreditFacility", 999_999) },
    ]);
    expect(refused.userErrors).not.toEqual([]);
    // Another client's facility changes: not this subscription's.
    expect((await value([valuation(other, "900000", "1800000")])).userErrors).toEqual([]);
    const done = await value([valuation(facility, "1000000", "1200000")]);
    expect(done.userErrors).toEqual([]);
    const first = dataOf(await ws.next("f"))!.facilityChanged as Record<string, unknown>;
    expect(first).toMatchObject({
      id: toGlobalId("CreditFacility", facility.id),
      status: "MARGIN_CALL",
      usedAmount: "1000000.00",
      collateralValue: "1200000.00",
      maintenanceRatio: "1.2000",
    });
    // The margin call opened a review of this client's facility.
    const review = dataOf(await ws.next("r"))!.reviewChanged as Record<string, unknown>;
    expect(review).toMatchObject({
      trigger: "MARGIN_CALL",
      status: "SCHEDULED",
      client: { clientNo: chaoyang.clientNo },
    });
    expect(await ws.next("f", 300)).toBeNull();
  });

  it("SPEC §12: subscriptions per socket and sockets per subject are bounded, coded and counted", async () => {
    const token = await server.token(Role.RISK_OFFICER, { sub: "ro-limits" });
    const ws = await ready(token);
    for (const id of ["1", "2", "3"]) ws.subscribe(id, ALERT_SUB);
    ws.subscribe("4", ALERT_SUB);
    const refused = await ws.next("4");
    expect(refused?.type).toBe("error");
    expect(errorsOf(refused)[0].extensions?.code).toBe("SUBSCRIPTION_LIMIT");
    await ready(token);
    const third = await connect(token);
    expect(third.answer).toMatchObject({ code: 4430 });
    const metrics = await (await fetch(server.url.replace("/graphql", "/metrics"))).text();
    expect(metrics).toMatch(/graphql_ws_refusals_total\{reason="connections_per_subject"\} [1-9]/);
    expect(metrics).toMatch(/graphql_ws_refusals_total\{reason="subscriptions_per_connection"\} [1-9]/);
  });

  it("SPEC §12: a subscriber that falls behind is cut with 4503, not buffered", async () => {
    const facilities = await Promise.all([1, 2, 3, 4].map(() => buildFacility(db.ds, chaoyang, product)));
    const ws = await ready(await server.token(Role.RISK_OFFICER, { sub: "ro-slow" }));
    ws.subscribe("f", FACILITY_SUB);
    await settle();
    // One commit, four facility events: more than LIVE_QUEUE_LIMIT (2) wait at once for this subscriber.
    expect((await value(facilities.map((f) => valuation(f, "500000", "1500000")))).userErrors).toEqual([]);
    expect(await ws.closed).toMatchObject({ code: 4503 });
    const metrics = await (await fetch(server.url.replace("/graphql", "/metrics"))).text();
    expect(metrics).toMatch(/live_events_dropped_total\{reason="overflow"\} [1-9]/);
  });

  it("hostile subscriptions are refused with codes and nothing echoed; other paths and foreign origins cannot upgrade", async () => {
    const ws = await ready(await officer());
    ws.subscribe("bad-id", FACILITY_SUB, { clientId: "<script>alert(1)</script>" });
    const badId = await ws.next("bad-id");
    const text = JSON.stringify(badId);
    expect(text).not.toContain("<script>");
    expect(["error", "next"]).toContain(badId?.type);
    expect(errorsOf(badId)[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    // A value that does not coerce at all (an object for an ID) is refused before the subscription
    // starts, coded and naming the variable, as over HTTP; graphql-js's own message would quote it.
    ws.subscribe("object-id", FACILITY_SUB, { clientId: { evil: "<script>alert(1)</script>" } });
    const objectId = await ws.next("object-id");
    expect(objectId?.type).toBe("error");
    expect(JSON.stringify(objectId)).not.toMatch(/script|evil/);
    expect(errorsOf(objectId)).toEqual([
      expect.objectContaining({
        extensions: { code: "BAD_USER_INPUT", fields: [{ path: ["clientId"], reason: "ID cannot represent value." }] },
      }),
    ]);
    // An argument breaking its input rules (class-validator: at most 7 kinds) is refused as the
    // subscription starts, as the alerts query would refuse it, not at every event.
    ws.subscribe(
      "eight-kinds",
      `subscription { alertRaised(filter: { kinds: [${Array(8).fill("MARGIN_CALL")}] }) { id } }`,
    );
    const eight = await ws.next("eight-kinds", 2_000);
    expect(errorsOf(eight)[0]?.extensions).toEqual({
      code: "BAD_USER_INPUT",
      fields: [{ field: "kinds", rules: ["arrayMaxSize"] }],
    });
    expect((await ws.next("eight-kinds", 2_000))?.type).toBe("complete");
    const deep = `subscription { facilityChanged { ${"client { facilities { ".repeat(7)} id ${"} } ".repeat(7)} } }`;
    ws.subscribe("deep", deep);
    expect(errorsOf(await ws.next("deep"))[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
    ws.subscribe("query", "{ viewer { subject } }");
    expect(errorsOf(await ws.next("query"))[0].extensions?.code).toBe("BAD_REQUEST");
    ws.subscribe("syntax", "subscription { alertRaised { id ");
    const syntax = await ws.next("syntax");
    expect(errorsOf(syntax)[0].extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    await expect(openWs(server.url.replace("/graphql", "/metrics"))).rejects.toThrow("404");
    await expect(openWs(server.url, { origin: "https://evil.example" })).rejects.toThrow("403");
    // Over HTTP a subscription is refused with a code, never a 5xx.
    const overHttp = await server.gql(await officer(), "subscription { alertRaised { id } }");
    expect(overHttp.status).toBeLessThan(500);
    expect(overHttp.body.errors?.[0].extensions?.code).toBeDefined();
  });
});

const mysql = ENGINES.find((e) => e.name === "mysql");
const redisUrl = process.env.TEST_REDIS_URL;
if (process.env.CI === "true" && (!mysql || !redisUrl)) {
  throw new Error("CI=true needs TEST_MYSQL_URL and TEST_REDIS_URL: the two-instance subscription test must run");
}

(mysql && redisUrl ? describe : describe.skip)("two instances through Redis (SPEC §12)", () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let second: ReturnType<typeof createDataSource>;
  const sockets: WsTestClient[] = [];

  beforeAll(async () => {
    db = await mysql!.create();
    second = createDataSource({ url: db.url, poolSize: 5 });
    await second.initialize();
    const env = { REDIS_URL: redisUrl! };
    a = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"), env);
    b = await startTestServer(second, new Date("2026-11-27T08:00:00.000Z"), env);
    await defaultSegments(db.ds);
  });

  afterAll(async () => {
    for (const ws of sockets) ws.close();
    await a?.close();
    await b?.close();
    await second?.destroy();
    await db?.drop();
  });

  it("SPEC §12: a valuation on instance A reaches a subscriber of instance B, and A's own subscriber once", async () => {
    const product = await plainProduct(db.ds, { code: "P-TWO" });
    const client = await clientWith(db.ds, { branch: PUDONG });
    const facility = await buildFacility(db.ds, client, product, { usedAmount: new Decimal("100000") });
    const officerB = await b.token(Role.RISK_OFFICER, { sub: "ro-b" });
    const onB = await openWs(b.url);
    const onA = await openWs(a.url);
    sockets.push(onB, onA);
    expect(await onB.init(officerB)).toBe("ack");
    expect(await onA.init(await a.token(Role.RISK_OFFICER, { sub: "ro-a" }))).toBe("ack");
    onB.subscribe("alerts", ALERT_SUB);
    onA.subscribe("alerts", ALERT_SUB);
    await new Promise((r) => setTimeout(r, 200));
    const res = await a.gql<{ recordFacilityValuations: { alertsRaised: number } }>(
      await a.token(Role.RISK_OFFICER, { sub: "ro-a" }),
      VALUATIONS,
      { input: { valuations: [valuation(facility, "1000000", "1200000")] } },
    );
    expect(res.body.data!.recordFacilityValuations.alertsRaised).toBe(1);
    const onBMessage = dataOf(await onB.next("alerts"))!.alertRaised as { kind: string; facility: { id: string } };
    expect(onBMessage).toMatchObject({
      kind: "MARGIN_CALL",
      facility: { id: toGlobalId("CreditFacility", facility.id) },
    });
    expect(dataOf(await onA.next("alerts"))!.alertRaised).toEqual(onBMessage);
    // Once each: the publishing instance hears its own event through Redis, not also in-process.
    expect(await onA.next("alerts", 500)).toBeNull();
    expect(await onB.next("alerts", 10)).toBeNull();
  });

  it("SPEC §12: with Redis lost, each instance still delivers its own events, and after Redis is back every instance hears them again", async () => {
    const target = new URL(redisUrl!);
    const fault = await redisFault("forward", { host: target.hostname, port: Number(target.port || 6379) });
    const env = { REDIS_URL: fault.url };
    const c = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"), env);
    const third = createDataSource({ url: db.url, poolSize: 5 });
    await third.initialize();
    const d = await startTestServer(third, new Date("2026-11-27T08:00:00.000Z"), env);
    try {
      const product = await plainProduct(db.ds, { code: "P-LOST" });
      const client = await clientWith(db.ds, { branch: PUDONG });
      const [f1, f2] = [await buildFacility(db.ds, client, product), await buildFacility(db.ds, client, product)];
      const token = await c.token(Role.RISK_OFFICER, { sub: "ro-lost" });
      const onC = await openWs(c.url);
      const onD = await openWs(d.url);
      sockets.push(onC, onD);
      expect(await onC.init(token)).toBe("ack");
      expect(await onD.init(token)).toBe("ack");
      onC.subscribe("f", FACILITY_SUB);
      onD.subscribe("f", FACILITY_SUB);
      await new Promise((r) => setTimeout(r, 300));
      fault.set("refuse");
      const value = (f: CreditFacilityEntity) =>
        c.gql(token, VALUATIONS, { input: { valuations: [valuation(f, "500000", "1500000")] } });
      expect((await value(f1)).status).toBe(200);
      // The writing instance's own subscriber hears it without Redis; the other instance cannot.
      expect(dataOf(await onC.next("f"))!.facilityChanged).toMatchObject({ id: toGlobalId("CreditFacility", f1.id) });
      expect(await onD.next("f", 500)).toBeNull();
      fault.set("forward");
      // Both connections come back and resubscribe by themselves; then a write reaches both instances.
      let heard = null;
      for (let attempt = 0; attempt < 40 && heard === null; attempt += 1) {
        await new Promise((r) => setTimeout(r, 250));
        await value(f2);
        heard = await onD.next("f", 250);
      }
      expect(dataOf(heard)!.facilityChanged).toMatchObject({ id: toGlobalId("CreditFacility", f2.id) });
    } finally {
      await c.close();
      await d.close();
      await third.destroy();
      await fault.close();
    }
  });
});
