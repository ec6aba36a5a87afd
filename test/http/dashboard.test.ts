import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { Role } from "../../src/domain/enums";
import { seedDemoBook } from "../../src/seed/demo-book";
import { haveChromium, launchChromium } from "../support/browser";
import { ENGINES, type TestDatabase } from "../support/engines";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §13, issue 16: the tracking dashboard at /dashboard, bundled by Vite from dashboard/ and served
 * by the API itself. Debian's chromium drives it with every request outside the server refused, as if
 * the network were cut: an ANALYST token (minted as `npm run token` mints it) typed on the page draws
 * each chart from the demo book, and each chart's series (read back from ECharts, not from the DOM)
 * equal what the API answers for the same dates; a VIEWER gets the "not allowed" message the FORBIDDEN
 * code calls for. The screenshot goes to test-output/dashboard.png.
 */
const root = path.resolve(__dirname, "../..");
const OUT = path.join(root, "test-output");
const sqlite = ENGINES.find((e) => e.name === "sqlite")!;

/**
 * The book's as-of date, the page's default window of 12 months before it, and its default score
 * cohort (the month end three months back) with the horizon up to the as-of date.
 */
const AS_OF = "2026-11-27";
const FROM = "2025-11-27";
const COHORT = "2026-08-31";
const HORIZON_DAYS = 88;
const PANELS = ["sizes", "history", "migration", "effect", "credit", "alerts"] as const;
type PanelId = (typeof PANELS)[number];

function newestFile(dir: string): number {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newestFile(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

/** dist/dashboard as `npm run build` makes it, bundled again when older than dashboard/ (a fresh clone has none). */
function builtDashboard(): void {
  const marker = path.join(root, "dist/dashboard/index.html");
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= newestFile(path.join(root, "dashboard"))) return;
  const vite = path.join(path.dirname(require.resolve("vite/package.json")), "bin/vite.js");
  execFileSync(process.execPath, [vite, "build", "dashboard"], { cwd: root, stdio: "pipe" });
}

interface Series {
  name?: string;
  type: string;
  data: unknown[];
}
interface ChartOption {
  series: Series[];
  title?: { text?: string; subtext?: string }[];
  xAxis?: { data?: string[] }[];
  yAxis?: { data?: string[] }[];
}

/** The option ECharts holds for a panel's chart (window.dashboard.option: getInstanceByDom(…).getOption()). */
function option(page: Page, id: PanelId): Promise<ChartOption | null> {
  return page.evaluate(`window.dashboard.option(${JSON.stringify(id)})`) as Promise<ChartOption | null>;
}

async function panelState(page: Page, id: PanelId): Promise<{ state: string; note: string }> {
  return {
    state: (await page.locator(`#panel-${id}`).getAttribute("data-state")) ?? "",
    note: (await page.locator(`#panel-${id} .note`).textContent()) ?? "",
  };
}

/** Waits until no panel is loading any more (or 60 s pass). */
async function settled(page: Page): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const states = await Promise.all(PANELS.map((id) => page.locator(`#panel-${id}`).getAttribute("data-state")));
    if (states.every((s) => s !== "idle" && s !== "loading")) return;
    if (Date.now() > deadline) throw new Error(`panels still loading after 60 s: ${states.join(", ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const n = (v: unknown): number => Number(v);
const pct = (v: string | null): number | "-" => (v === null ? "-" : Math.round(Number(v) * 10000) / 100);

(haveChromium ? describe : describe.skip)("the tracking dashboard in a browser, offline (SPEC §13)", () => {
  let db: TestDatabase;
  let server: TestServer;
  let origin: string;
  let browser: Browser;
  let analyst: string;

  beforeAll(async () => {
    builtDashboard();
    db = await sqlite.create();
    // The book npm start seeds (2,000 clients, seed 42) with 13 months of history before AS_OF (SPEC §9).
    await seedDemoBook(db.ds, { clients: 2000, seed: 42, asOf: AS_OF });
    server = await startTestServer(db.ds, new Date(`${AS_OF}T08:00:00.000Z`));
    origin = new URL(server.url).origin;
    analyst = await server.token(Role.ANALYST, { sub: "dashboard-analyst" });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  /** A page in a context whose requests outside the API are refused; `outside` lists any tried. */
  async function offlinePage(): Promise<{ context: BrowserContext; page: Page; outside: string[]; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const outside: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin)) return route.continue();
      outside.push(url);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    return { context, page, outside, errors };
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${origin}/dashboard`);
    await page.locator("#token").fill(token);
    await page.locator("#asof").fill(AS_OF);
    await page.locator("#months").selectOption("12");
    await page.locator("#show").click();
  }

  it("serves the page and its bundle itself: no CDN, the page not stored, a strict CSP", async () => {
    const res = await fetch(`${origin}/dashboard`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    const assets = html.match(/\/dashboard\/assets\/[A-Za-z0-9_.-]+/g) ?? [];
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
    for (const a of assets) {
      const got = await fetch(`${origin}${a}`);
      expect([a, got.status]).toEqual([a, 200]);
      expect(got.headers.get("cache-control")).toContain("immutable");
      expect(await got.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\/[^"'\s]*\.(js|css)\b/);
    }
    const head = await fetch(`${origin}/dashboard`, { method: "HEAD" });
    expect([head.status, await head.text()]).toEqual([200, ""]);
    expect((await fetch(`${origin}/dashboard`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${origin}/dashboard/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${origin}/dashboard/assets/nothing.js`)).status).toBe(404);
  });

  describe("an ANALYST with the demo book", () => {
    let context: BrowserContext;
    let page: Page;
    let outside: string[];
    let errors: string[];

    beforeAll(async () => {
      ({ context, page, outside, errors } = await offlinePage());
      await signIn(page, analyst);
      await settled(page);
      fs.mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: path.join(OUT, "dashboard.png"), fullPage: true });
    }, 120_000);

    afterAll(async () => {
      await context?.close();
    });

    it("loads offline, keeps the token in memory only and shows who is signed in", async () => {
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
      expect(await page.locator("#token").inputValue()).toBe("");
      expect(await page.evaluate("localStorage.length + sessionStorage.length")).toBe(0);
      expect(await page.evaluate("document.cookie")).toBe("");
      expect(await page.locator("#status").textContent()).toBe(
        `Signed in as dashboard-analyst (ANALYST) · ${FROM} → ${AS_OF} · score cohort ${COHORT}`,
      );
      expect(await page.locator("#cohort").inputValue()).toBe(COHORT);
      expect(await page.locator("#notallowed").isHidden()).toBe(true);
    });

    it("segment sizes: one bar per active segment with its client count from Segment.stats", async () => {
      expect(await panelState(page, "sizes")).toEqual(expect.objectContaining({ state: "ready" }));
      const { body } = await server.gql<{ segments: { code: string; stats: { clientCount: number } }[] }>(
        analyst,
        "{ segments { code stats { clientCount } } }",
      );
      const api = body.data!.segments;
      const chart = (await option(page, "sizes"))!;
      const bars = chart.series.find((s) => s.name === "Clients")!;
      expect(bars.data.map((d) => n((d as { value: number }).value))).toEqual(api.map((s) => s.stats.clientCount));
      expect(api.filter((s) => s.stats.clientCount > 0).length).toBeGreaterThanOrEqual(3);
    });

    it("segment history: a line per segment, a point per month end of 12 months, from Segment.history", async () => {
      expect(await panelState(page, "history")).toEqual(expect.objectContaining({ state: "ready" }));
      const { body } = await server.gql<{
        segments: { code: string; history: { date: string; clientCount: number }[] }[];
      }>(
        analyst,
        `{ segments { code history(from: "${FROM}", to: "${AS_OF}", interval: MONTH) { date clientCount } } }`,
      );
      expect(body.errors ?? []).toEqual([]);
      const api = body.data!.segments;
      const chart = (await option(page, "history"))!;
      const dates = chart.xAxis![0].data!;
      expect(dates.length).toBeGreaterThanOrEqual(12);
      expect(chart.series).toHaveLength(api.length);
      api.forEach((s, i) => {
        const byDate = new Map(s.history.map((p) => [p.date, p.clientCount]));
        expect(chart.series[i].data).toEqual(dates.map((d) => byDate.get(d) ?? "-"));
      });
      // Non-trivial: a segment with clients now had clients at every month end of the year (the book's
      // snapshots place them), and some segment's size changes over the year.
      const now = dates.length - 1;
      for (const line of chart.series.filter((l) => n(l.data[now]) > 0)) {
        expect([line.name, line.data.filter((v) => !(n(v) > 0)).length]).toEqual([line.name, 0]);
      }
      expect(chart.series.some((s) => new Set(s.data.filter((v) => v !== "-")).size > 1)).toBe(true);
    });

    it("migration matrix: a heatmap cell per (from, to) pair of segmentMigration, some clients moving", async () => {
      expect(await panelState(page, "migration")).toEqual(expect.objectContaining({ state: "ready" }));
      const { body } = await server.gql<{
        segmentMigration: {
          fromSegment: { code: string } | null;
          toSegment: { code: string } | null;
          clientCount: number;
        }[];
      }>(
        analyst,
        `{ segmentMigration(from: "${FROM}", to: "${AS_OF}") { fromSegment { code } toSegment { code } clientCount } }`,
      );
      expect(body.errors ?? []).toEqual([]);
      const api = body.data!.segmentMigration;
      const chart = (await option(page, "migration"))!;
      const heat = chart.series.find((s) => s.type === "heatmap")!;
      const names = chart.xAxis![0].data!;
      const code = (label: string) => (label === "No segment" ? null : label.split(" ")[0]);
      const drawn = (heat.data as [number, number, number][])
        .map(([x, y, v]) => `${code(names[y])}→${code(names[x])}:${v}`)
        .sort();
      const expected = api
        .map((c) => `${c.fromSegment?.code ?? null}→${c.toSegment?.code ?? null}:${c.clientCount}`)
        .sort();
      expect(drawn).toEqual(expected);
      const moved = api.filter((c) => c.fromSegment?.code !== c.toSegment?.code).reduce((t, c) => t + c.clientCount, 0);
      expect(moved).toBeGreaterThan(0);
      // A year ago clients were in segments too, and most of those stayed in theirs.
      const stayed = api.filter((c) => c.fromSegment !== null && c.fromSegment.code === c.toSegment?.code);
      expect(stayed.reduce((t, c) => t + c.clientCount, 0)).toBeGreaterThan(moved / 2);
    });

    it("effect per segment: utilization, margin-call and default rates and NPS from segmentPerformance", async () => {
      expect(await panelState(page, "effect")).toEqual(expect.objectContaining({ state: "ready" }));
      const { body } = await server.gql<{
        segmentPerformance: {
          segment: { code: string } | null;
          utilization: string | null;
          marginCallRate: string | null;
          defaultRate: string | null;
          nps: string | null;
        }[];
      }>(
        analyst,
        `{ segmentPerformance(from: "${FROM}", to: "${AS_OF}") { segment { code } utilization marginCallRate defaultRate nps } }`,
      );
      expect(body.errors ?? []).toEqual([]);
      const api = body.data!.segmentPerformance;
      const chart = (await option(page, "effect"))!;
      const labels = chart.xAxis![0].data!;
      const row = (label: string) =>
        api.find((r) => (r.segment?.code ?? null) === (label === "No segment" ? null : label.split(" ")[0]))!;
      expect(labels).toHaveLength(api.length);
      expect(labels).toContain("No segment");
      const series = (name: string) => chart.series.find((s) => s.name === name)!.data;
      expect(series("Utilization %")).toEqual(labels.map((l) => pct(row(l).utilization)));
      expect(series("Margin-call rate %")).toEqual(labels.map((l) => pct(row(l).marginCallRate)));
      expect(series("Default rate %")).toEqual(labels.map((l) => pct(row(l).defaultRate)));
      expect(series("NPS")).toEqual(labels.map((l) => (row(l).nps === null ? "-" : Number(row(l).nps))));
      // The demo book makes every figure non-trivial: margin calls happen, NPS differs between segments.
      expect(series("Margin-call rate %").some((v) => typeof v === "number" && v > 0)).toBe(true);
      expect(new Set(series("NPS").filter((v) => v !== "-")).size).toBeGreaterThan(1);
      expect(await page.locator("#figures tbody tr").count()).toBe(api.length);
    });

    it("credit score: AUC and KS in the title, bad rate per rating from creditModelPerformance", async () => {
      expect(await panelState(page, "credit")).toEqual(expect.objectContaining({ state: "ready" }));
      const { body } = await server.gql<{
        creditModelPerformance: {
          auc: string | null;
          ks: string | null;
          ratings: { creditRating: string; badRate: string }[];
        };
      }>(
        analyst,
        `{ creditModelPerformance(cohortDate: "${COHORT}", horizonDays: ${HORIZON_DAYS}) { auc ks ratings { creditRating badRate } } }`,
      );
      expect(body.errors ?? []).toEqual([]);
      const api = body.data!.creditModelPerformance;
      const chart = (await option(page, "credit"))!;
      expect(chart.title![0].text).toBe(`AUC ${api.auc} · KS ${api.ks}`);
      const ratings = chart.xAxis![0].data!;
      const bad = chart.series.find((s) => s.name === "Bad rate %")!.data;
      expect(bad).toEqual(ratings.map((r) => pct(api.ratings.find((x) => x.creditRating === r)!.badRate)));
      expect(ratings.length).toBeGreaterThanOrEqual(3);
      // The demo book's score ranks: AUC well above a coin's 0.5.
      expect(Number(api.auc)).toBeGreaterThan(0.6);
      expect(Number(api.ks)).toBeGreaterThan(0);
    });

    it("open alerts by severity: a slice per severity with the alerts' totalCount", async () => {
      expect(await panelState(page, "alerts")).toEqual(expect.objectContaining({ state: "ready" }));
      const count = async (severity: string) =>
        (
          await server.gql<{ alerts: { totalCount: number } }>(
            analyst,
            `{ alerts(first: 1, filter: { openOnly: true, severities: [${severity}] }) { totalCount } }`,
          )
        ).body.data!.alerts.totalCount;
      const chart = (await option(page, "alerts"))!;
      const slices = Object.fromEntries(
        (chart.series[0].data as { name: string; value: number }[]).map((d) => [d.name, d.value]),
      );
      expect(slices).toEqual({
        CRITICAL: await count("CRITICAL"),
        WARNING: await count("WARNING"),
        INFO: await count("INFO"),
      });
      expect(slices.CRITICAL + slices.WARNING + slices.INFO).toBeGreaterThan(0);
    });
  });

  it("a VIEWER sees a clear 'not allowed' message (FORBIDDEN) and no chart", async () => {
    const { context, page, outside } = await offlinePage();
    await signIn(page, await server.token(Role.VIEWER, { sub: "dashboard-viewer" }));
    const message = page.locator("#notallowed");
    await message.waitFor({ state: "visible", timeout: 30_000 });
    expect(await message.textContent()).toMatch(/^Not allowed: dashboard-viewer \(VIEWER\).*FORBIDDEN/);
    expect(await page.locator("#panels").isHidden()).toBe(true);
    for (const id of PANELS) expect(await option(page, id)).toBeNull();
    expect(outside).toEqual([]);
    await context.close();
  }, 60_000);

  it("a token the API refuses is said so, and nothing is drawn", async () => {
    const { context, page } = await offlinePage();
    await signIn(page, "not-a-token");
    await page.locator("#status", { hasText: "UNAUTHENTICATED" }).waitFor({ timeout: 30_000 });
    expect(await page.locator("#panels").isHidden()).toBe(true);
    await context.close();
  }, 60_000);
});
