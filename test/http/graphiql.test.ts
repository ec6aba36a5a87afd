import fs from "node:fs";
import path from "node:path";
import { type Browser, type Page } from "playwright-core";
import { Role } from "../../src/domain/enums";
import { haveChromium, launchChromium } from "../support/browser";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §11: GraphiQL at /graphiql from the project's own dependencies, offline, asking for a token.
 * Debian's chromium drives the page with every request outside the server refused, as if the network
 * were cut: the page loads, a query typed in the editor runs with the token from the field, and the
 * answer shows in the result pane.
 */
const sqlite = ENGINES.find((e) => e.name === "sqlite")!;
const OUT = path.resolve(__dirname, "../../test-output");

/** Replaces the text of GraphiQL's query editor (CodeMirror 5, as GraphiQL 3 ships it). */
function typeQuery(page: Page, text: string): Promise<void> {
  return page.evaluate(
    `document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue(${JSON.stringify(text)})`,
  );
}

/** Reads `get` until `ok` holds or 15 s pass; returns the last value read. */
async function until(get: () => Promise<string>, ok: (v: string) => boolean): Promise<string> {
  const deadline = Date.now() + 15_000;
  let last = await get();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await get();
  }
  return last;
}

(haveChromium ? describe : describe.skip)("GraphiQL in a browser with the network cut (SPEC §11)", () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    db = await sqlite.create();
    await buildClient(db.ds, { clientNo: "C77770001" });
    server = await startTestServer(db.ds);
    origin = new URL(server.url).origin;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  it("serves the page and its assets itself, with no CDN, no storage of the page, and a strict CSP", async () => {
    const page = await fetch(`${origin}/graphiql`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const src of html.match(/\/graphiql\/assets\/[a-z.-]+/g) ?? []) {
      expect((await fetch(`${origin}${src}`)).status).toBe(200);
    }
    // A browser navigating to /graphql itself is sent to the IDE rather than answered 401.
    const nav = await fetch(`${origin}/graphql`, {
      headers: { accept: "text/html,application/xhtml+xml" },
      redirect: "manual",
    });
    expect([nav.status, nav.headers.get("location")]).toEqual([302, "/graphiql"]);
    const head = await fetch(`${origin}/graphiql`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await fetch(`${origin}/graphiql/assets/../../package.json`)).status).toBe(404);
  });

  it("runs a query typed in the editor with the token from the page and shows the answer, offline", async () => {
    const token = await server.token(Role.ANALYST);
    const context = await browser.newContext();
    const outside: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin)) return route.continue();
      outside.push(url);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("pageerror", (err) => consoleErrors.push(err.message));
    await page.goto(`${origin}/graphiql`);
    await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
    await page.fill("#token", token);
    const editor = page.locator(".graphiql-query-editor .CodeMirror").first();
    await editor.click();
    await typeQuery(
      page,
      '{ clients(first: 1, filter: { clientNoPrefix: "C7777" }) { totalCount nodes { clientNo } } }',
    );
    const answered = page.waitForResponse((r) => r.url() === server.url && r.request().method() === "POST");
    await page.locator(".graphiql-execute-button").click();
    expect((await answered).status()).toBe(200);
    const result = page.locator(".graphiql-response .CodeMirror");
    expect(
      await until(
        () => result.innerText(),
        (t) => t.includes("C77770001"),
      ),
    ).toContain("C77770001");
    expect(await result.innerText()).toContain('"totalCount": 1');
    fs.mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: path.join(OUT, "graphiql.png") });
    expect(outside).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it("without a token the same query answers UNAUTHENTICATED in the result pane", async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/graphiql`);
    await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
    await typeQuery(page, "{ clients(first: 1) { totalCount } }");
    await page.locator(".graphiql-execute-button").click();
    const text = await until(
      () => page.locator(".graphiql-response .CodeMirror").innerText(),
      (t) => t.includes("UNAUTHENTICATED"),
    );
    expect(text).toContain("UNAUTHENTICATED");
    await page.close();
  }, 60_000);
});
