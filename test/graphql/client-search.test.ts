import { Role } from "../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import * as personalData from "../../src/crypto/personal-data";

const SEARCH = `query($s: String) { clients(first: 50, filter: { search: $s }) {
  totalCount pageInfo { hasNextPage endCursor } nodes { clientNo } } }`;

type Answer = { totalCount: number; pageInfo: unknown; nodes: { clientNo: string }[] };

describe.each(ENGINES)("ClientFilter.search on $name (SPEC §11)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await engine.create();
    const { ds } = db;
    await buildClient(ds, {
      clientNo: "SR0001",
      name: "欧阳明华",
      idNumber: "11010119800101001X",
      phone: "13900000001",
    });
    await buildClient(ds, { clientNo: "SR0002", name: "欧阳娜", idNumber: "110101198001020028", phone: "13900000002" });
    await buildClient(ds, {
      clientNo: "SR0003",
      name: "李雷",
      idNumber: "110101198001030036",
      phone: "13900000003",
      branch: "BJ-XICHENG",
    });
    await buildClient(ds, { clientNo: "SR%_01", name: "韩梅梅", idNumber: "110101198001040044", phone: null });
    server = await startTestServer(ds);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  async function search(role: Role, s: string, branch?: string): Promise<Answer> {
    const token = await server.token(role, { branch: branch ?? null });
    const res = await server.gql<{ clients: Answer }>(token, SEARCH, { s });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.clients;
  }

  const nos = (a: Answer) => a.nodes.map((n) => n.clientNo).sort();

  it("finds a clientNo prefix for every viewer", async () => {
    expect(nos(await search(Role.VIEWER, "SR000"))).toEqual(["SR0001", "SR0002", "SR0003"]);
    expect(nos(await search(Role.ANALYST, "SR0002"))).toEqual(["SR0002"]);
  });

  it("finds a name prefix, an exact ID number (X in any case) or an exact phone for COMPLIANCE", async () => {
    expect(nos(await search(Role.COMPLIANCE, "欧阳"))).toEqual(["SR0001", "SR0002"]);
    expect(nos(await search(Role.COMPLIANCE, "11010119800101001x"))).toEqual(["SR0001"]);
    expect(nos(await search(Role.COMPLIANCE, "13900000003"))).toEqual(["SR0003"]);
    // Exact, not a prefix: part of an ID number or phone finds nothing.
    expect(nos(await search(Role.COMPLIANCE, "1101011980"))).toEqual([]);
    expect(nos(await search(Role.COMPLIANCE, "1390000000"))).toEqual([]);
  });

  it("a masked VIEWER probing by name, ID number or phone learns nothing: the answer of a search that matches nothing", async () => {
    const nothing = await search(Role.VIEWER, "没有这个人");
    expect(nothing.totalCount).toBe(0);
    for (const probe of ["欧阳", "欧阳明华", "11010119800101001X", "13900000001"]) {
      expect(await search(Role.VIEWER, probe)).toEqual(nothing);
    }
    expect(await search(Role.ANALYST, "13900000001")).toEqual(nothing);
  });

  it("a relationship manager matches personal data only among its own branch's clients", async () => {
    expect(nos(await search(Role.RELATIONSHIP_MANAGER, "欧阳", "SH-PUDONG"))).toEqual(["SR0001", "SR0002"]);
    // Its branch scope hides the other branch's client whatever the search.
    expect(nos(await search(Role.RELATIONSHIP_MANAGER, "李", "SH-PUDONG"))).toEqual([]);
    expect(nos(await search(Role.RELATIONSHIP_MANAGER, "李", "BJ-XICHENG"))).toEqual(["SR0003"]);
  });

  it("treats LIKE wildcards as plain characters", async () => {
    expect(nos(await search(Role.COMPLIANCE, "SR%"))).toEqual(["SR%_01"]);
    expect(nos(await search(Role.COMPLIANCE, "SR_0"))).toEqual([]);
    expect(nos(await search(Role.COMPLIANCE, "%"))).toEqual([]);
    expect(nos(await search(Role.COMPLIANCE, "_"))).toEqual([]);
  });

  it("refuses a search longer than a name may be, without echoing it", async () => {
    const token = await server.token(Role.COMPLIANCE);
    const long = "欧".repeat(101);
    const res = await server.gql(token, SEARCH, { s: long });
    expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(res.body)).not.toContain(long);
  });

  it("SPEC §14: sealed at rest, an exact ID number or phone is found by its blind index and a name prefix only among the names the viewer may read", async () => {
    const [stored] = (await db.ds.query(
      "SELECT `name`, `idNumber`, `phone`, `idNumberBlindIndex`, `phoneBlindIndex` FROM `client` WHERE `clientNo` = 'SR0001'",
    )) as Record<string, string>[];
    expect([stored.name, stored.idNumber, stored.phone].join(" ")).not.toMatch(/欧阳|11010119800101001X|13900000001/);
    expect(stored.idNumberBlindIndex).toBe(personalData.idNumberIndex("11010119800101001X"));
    expect(stored.phoneBlindIndex).toBe(personalData.phoneIndex("13900000001"));
    expect(nos(await search(Role.COMPLIANCE, "13900000002"))).toEqual(["SR0002"]);
    expect(nos(await search(Role.COMPLIANCE, "11010119800101001x"))).toEqual(["SR0001"]);
    expect(nos(await search(Role.RELATIONSHIP_MANAGER, "13900000003", "SH-PUDONG"))).toEqual([]);
    expect(nos(await search(Role.RELATIONSHIP_MANAGER, "13900000003", "BJ-XICHENG"))).toEqual(["SR0003"]);

    // The name search opens the names of its own branch's clients only: the other branch's stays sealed.
    const [other] = (await db.ds.query("SELECT `name` FROM `client` WHERE `clientNo` = 'SR0003'")) as {
      name: string;
    }[];
    const opened = jest.spyOn(personalData.keyRing(), "open");
    try {
      expect(nos(await search(Role.RELATIONSHIP_MANAGER, "欧阳", "SH-PUDONG"))).toEqual(["SR0001", "SR0002"]);
      expect(opened).toHaveBeenCalled();
      expect(opened.mock.calls.filter(([v]) => v === other.name)).toEqual([]);
      opened.mockClear();
      // A viewer who may read no personal data opens no name at all.
      await search(Role.VIEWER, "欧阳");
      expect(opened).not.toHaveBeenCalled();
    } finally {
      opened.mockRestore();
    }
  });
});
