import Decimal from "decimal.js";
import { Role } from "../../src/domain/enums";
import { keyRing, useKeyRing } from "../../src/crypto/personal-data";
import { DEV_BLIND_INDEX_KEY, DEV_DATA_KEYS, KeyRing, sealedVersion } from "../../src/crypto/sealing";
import { assertKeyVersionsConfigured, storedKeyVersions } from "../../src/crypto/key-check";
import { rotateKeys } from "../../src/services/keys/rotation";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildPortrait, buildSatisfaction, residentId } from "../support/factories";
import { startTestServer, type GraphQLResult, type TestServer } from "../support/server";
import { toGlobalId } from "../../src/domain/global-id";

type PageAnswer = {
  clients: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { clientNo: string; name: string }[] };
};

const CLIENTS = 240;
const NEW_KEY = Buffer.alloc(32, 42).toString("base64");
const nameOf = (i: number) => `轮换客户${i}`;

const PAGE = `query($after: String) { clients(first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } nodes { clientNo name idNumber annualIncome portrait { annualIncome } } } }`;

describe.each(ENGINES)("key rotation on $name (SPEC §14)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  const devRing = KeyRing.fromStrings(DEV_DATA_KEYS, DEV_BLIND_INDEX_KEY);

  beforeAll(async () => {
    useKeyRing(devRing);
    db = await engine.create();
    for (let i = 1; i <= CLIENTS; i += 1) {
      const c = await buildClient(db.ds, {
        clientNo: `K${String(i).padStart(5, "0")}`,
        name: nameOf(i),
        idNumber: residentId(9000 + i),
        annualIncome: new Decimal(1000 + i),
      });
      if (i % 3 === 0) await buildPortrait(db.ds, c);
      if (i % 4 === 0) await buildSatisfaction(db.ds, c, { comment: `意见${i}` });
    }
    server = await startTestServer(db.ds);
  }, 120_000);

  afterAll(async () => {
    useKeyRing(devRing);
    await server?.close();
    await db?.drop();
  });

  it("SPEC §14: rotate-keys re-seals every value under the first key while the API answers throughout, and resumes", async () => {
    expect([...(await storedKeyVersions(db.ds))]).toEqual(["dev1"]);
    // Every instance first gets the new key in front of the old one; then the rotation runs.
    const ring = KeyRing.fromStrings(`v2:${NEW_KEY},${DEV_DATA_KEYS}`, DEV_BLIND_INDEX_KEY);
    useKeyRing(ring);
    const compliance = await server.token(Role.COMPLIANCE);
    const rm = await server.token(Role.RELATIONSHIP_MANAGER, { branch: "SH-PUDONG" });

    let rotating = true;
    let pages = 0;
    const failures: string[] = [];
    const load = (async () => {
      let after: string | null = null;
      let n = 0;
      while (rotating) {
        const res: GraphQLResult<PageAnswer> = await server.gql<PageAnswer>(compliance, PAGE, { after });
        if (res.status !== 200 || res.body.errors) failures.push(JSON.stringify(res.body.errors ?? res.status));
        else {
          for (const node of res.body.data!.clients.nodes) {
            if (node.name !== nameOf(Number(node.clientNo.slice(1)))) failures.push(`name of ${node.clientNo}`);
          }
          after = res.body.data!.clients.pageInfo.hasNextPage ? res.body.data!.clients.pageInfo.endCursor : null;
        }
        // A write while rotating: the client row lock keeps it and the rotation apart.
        n += 1;
        const upd = await server.gql<{ updateClient: { userErrors: unknown[] } }>(
          rm,
          `mutation($input: UpdateClientInput!) { updateClient(input: $input) { userErrors { code } } }`,
          {
            input: {
              clientId: toGlobalId("Client", 1 + (n % CLIENTS)),
              phone: `1390000${String(n % 10000).padStart(4, "0")}`,
            },
          },
        );
        if (upd.status !== 200 || upd.body.errors || upd.body.data!.updateClient.userErrors.length > 0) {
          failures.push(JSON.stringify(upd.body.errors ?? upd.body.data?.updateClient.userErrors ?? upd.status));
        }
        pages += 1;
      }
    })();

    // A first run stopped after 3 batches (the progress callback throws), then a full run resumes.
    let batches = 0;
    await expect(
      rotateKeys(db.ds, ring, {
        batchSize: 20,
        onProgress: () => {
          batches += 1;
          if (batches === 3) throw new Error("stopped");
        },
      }),
    ).rejects.toThrow("stopped");
    expect([...(await storedKeyVersions(db.ds))].sort()).toEqual(["dev1", "v2"]);
    const progress: number[] = [];
    const outcome = await rotateKeys(db.ds, ring, { batchSize: 20, onProgress: (done) => progress.push(done) });
    rotating = false;
    await load;

    expect(failures).toEqual([]);
    expect(pages).toBeGreaterThan(0);
    expect(progress[progress.length - 1]).toBe(CLIENTS);
    expect(outcome.versionsAfter).toEqual(["v2"]);
    // The first run's 60 clients were not sealed again.
    expect(outcome.resealed).toBeLessThan(CLIENTS * 5);

    // Every value opens under the new key alone; the blind indexes did not change.
    const onlyNew = KeyRing.fromStrings(`v2:${NEW_KEY}`, DEV_BLIND_INDEX_KEY);
    const rows = (await db.ds.query(
      "SELECT `clientNo`, `name`, `idNumber`, `idNumberBlindIndex`, `phone`, `annualIncome`, `financialAssets` FROM `client`",
    )) as Record<string, string | null>[];
    expect(rows).toHaveLength(CLIENTS);
    for (const r of rows) {
      const i = Number(r.clientNo!.slice(1));
      expect(onlyNew.open(r.name!)).toBe(nameOf(i));
      expect(onlyNew.open(r.idNumber!)).toBe(residentId(9000 + i));
      expect(r.idNumberBlindIndex).toBe(onlyNew.blindIndex("idNumber", residentId(9000 + i)));
      expect(onlyNew.open(r.annualIncome!)).toBe(String(1000 + i));
      for (const col of ["name", "idNumber", "phone", "annualIncome", "financialAssets"]) {
        if (r[col] !== null) expect(sealedVersion(r[col]!)).toBe("v2");
      }
    }
    const portraits = (await db.ds.query("SELECT `annualIncome` FROM `portrait`")) as { annualIncome: string }[];
    expect(portraits).toHaveLength(CLIENTS / 3);
    for (const p of portraits) expect(sealedVersion(p.annualIncome)).toBe("v2");
    const comments = (await db.ds.query("SELECT `clientId`, `comment` FROM `satisfaction_response`")) as {
      clientId: number;
      comment: string;
    }[];
    expect(comments).toHaveLength(CLIENTS / 4);
    for (const c of comments) expect(onlyNew.open(c.comment)).toBe(`意见${c.clientId}`);
    // With the old key retired, the start check passes; a database still under it would stop the start.
    await assertKeyVersionsConfigured(db.ds, onlyNew);
    await expect(assertKeyVersionsConfigured(db.ds, devRing)).rejects.toThrow(/data key version v2\b/);
    expect(keyRing()).toBe(ring);
  }, 180_000);
});
