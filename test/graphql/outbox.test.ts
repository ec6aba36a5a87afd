import { FacilityStatus, Role } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import type { ClientEntity, ProductEntity } from "../../src/entities";
import { clientWith, defaultSegments, plainProduct } from "../lifecycle/helpers";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildFacility, validResidentId } from "../support/factories";
import { startTestServer, type GraphQLResult, type TestServer } from "../support/server";

/** The outbox (SPEC §12): a committed write appends its events in its transaction, a refused one none. */

interface EventRow {
  seq: number;
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: string;
  sentAt: unknown;
}

const NAME = "欧阳明月";
const ID_NUMBER = validResidentId(7301);
const PHONE = "13912345678";

describe.each(ENGINES)("the outbox on $name", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let client: ClientEntity;
  let product: ProductEntity;

  const eventsAfter = async (seq: number) =>
    (await db.ds.query("SELECT * FROM `event` WHERE `seq` > ? ORDER BY `seq`", [seq])) as EventRow[];
  const lastSeq = async () =>
    Number(((await db.ds.query("SELECT COALESCE(MAX(`seq`), 0) AS n FROM `event`")) as { n: unknown }[])[0].n);

  beforeAll(async () => {
    db = await engine.create();
    server = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"));
    await defaultSegments(db.ds);
    client = await clientWith(db.ds);
    product = await plainProduct(db.ds, { code: "P-OUTBOX" });
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("a registration commits exactly one client.registered event, without personal data", async () => {
    const before = await lastSeq();
    const rm = await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-outbox", branch: "SH-PUDONG" });
    const res = await server.gql<{ registerClient: { client: { id: string } | null; userErrors: unknown[] } }>(
      rm,
      `mutation($input: RegisterClientInput!) { registerClient(input: $input) { client { id } userErrors { code } } }`,
      {
        input: {
          clientNo: "C77000001",
          type: "INDIVIDUAL",
          name: NAME,
          idNumber: ID_NUMBER,
          phone: PHONE,
          branch: "SH-PUDONG",
          openedAt: "2021-03-01",
          annualIncome: "987654.32",
          financialAssets: "8765432.10",
        },
      },
    );
    expect(res.body.errors).toBeUndefined();
    const clientId = res.body.data!.registerClient.client!.id;
    const events = await eventsAfter(before);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ type: "client.registered", aggregateType: "Client", aggregateId: clientId });
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(event.sentAt).toBeNull();
    const payload = JSON.parse(event.payload) as Record<string, unknown>;
    expect(payload).toMatchObject({ action: "registerClient", branch: "SH-PUDONG" });
    for (const key of ["name", "idNumber", "phone", "annualIncome", "financialAssets"]) {
      expect(payload).not.toHaveProperty(key);
    }
    const raw = JSON.stringify(event);
    for (const secret of [
      NAME,
      NAME.slice(0, 1),
      ID_NUMBER,
      ID_NUMBER.slice(-4),
      PHONE,
      PHONE.slice(-4),
      "987654",
      "8765432",
    ]) {
      expect(raw).not.toContain(secret);
    }
  });

  it("a decision on an application commits one event about the facility (facility.rejected), at the version it left", async () => {
    const facility = await buildFacility(db.ds, client, product, {
      status: FacilityStatus.PENDING_APPROVAL,
      approvedLimit: null,
      startDate: null,
    });
    const before = await lastSeq();
    const officer = await server.token(Role.RISK_OFFICER, { sub: "ro-outbox" });
    const res = await server.gql<{ approveFacility: { userErrors: { code: string }[] } }>(
      officer,
      `mutation($input: ApproveFacilityInput!) { approveFacility(input: $input) { userErrors { code } } }`,
      {
        input: {
          facilityId: toGlobalId("CreditFacility", facility.id),
          approve: false,
          note: NAME,
          expectedVersion: facility.version,
        },
      },
    );
    expect(res.body.data?.approveFacility.userErrors).toEqual([]);
    const events = await eventsAfter(before);
    expect(events.map((e) => [e.type, e.aggregateId])).toEqual([
      ["facility.rejected", toGlobalId("CreditFacility", facility.id)],
    ]);
    const payload = JSON.parse(events[0].payload) as Record<string, unknown>;
    expect(payload).toMatchObject({ approve: false, version: facility.version + 1 });
    expect(payload).not.toHaveProperty("note");
  });

  it("a valuation below the margin-call line commits the valuation, the alert and its review as events", async () => {
    const facility = await buildFacility(db.ds, client, product);
    const before = await lastSeq();
    const officer = await server.token(Role.RISK_OFFICER, { sub: "ro-outbox" });
    const res = await server.gql<{ recordFacilityValuations: { userErrors: unknown[] } }>(
      officer,
      `mutation($input: RecordFacilityValuationsInput!) { recordFacilityValuations(input: $input) { userErrors { code } } }`,
      {
        input: {
          valuations: [
            {
              facilityId: toGlobalId("CreditFacility", facility.id),
              asOf: "2026-11-26",
              usedAmount: "1000000",
              collateralValue: "1200000",
            },
          ],
        },
      },
    );
    expect(res.body.data?.recordFacilityValuations.userErrors).toEqual([]);
    const types = (await eventsAfter(before)).map((e) => e.type);
    expect(types).toContain("valuation.recorded");
    expect(types).toContain("alert.raised");
    expect(types.filter((t) => t === "valuation.recorded")).toHaveLength(1);
  });

  it("a refused write commits no event", async () => {
    const facility = await buildFacility(db.ds, client, product, {
      status: FacilityStatus.PENDING_APPROVAL,
      approvedLimit: null,
      startDate: null,
    });
    const before = await lastSeq();
    const officer = await server.token(Role.RISK_OFFICER, { sub: "ro-outbox" });
    const stale = await server.gql<{ approveFacility: { userErrors: { code: string }[] } }>(
      officer,
      `mutation($input: ApproveFacilityInput!) { approveFacility(input: $input) { userErrors { code } } }`,
      {
        input: {
          facilityId: toGlobalId("CreditFacility", facility.id),
          approve: false,
          expectedVersion: facility.version + 7,
        },
      },
    );
    expect(stale.body.data?.approveFacility.userErrors.map((e) => e.code)).toEqual(["CONFLICT"]);
    const rm = await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-outbox", branch: "SH-PUDONG" });
    const duplicate = await server.gql<{ registerClient: { userErrors: { code: string }[] } }>(
      rm,
      `mutation($input: RegisterClientInput!) { registerClient(input: $input) { userErrors { code } } }`,
      {
        input: {
          clientNo: "C77000001",
          type: "INDIVIDUAL",
          name: "李四",
          idNumber: validResidentId(7302),
          branch: "SH-PUDONG",
          openedAt: "2021-03-01",
        },
      },
    );
    expect(duplicate.body.data?.registerClient.userErrors.map((e) => e.code)).toEqual(["DUPLICATE"]);
    expect(await eventsAfter(before)).toEqual([]);
  });

  it("events(after) pages through the stream in sequence order, filtered by type", async () => {
    const compliance = await server.token(Role.COMPLIANCE, { sub: "co-outbox" });
    const all = (await db.ds.query("SELECT `id` FROM `event` ORDER BY `seq`")) as { id: string }[];
    expect(all.length).toBeGreaterThan(4);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages += 1) {
      const res: GraphQLResult<EventsPage> = await server.gql<EventsPage>(compliance, EVENTS, { first: 2, after });
      expect(res.body.errors).toBeUndefined();
      const page: EventsPage["events"] = res.body.data!.events;
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((e) => e.id));
    const alerts = await server.gql<EventsPage>(compliance, EVENTS, { first: 50, filter: { types: ["alert.raised"] } });
    expect(alerts.body.data!.events.nodes.length).toBeGreaterThan(0);
    expect(alerts.body.data!.events.nodes.every((n) => n.type === "alert.raised" && n.aggregateType === "Alert")).toBe(
      true,
    );
    expect(JSON.parse(alerts.body.data!.events.nodes[0].payload)).toMatchObject({ kind: expect.any(String) });
  });

  it("events is refused to a VIEWER and an RM, and a cursor of another list is BAD_USER_INPUT", async () => {
    for (const role of [Role.VIEWER, Role.RELATIONSHIP_MANAGER]) {
      const res = await server.gql(await server.token(role, { branch: "SH-PUDONG" }), EVENTS, { first: 2 });
      expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    const admin = await server.token(Role.ADMIN);
    const foreign = Buffer.from(JSON.stringify(["audit", "2026-01-01T00:00:00.000Z", 1])).toString("base64url");
    const res = await server.gql(admin, EVENTS, { first: 2, after: foreign });
    expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

interface EventsPage {
  events: {
    nodes: {
      id: string;
      type: string;
      aggregateType: string;
      aggregateId: string;
      occurredAt: string;
      payload: string;
    }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const EVENTS = `query($first: Int, $after: String, $filter: EventFilter) {
  events(first: $first, after: $after, filter: $filter) {
    nodes { id type aggregateType aggregateId occurredAt payload }
    pageInfo { hasNextPage endCursor }
  }
}`;
