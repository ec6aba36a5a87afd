import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import pino from "pino";
import { loadConfig } from "../../src/config";
import { FixedClock } from "../../src/domain/clock";
import { Role } from "../../src/domain/enums";
import { mintToken } from "../../src/services/access/tokens";
import { buildApiSchema } from "../../src/schema/build";
import { createApp, type App } from "../../src/server/app";
import { createServices } from "../../src/services";
import { idNumberIndex } from "../../src/crypto/personal-data";
import { ENGINES, type TestDatabase } from "../support/engines";
import { validResidentId } from "../support/factories";

/**
 * SPEC §14: what the API was given in clear is nowhere in the database in clear — no table, no
 * column (and so no index, which holds column values), no audit entry, no outbox event, no access
 * record — nor in the log; COMPLIANCE still reads it in clear through the API.
 */

const NOW = new Date("2026-11-27T08:00:00.000Z");

interface Person {
  clientNo: string;
  name: string;
  idNumber: string;
  phone: string;
  newPhone: string;
  income: string;
  assets: string;
  comment: string;
}

const PEOPLE: Person[] = [0, 1, 2].map((i) => ({
  clientNo: `AR${String(i + 1).padStart(6, "0")}`,
  name: ["慕容雪霁", "上官飞鸿", "Zhuge Liangming"][i],
  idNumber: validResidentId(7300 + i),
  phone: `1376543210${i}`,
  newPhone: `1598765432${i}`,
  income: `76543${i}1.09`,
  assets: `87654${i}2.17`,
  comment: `客户留言第${i}条：服务很周到`,
}));

const REGISTER = `mutation($input: RegisterClientInput!) {
  registerClient(input: $input) { client { id clientNo name idNumber phone annualIncome financialAssets } userErrors { code field } } }`;
const UPDATE = `mutation($input: UpdateClientInput!) { updateClient(input: $input) { client { phone } userErrors { code } } }`;
const REFRESH = `mutation($input: RefreshPortraitInput!) { refreshPortrait(input: $input) { portrait { annualIncome } userErrors { code } } }`;
const READ = `query($no: String!) { client(clientNo: $no) { name idNumber phone annualIncome financialAssets
  portrait { annualIncome financialAssets } } }`;
const SATISFACTION = `mutation($input: RecordSatisfactionInput!) { recordSatisfaction(input: $input) { userErrors { code } } }`;
const SEARCH = `query($s: String) { clients(first: 10, filter: { search: $s }) { nodes { clientNo name } } }`;

interface Harness {
  app: App;
  logs: string[];
  gql<T>(token: string, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: unknown[] }>;
  token(role: Role, branch?: string): Promise<string>;
}

async function start(db: TestDatabase): Promise<Harness> {
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "trace" });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString("utf8"));
      cb();
    },
  });
  const services = createServices(config, db.ds, new FixedClock(NOW));
  // The most talkative level: everything the service would ever log about these requests.
  const app = await createApp({ schema: await buildApiSchema(), services, logger: pino({ level: "trace" }, sink) });
  await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
  return {
    app,
    logs,
    token: (role, branch) =>
      mintToken(config.authJwtSecret, { sub: `t-${role}`, roles: [role], branch: branch ?? null }),
    async gql(token, query, variables) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as never;
    },
  };
}

async function tablesOf(db: TestDatabase): Promise<string[]> {
  const rows = (await db.ds.query(
    db.ds.options.type === "better-sqlite3"
      ? "SELECT name AS t FROM sqlite_master WHERE type = 'table'"
      : "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()",
  )) as { t: string }[];
  return rows.map((r) => r.t);
}

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (value instanceof Date) return value.toISOString();
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

describe.each(ENGINES)("personal data at rest on $name (SPEC §14)", (engine) => {
  let db: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    db = await engine.create();
    h = await start(db);
  }, 60_000);

  afterAll(async () => {
    await h?.app.close();
    await db?.drop();
  });

  it("SPEC §14: clients registered, updated, refreshed and read through the API leave no clear name, ID number, phone, income, assets or satisfaction comment in any table, column or log line", async () => {
    const rm = await h.token(Role.RELATIONSHIP_MANAGER, "SH-PUDONG");
    const officer = await h.token(Role.RISK_OFFICER);
    const compliance = await h.token(Role.COMPLIANCE);
    const viewer = await h.token(Role.VIEWER);
    for (const p of PEOPLE) {
      const reg = await h.gql<{ registerClient: { client: Record<string, string>; userErrors: unknown[] } }>(
        rm,
        REGISTER,
        {
          input: {
            clientNo: p.clientNo,
            type: "INDIVIDUAL",
            name: p.name,
            idNumber: p.idNumber,
            phone: p.phone,
            branch: "SH-PUDONG",
            openedAt: "2021-03-01",
            annualIncome: p.income,
            financialAssets: p.assets,
          },
        },
      );
      expect(reg.errors).toBeUndefined();
      expect(reg.data!.registerClient.userErrors).toEqual([]);
      const id = reg.data!.registerClient.client.id;
      // The same clear values come back to the RM of the branch: the test's values are the real ones.
      expect(reg.data!.registerClient.client).toMatchObject({ name: p.name, idNumber: p.idNumber, phone: p.phone });
      const upd = await h.gql<{ updateClient: { userErrors: unknown[] } }>(rm, UPDATE, {
        input: { clientId: id, phone: p.newPhone },
      });
      expect(upd.data!.updateClient.userErrors).toEqual([]);
      const refresh = await h.gql<{ refreshPortrait: { userErrors: unknown[] } }>(officer, REFRESH, {
        input: { clientId: id, asOf: "2026-11-27" },
      });
      expect(refresh.data!.refreshPortrait.userErrors).toEqual([]);
      const said = await h.gql<{ recordSatisfaction: { userErrors: unknown[] } }>(rm, SATISFACTION, {
        input: { clientId: id, surveyedOn: "2026-11-26", score: 9, channel: "APP", comment: p.comment },
      });
      expect(said.errors).toBeUndefined();
      expect(said.data!.recordSatisfaction.userErrors).toEqual([]);
      const read = await h.gql<{ client: Record<string, unknown> }>(compliance, READ, { no: p.clientNo });
      expect(read.errors).toBeUndefined();
      expect(read.data!.client).toEqual({
        name: p.name,
        idNumber: p.idNumber,
        phone: p.newPhone,
        annualIncome: p.income,
        financialAssets: p.assets,
        portrait: { annualIncome: p.income, financialAssets: p.assets },
      });
      const masked = await h.gql<{ client: Record<string, unknown> }>(viewer, READ, { no: p.clientNo });
      expect(masked.data!.client).toMatchObject({
        annualIncome: null,
        phone: `${p.newPhone.slice(0, 3)}****${p.newPhone.slice(-4)}`,
      });
      const found = await h.gql<{ clients: { nodes: { clientNo: string }[] } }>(compliance, SEARCH, { s: p.idNumber });
      expect(found.data!.clients.nodes.map((n) => n.clientNo)).toEqual([p.clientNo]);
    }

    const secrets = PEOPLE.flatMap((p) => [p.name, p.idNumber, p.phone, p.newPhone, p.income, p.assets, p.comment]);
    const tables = await tablesOf(db);
    expect(tables).toEqual(
      expect.arrayContaining([
        "client",
        "portrait",
        "audit_entry",
        "event",
        "satisfaction_response",
        "personal_data_access",
      ]),
    );
    const hits: string[] = [];
    let cells = 0;
    for (const table of tables) {
      const rows = (await db.ds.query(`SELECT * FROM \`${table}\``)) as Record<string, unknown>[];
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          const cell = text(value);
          cells += 1;
          for (const s of secrets) if (cell.includes(s)) hits.push(`${table}.${column}`);
        }
      }
    }
    expect(cells).toBeGreaterThan(100);
    expect(hits).toEqual([]);
    // The rows are there, sealed: the client table holds the three with blind indexes of their ID numbers.
    const stored = (await db.ds.query("SELECT `name`, `idNumberBlindIndex` FROM `client` ORDER BY `clientNo`")) as {
      name: string;
      idNumberBlindIndex: string;
    }[];
    expect(stored.map((r) => r.idNumberBlindIndex)).toEqual(PEOPLE.map((p) => idNumberIndex(p.idNumber)));
    for (const r of stored) expect(r.name).toMatch(/^dev1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/=]+$/);

    const log = h.logs.join("");
    expect(log.length).toBeGreaterThan(0);
    for (const s of secrets) expect(log.includes(s)).toBe(false);
  }, 120_000);

  it("SPEC §14: a stored value altered by one byte is an error the API masks, never a garbled name", async () => {
    const compliance = await h.token(Role.COMPLIANCE);
    const [row] = (await db.ds.query("SELECT `id`, `name` FROM `client` WHERE `clientNo` = ?", [
      PEOPLE[0].clientNo,
    ])) as {
      id: number;
      name: string;
    }[];
    const parts = row.name.split(":");
    const body = Buffer.from(parts[2], "base64");
    body[0] ^= 0x01;
    const tampered = `${parts[0]}:${parts[1]}:${body.toString("base64")}`;
    await db.ds.query("UPDATE `client` SET `name` = ? WHERE `id` = ?", [tampered, row.id]);
    try {
      const res = await h.gql<{ client: unknown }>(
        compliance,
        `query($no: String!) { client(clientNo: $no) { name } }`,
        {
          no: PEOPLE[0].clientNo,
        },
      );
      expect(res.data?.client ?? null).toBeNull();
      expect(res.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: "INTERNAL_SERVER_ERROR" }) }),
      ]);
      expect(JSON.stringify(res)).not.toContain(PEOPLE[0].name.slice(1));
      expect(h.logs.join("")).toContain("failed authentication");
    } finally {
      await db.ds.query("UPDATE `client` SET `name` = ? WHERE `id` = ?", [row.name, row.id]);
    }
  });

  it("SPEC §10 and §14: one account per ID number holds for registrations racing each other, by the blind index", async () => {
    const rm = await h.token(Role.RELATIONSHIP_MANAGER, "SH-PUDONG");
    const idNumber = validResidentId(7400);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        h.gql<{
          registerClient: { client: { clientNo: string } | null; userErrors: { code: string; field: string[] }[] };
        }>(rm, REGISTER, {
          input: {
            clientNo: `RACE${i}`,
            type: "INDIVIDUAL",
            name: "赵钱孙",
            idNumber,
            branch: "SH-PUDONG",
            openedAt: "2021-03-01",
          },
        }),
      ),
    );
    for (const a of answers) expect(a.errors).toBeUndefined();
    const won = answers.filter((a) => a.data!.registerClient.userErrors.length === 0);
    const lost = answers.filter((a) => a.data!.registerClient.userErrors.length > 0);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const a of lost)
      expect(a.data!.registerClient.userErrors).toEqual([{ code: "DUPLICATE", field: ["input", "idNumber"] }]);
    const rows = (await db.ds.query("SELECT COUNT(*) AS n FROM `client` WHERE `idNumberBlindIndex` = ?", [
      idNumberIndex(idNumber),
    ])) as { n: unknown }[];
    expect(Number(rows[0].n)).toBe(1);
  }, 60_000);
});
