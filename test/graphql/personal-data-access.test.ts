import Decimal from "decimal.js";
import { seal } from "../../src/crypto/personal-data";
import { Role, SatisfactionChannel } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import { SatisfactionResponseEntity, type ClientEntity } from "../../src/entities";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildPortrait, buildSegment } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

interface AccessRow {
  clientId: number;
  subject: string;
  fields: string;
  requestId: string;
}

/**
 * SPEC §14 "who read what": every response that carried a client's personal data in clear appends one
 * record per client (viewer, fields, request id, time) with one INSERT for the whole request; masked
 * responses append nothing; personalDataAccess lists the records to COMPLIANCE and ADMIN.
 */
describe.each(ENGINES)("the access trail on $name (SPEC §14)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  const clients: ClientEntity[] = [];
  let requestNo = 0;

  beforeAll(async () => {
    db = await engine.create();
    // Segment B holds every client whose average daily assets lie in [1,000,000, 10,000,000).
    await buildSegment(db.ds, { code: "B" });
    for (let i = 0; i < 5; i += 1) {
      const c = await buildClient(db.ds, {
        clientNo: `PDA${i}`,
        branch: i < 3 ? "SH-PUDONG" : "BJ-XICHENG",
        phone: i === 4 ? null : "13812345678",
        annualIncome: new Decimal("480000.00"),
        financialAssets: new Decimal("3600000.00"),
      });
      await buildPortrait(db.ds, c);
      await db.ds.getRepository(SatisfactionResponseEntity).save({
        clientId: c.id,
        surveyedOn: "2026-11-20",
        score: 8,
        channel: SatisfactionChannel.PHONE,
        comment: i === 0 ? seal("快一点就好了") : null,
        recordedBy: "rm-sh",
        createdAt: new Date("2026-11-20T02:00:00.000Z"),
      });
      clients.push(c);
    }
    server = await startTestServer(db.ds);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const rows = async (): Promise<AccessRow[]> =>
    (
      (await db.ds.query(
        "SELECT `clientId`, `subject`, `fields`, `requestId` FROM `personal_data_access` ORDER BY `id`",
      )) as AccessRow[]
    ).map((r) => ({ ...r, clientId: Number(r.clientId) }));

  /** One GraphQL request with its own x-request-id; returns the body, the statements it ran and the rows it appended. */
  async function request<T>(
    token: string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{
    status: number;
    body: { data?: T; errors?: { extensions?: { code?: string } }[] };
    statements: number;
    appended: AccessRow[];
    requestId: string;
  }> {
    const requestId = `pda-test-${(requestNo += 1)}`;
    const before = (await rows()).length;
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": requestId },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as never;
    return {
      status: res.status,
      body,
      statements: server.lastStatements(),
      appended: (await rows()).slice(before),
      requestId,
    };
  }

  const gid = (c: ClientEntity) => toGlobalId("Client", c.id);

  it("SPEC §14: client(clientNo) in clear appends one record naming the fields served, with one INSERT", async () => {
    const token = await server.token(Role.COMPLIANCE, { sub: "cp-alice" });
    const plain = await request(token, `{ client(clientNo: "PDA0") { clientNo } }`);
    expect(plain.appended).toEqual([]);
    const clear = await request<{ client: { name: string; idNumber: string } }>(
      token,
      `{ client(clientNo: "PDA0") { clientNo name idNumber } }`,
    );
    expect(clear.body.errors).toBeUndefined();
    expect(clear.body.data!.client.idNumber).not.toContain("*");
    expect(clear.appended).toEqual([
      { clientId: clients[0].id, subject: "cp-alice", fields: "name,idNumber", requestId: clear.requestId },
    ]);
    // the same read, plus exactly one statement: the trail's INSERT
    expect(clear.statements).toBe(plain.statements + 1);
  });

  it("SPEC §14: node and nodes in clear append one record per client in one INSERT; a null phone is not recorded", async () => {
    const token = await server.token(Role.COMPLIANCE, { sub: "cp-alice" });
    const one = await request(token, `query($id: ID!) { node(id: $id) { ... on Client { phone } } }`, {
      id: gid(clients[1]),
    });
    expect(one.appended).toEqual([
      { clientId: clients[1].id, subject: "cp-alice", fields: "phone", requestId: one.requestId },
    ]);
    const ids = [gid(clients[2]), gid(clients[3]), gid(clients[4])];
    const plain = await request(token, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    const many = await request(token, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Client { name phone } } }`, {
      ids,
    });
    expect(many.appended).toEqual([
      { clientId: clients[2].id, subject: "cp-alice", fields: "name,phone", requestId: many.requestId },
      { clientId: clients[3].id, subject: "cp-alice", fields: "name,phone", requestId: many.requestId },
      { clientId: clients[4].id, subject: "cp-alice", fields: "name", requestId: many.requestId },
    ]);
    expect(many.statements).toBe(plain.statements + 1);
  });

  it("SPEC §14: a clients page and Segment.members in clear append one record per client in one INSERT, declared figures included", async () => {
    const token = await server.token(Role.COMPLIANCE, { sub: "cp-bob" });
    const plain = await request(token, `{ clients(first: 5) { nodes { clientNo portrait { asOf } } } }`);
    const list = await request(
      token,
      `{ clients(first: 5) { nodes { clientNo idNumber annualIncome portrait { financialAssets } } } }`,
    );
    expect(list.appended.map((r) => [r.clientId, r.fields])).toEqual(
      clients.map((c) => [c.id, "idNumber,annualIncome,financialAssets"]),
    );
    expect(list.statements).toBe(plain.statements + 1);

    const members = await request<{ segment: { members: { nodes: unknown[] } } }>(
      token,
      `{ segment(code: "B") { members(first: 10) { nodes { clientNo name } } } }`,
    );
    expect(members.body.errors).toBeUndefined();
    expect(members.body.data!.segment.members.nodes).toHaveLength(5);
    expect(members.appended.map((r) => r.fields)).toEqual(["name", "name", "name", "name", "name"]);
    expect(new Set(members.appended.map((r) => r.requestId))).toEqual(new Set([members.requestId]));
  });

  it("SPEC §14: a mutation payload in clear appends its record; the relationship manager's own branch only", async () => {
    const token = await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-sh", branch: "SH-PUDONG" });
    const res = await request<{ updateClient: { client: { phone: string } } }>(
      token,
      `mutation($id: ID!) { updateClient(input: { clientId: $id, phone: "13900001111" }) { client { phone } userErrors { code } } }`,
      { id: gid(clients[0]) },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.updateClient.client.phone).toBe("13900001111");
    expect(res.appended).toEqual([
      { clientId: clients[0].id, subject: "rm-sh", fields: "phone", requestId: res.requestId },
    ]);
    // the manager lists its own branch only, all in clear: one record per client of the branch
    const own = await request(token, `{ clients(first: 5) { nodes { name } } }`);
    expect(own.appended.map((r) => r.clientId)).toEqual(clients.slice(0, 3).map((c) => c.id));
  });

  it("SPEC §14: a keyed mutation's record is written in its request transaction, once; the replay serves the stored answer", async () => {
    const token = await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-sh", branch: "SH-PUDONG" });
    const body = JSON.stringify({
      query: `mutation($id: ID!) { updateClient(input: { clientId: $id, phone: "13900002222" }) { client { name phone } } }`,
      variables: { id: gid(clients[1]) },
    });
    const send = async () => {
      const before = (await rows()).length;
      const res = await fetch(server.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "idempotency-key": "pda-keyed-1",
          "x-request-id": "pda-keyed-request",
        },
        body,
      });
      const json = (await res.json()) as { data?: { updateClient: { client: { phone: string } } } };
      return { res, json, appended: (await rows()).slice(before) };
    };
    const first = await send();
    expect(first.json.data!.updateClient.client.phone).toBe("13900002222");
    expect(first.appended).toEqual([
      { clientId: clients[1].id, subject: "rm-sh", fields: "name,phone", requestId: "pda-keyed-request" },
    ]);
    // the replay is the stored answer of that same request, served to the same subject: recorded once, when first served
    const replay = await send();
    expect(replay.res.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.appended).toEqual([]);
  });

  it("SPEC §14: a satisfaction comment read in clear is recorded; masked, it is not", async () => {
    const Q = `{ clients(first: 5) { nodes { satisfaction(first: 5) { nodes { score comment } } } } }`;
    const clear = await request<{ clients: { nodes: { satisfaction: { nodes: { comment: string | null }[] } }[] } }>(
      await server.token(Role.COMPLIANCE, { sub: "cp-alice" }),
      Q,
    );
    expect(clear.body.data!.clients.nodes[0].satisfaction.nodes[0].comment).toBe("快一点就好了");
    // only the one answer with a comment was served a personal field
    expect(clear.appended).toEqual([
      { clientId: clients[0].id, subject: "cp-alice", fields: "comment", requestId: clear.requestId },
    ]);
    const masked = await request<{ clients: { nodes: { satisfaction: { nodes: { comment: string | null }[] } }[] } }>(
      await server.token(Role.VIEWER),
      Q,
    );
    expect(masked.body.data!.clients.nodes[0].satisfaction.nodes[0].comment).toBe("***");
    expect(masked.appended).toEqual([]);
  });

  it("SPEC §14: masked responses append nothing and cost no statement", async () => {
    for (const role of [Role.VIEWER, Role.ANALYST, Role.RISK_OFFICER]) {
      const token = await server.token(role);
      const plain = await request(token, `{ clients(first: 5) { nodes { clientNo } } }`);
      const masked = await request<{ clients: { nodes: { name: string; annualIncome: string | null }[] } }>(
        token,
        `{ clients(first: 5) { nodes { name idNumber phone annualIncome portrait { annualIncome } } } }`,
      );
      expect(masked.body.data!.clients.nodes[0].name).toContain("*");
      expect(masked.body.data!.clients.nodes[0].annualIncome).toBeNull();
      expect(masked.appended).toEqual([]);
      expect(masked.statements).toBe(plain.statements);
    }
  });

  it("SPEC §14: personalDataAccess lists a client's records latest first to COMPLIANCE and ADMIN, keyset-paged", async () => {
    const Q = `query($id: ID!, $first: Int, $after: String) { personalDataAccess(clientId: $id, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor } nodes { viewer fields requestId at } } }`;
    type Page = {
      personalDataAccess: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: { viewer: string; fields: string[]; requestId: string; at: string }[];
      };
    };
    const expected = (await rows()).filter((r) => r.clientId === clients[0].id).reverse();
    expect(expected.length).toBeGreaterThanOrEqual(4);
    for (const role of [Role.COMPLIANCE, Role.ADMIN]) {
      const token = await server.token(role);
      const whole = await server.gql<Page>(token, Q, { id: gid(clients[0]), first: 50 });
      expect(whole.body.errors).toBeUndefined();
      expect(whole.body.data!.personalDataAccess.nodes.map((n) => [n.viewer, n.fields.join(","), n.requestId])).toEqual(
        expected.map((r) => [r.subject, r.fields, r.requestId]),
      );
      expect(whole.body.data!.personalDataAccess.nodes[0].at).toBe(server.clock.now().toISOString());
      const paged: string[] = [];
      let after: string | null = null;
      for (;;) {
        const res: { body: { data?: Page | null } } = await server.gql<Page>(token, Q, {
          id: gid(clients[0]),
          first: 2,
          after,
        });
        const page = res.body.data!.personalDataAccess;
        paged.push(...page.nodes.map((n) => n.requestId));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(paged).toEqual(expected.map((r) => r.requestId));
    }
    // reading the trail carries no personal data: it appends nothing
    const before = (await rows()).length;
    await server.gql(await server.token(Role.COMPLIANCE), Q, { id: gid(clients[0]) });
    expect((await rows()).length).toBe(before);
  });

  it("SPEC §14: personalDataAccess is FORBIDDEN to the other roles and refuses a foreign id", async () => {
    const Q = `query($id: ID!) { personalDataAccess(clientId: $id) { nodes { viewer } } }`;
    for (const role of [Role.VIEWER, Role.ANALYST, Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER]) {
      const res = await server.gql(await server.token(role, { branch: "SH-PUDONG" }), Q, { id: gid(clients[0]) });
      expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(res.body.data ?? null).toBeNull();
    }
    const bad = await server.gql(await server.token(Role.COMPLIANCE), Q, { id: toGlobalId("Product", 1) });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("SPEC §14: when the trail cannot be written the clear data is withheld: 503 SERVICE_UNAVAILABLE, no data", async () => {
    await db.ds.query("ALTER TABLE `personal_data_access` RENAME TO `personal_data_access_away`");
    try {
      const res = await server.gql<{ client: unknown }>(
        await server.token(Role.COMPLIANCE),
        `{ client(clientNo: "PDA1") { name idNumber } }`,
      );
      expect(res.status).toBe(503);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
      expect(JSON.stringify(res.body)).not.toContain("王小明");
      // a masked read needs no record and is served as usual
      const masked = await server.gql<{ client: { name: string } }>(
        await server.token(Role.VIEWER),
        `{ client(clientNo: "PDA1") { name } }`,
      );
      expect(masked.status).toBe(200);
      expect(masked.body.data!.client.name).toContain("*");
    } finally {
      await db.ds.query("ALTER TABLE `personal_data_access_away` RENAME TO `personal_data_access`");
    }
  });
});
