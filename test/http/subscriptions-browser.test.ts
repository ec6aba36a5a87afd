import { type Browser } from "playwright-core";
import { Role } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import { clientWith, defaultSegments, plainProduct } from "../lifecycle/helpers";
import { haveChromium, launchChromium } from "../support/browser";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildFacility } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §12 from a real browser: a page of the API's origin opens the WebSocket with the browser's own
 * `WebSocket` (subprotocol graphql-transport-ws), sends the token in connection_init, subscribes to
 * alertRaised, and receives the alert a valuation raises, masked for its viewer.
 */
const sqlite = ENGINES.find((e) => e.name === "sqlite")!;

(haveChromium ? describe : describe.skip)("a browser page subscribed (SPEC §12)", () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    db = await sqlite.create();
    server = await startTestServer(db.ds);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  it("SPEC §12: the page receives the alert a valuation raises, as its VIEWER token may see it", async () => {
    await defaultSegments(db.ds);
    const client = await clientWith(db.ds, { branch: "SH-PUDONG", client: { name: "司马相如" } });
    const facility = await buildFacility(db.ds, client, await plainProduct(db.ds, { code: "P-BROWSER" }));
    const origin = new URL(server.url).origin;
    const page = await browser.newPage();
    await page.goto(`${origin}/healthz`);
    const token = await server.token(Role.VIEWER, { sub: "viewer-browser" });
    const acked = await page.evaluate(
      ({ url, token }) =>
        new Promise<string>((resolve) => {
          const w = globalThis as unknown as { live: unknown[] };
          w.live = [];
          const ws = new WebSocket(url, "graphql-transport-ws");
          ws.onopen = () =>
            ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
          ws.onclose = (e) => resolve(`closed ${e.code}`);
          ws.onmessage = (e) => {
            const m = JSON.parse(String(e.data)) as { type: string };
            if (m.type === "connection_ack") {
              ws.send(
                JSON.stringify({
                  id: "1",
                  type: "subscribe",
                  payload: { query: "subscription { alertRaised { kind severity client { clientNo name } } }" },
                }),
              );
              resolve("ack");
            } else w.live.push(m);
          };
        }),
      { url: server.url.replace(/^http/, "ws"), token },
    );
    expect(acked).toBe("ack");
    await new Promise((r) => setTimeout(r, 200));
    const officer = await server.token(Role.RISK_OFFICER, { sub: "ro-browser" });
    const res = await server.gql<{ recordFacilityValuations: { alertsRaised: number } }>(
      officer,
      `mutation($input: RecordFacilityValuationsInput!) { recordFacilityValuations(input: $input) { alertsRaised } }`,
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
    expect(res.body.data!.recordFacilityValuations.alertsRaised).toBe(1);
    await page.waitForFunction(() => (globalThis as unknown as { live: unknown[] }).live.length > 0, null, {
      timeout: 10_000,
    });
    const live = (await page.evaluate(() => (globalThis as unknown as { live: unknown[] }).live)) as {
      type: string;
      payload: { data: { alertRaised: { kind: string; client: { clientNo: string; name: string } } } };
    }[];
    expect(live[0].type).toBe("next");
    const alert = live[0].payload.data.alertRaised;
    expect(alert.kind).toBe("MARGIN_CALL");
    expect(alert.client.clientNo).toBe(client.clientNo);
    expect(alert.client.name).not.toBe("司马相如");
  });
});
