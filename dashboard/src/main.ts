import "./style.css";
import { QueryFailed, hasToken, query, setToken } from "./api";
import {
  SegmentColours,
  alertsOption,
  creditOption,
  dispose,
  draw,
  effectOption,
  historyOption,
  migrationOption,
  optionOf,
  performanceRows,
  resize,
  sizesOption,
  NO_SEGMENT,
} from "./charts";
import { addMonths, daysBetween, isDate, monthEndBefore, todayInShanghai } from "./dates";
import {
  ALERTS,
  CREDIT,
  HISTORY,
  MIGRATION,
  PERFORMANCE,
  SIZES,
  VIEWER,
  type AlertsData,
  type CreditData,
  type HistoryData,
  type MigrationData,
  type PerformanceData,
  type PerformanceRow,
  type SizesData,
  type ViewerData,
} from "./queries";

/**
 * The tracking dashboard (SPEC §13): a token typed on the page, kept in memory (api.ts), and one
 * request per chart. A FORBIDDEN answer means the token's roles may not read the figures: the charts
 * go away and a "not allowed" message says so.
 */
const PANELS = ["sizes", "history", "migration", "effect", "credit", "alerts"] as const;
type PanelId = (typeof PANELS)[number];
type State = "idle" | "loading" | "ready" | "empty" | "error";

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>("signin");
const tokenInput = $<HTMLInputElement>("token");
const asOfInput = $<HTMLInputElement>("asof");
const cohortInput = $<HTMLInputElement>("cohort");
const monthsInput = $<HTMLSelectElement>("months");
const forget = $<HTMLButtonElement>("forget");
const status = $<HTMLParagraphElement>("status");
const notAllowed = $<HTMLDivElement>("notallowed");
const panels = $<HTMLElement>("panels");
const figures = $<HTMLTableElement>("figures");
const figuresPanel = $<HTMLElement>("panel-figures");

const panel = (id: PanelId) => $<HTMLElement>(`panel-${id}`);
const chartEl = (id: PanelId) => $<HTMLDivElement>(`chart-${id}`);

function setState(id: PanelId, state: State, note = ""): void {
  panel(id).dataset.state = state;
  panel(id).querySelector(".note")!.textContent = note;
}

/** For the browser test (and the curious): each panel's state and the option its chart draws. */
declare global {
  interface Window {
    dashboard: { panels: readonly string[]; state(id: PanelId): string | undefined; option(id: PanelId): unknown };
  }
}
window.dashboard = {
  panels: PANELS,
  state: (id) => panel(id).dataset.state,
  option: (id) => optionOf(chartEl(id)),
};

/**
 * The score's cohort defaults to the month end three months before the as-of date: late enough for the
 * portraits of that date to exist, early enough for outcomes (margin calls, liquidations) to show by
 * the as-of date, which ends the horizon.
 */
const COHORT_MONTHS_BACK = 3;
asOfInput.value = todayInShanghai();
cohortInput.value = monthEndBefore(asOfInput.value, COHORT_MONTHS_BACK);
asOfInput.addEventListener("change", () => {
  if (isDate(asOfInput.value)) cohortInput.value = monthEndBefore(asOfInput.value, COHORT_MONTHS_BACK);
});
let run = 0;

function explain(err: unknown): { code: string; text: string } {
  if (err instanceof QueryFailed) {
    if (err.code === "GRAPHQL_VALIDATION_FAILED") {
      return { code: err.code, text: `Not served by this API yet (${err.code}): ${err.message}` };
    }
    return { code: err.code, text: `${err.code}: ${err.message}` };
  }
  return { code: "NETWORK", text: `The API could not be reached: ${String(err)}` };
}

function showNotAllowed(viewer: ViewerData["viewer"] | null): void {
  for (const id of PANELS) dispose(chartEl(id));
  panels.hidden = true;
  notAllowed.hidden = false;
  const who = viewer ? `${viewer.subject} (${viewer.roles.join(", ") || "no role"})` : "This token";
  notAllowed.textContent =
    `Not allowed: ${who} may not read the tracking figures — the API answered FORBIDDEN. ` +
    "The dashboard is for ANALYST, RISK_OFFICER, COMPLIANCE and ADMIN tokens.";
}

function signedOut(message: string): void {
  setToken(null);
  forget.hidden = true;
  for (const id of PANELS) dispose(chartEl(id));
  panels.hidden = true;
  notAllowed.hidden = true;
  status.textContent = message;
}

/** What a panel shows once drawn: "empty" when the answer had nothing to draw, and a line under the chart. */
interface Drawn {
  state: "ready" | "empty";
  note: string;
}
const ready = (note = ""): Drawn => ({ state: "ready", note });
const empty = (note: string): Drawn => ({ state: "empty", note });

/** Runs one panel's request and draws it; FORBIDDEN is passed up, anything else shows on the panel. */
async function load<T>(
  id: PanelId,
  current: number,
  fetchData: () => Promise<T>,
  render: (data: T) => Drawn,
): Promise<void> {
  setState(id, "loading", "Loading…");
  try {
    const data = await fetchData();
    if (current !== run) return;
    const drawn = render(data);
    setState(id, drawn.state, drawn.note);
  } catch (err) {
    if (current !== run) return;
    const { code, text } = explain(err);
    if (code === "FORBIDDEN") throw err;
    dispose(chartEl(id));
    setState(id, "error", text);
  }
}

function fmtPct(v: string | null): string {
  return v === null ? "—" : `${(Number(v) * 100).toFixed(2)}%`;
}

function fmtMoney(v: string): string {
  return `¥${Number(v).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function fillFigures(rows: PerformanceRow[]): void {
  const head = [
    "Segment",
    "Clients",
    "In force",
    "Opened",
    "Utilization",
    "Margin-call rate",
    "Default rate",
    "Interest income",
    "Responses",
    "NPS",
  ];
  figures.replaceChildren();
  const tr = figures.createTHead().insertRow();
  for (const h of head) tr.appendChild(document.createElement("th")).textContent = h;
  const body = figures.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    const cells = [
      r.segment ? `${r.segment.code} ${r.segment.name}` : NO_SEGMENT,
      String(r.clientCount),
      String(r.facilitiesInForce),
      String(r.facilitiesOpened),
      fmtPct(r.utilization),
      fmtPct(r.marginCallRate),
      fmtPct(r.defaultRate),
      fmtMoney(r.interestIncome),
      String(r.satisfactionResponses),
      r.nps ?? "—",
    ];
    for (const c of cells) row.insertCell().textContent = c;
  }
}

async function show(): Promise<void> {
  const current = ++run;
  const asOf = asOfInput.value;
  if (!isDate(asOf)) {
    status.textContent = "Pick an as-of date.";
    return;
  }
  const from = addMonths(asOf, -Number(monthsInput.value));
  const cohort = cohortInput.value;
  if (!isDate(cohort) || cohort >= asOf) {
    status.textContent = "Pick a score cohort date before the as-of date.";
    return;
  }
  notAllowed.hidden = true;
  status.textContent = "Checking the token…";

  let viewer: ViewerData["viewer"];
  try {
    viewer = (await query<ViewerData>(VIEWER)).viewer;
  } catch (err) {
    if (current !== run) return;
    const { code, text } = explain(err);
    if (code === "UNAUTHENTICATED") {
      signedOut(`The API refused the token (UNAUTHENTICATED): it is missing, expired or not valid. Paste a new one.`);
    } else status.textContent = text;
    return;
  }
  if (current !== run) return;
  status.textContent = `Signed in as ${viewer.subject} (${viewer.roles.join(", ")}) · ${from} → ${asOf} · score cohort ${cohort}`;

  // The segment list first: it orders and colours every chart, and a FORBIDDEN here ends the visit.
  let sizes: SizesData;
  try {
    sizes = await query<SizesData>(SIZES);
  } catch (err) {
    if (current !== run) return;
    if (err instanceof QueryFailed && err.code === "FORBIDDEN") showNotAllowed(viewer);
    else status.textContent = explain(err).text;
    return;
  }
  if (current !== run) return;
  const colours = new SegmentColours(sizes.segments.map((s) => s.code));
  panels.hidden = false;
  figures.replaceChildren();
  figuresPanel.hidden = true;

  const loads = [
    load(
      "sizes",
      current,
      async () => sizes,
      (d) => {
        draw(chartEl("sizes"), sizesOption(d, colours));
        const total = d.segments.reduce((n, s) => n + s.stats.clientCount, 0);
        const at = d.segments[0]?.stats.computedAt;
        return d.segments.length === 0
          ? empty("No active segment.")
          : ready(`${total} clients in an active segment${at ? `, computed ${at}` : ""}.`);
      },
    ),
    load(
      "history",
      current,
      () => query<HistoryData>(HISTORY, { from, to: asOf }),
      (d) => {
        draw(chartEl("history"), historyOption(d, colours));
        const points = d.segments.reduce((n, s) => n + s.history.length, 0);
        return points === 0 ? empty(`No segment snapshot between ${from} and ${asOf}.`) : ready();
      },
    ),
    load(
      "migration",
      current,
      () => query<MigrationData>(MIGRATION, { from, to: asOf }),
      (d) => {
        draw(chartEl("migration"), migrationOption(d, colours));
        const moved = d.segmentMigration
          .filter((c) => (c.fromSegment?.code ?? null) !== (c.toSegment?.code ?? null))
          .reduce((n, c) => n + c.clientCount, 0);
        return d.segmentMigration.length === 0
          ? empty(`No segment snapshot on or before ${from} and ${asOf}.`)
          : ready(`${moved} clients changed segment between ${from} and ${asOf}.`);
      },
    ),
    load(
      "effect",
      current,
      () => query<PerformanceData>(PERFORMANCE, { from, to: asOf }),
      (d) => {
        const rows = performanceRows(d.segmentPerformance, colours);
        draw(chartEl("effect"), effectOption(rows, colours));
        fillFigures(rows);
        figuresPanel.hidden = rows.length === 0;
        return rows.length === 0 ? empty("No figures for this window.") : ready();
      },
    ),
    load(
      "credit",
      current,
      () => query<CreditData>(CREDIT, { cohortDate: cohort, horizonDays: daysBetween(cohort, asOf) }),
      (d) => {
        draw(chartEl("credit"), creditOption(d));
        const m = d.creditModelPerformance;
        return m.clients === 0
          ? empty(`No client with an open facility and a portrait on ${cohort}.`)
          : ready(`Bad: a margin call or a liquidation within ${m.horizonDays} days of ${m.cohortDate}.`);
      },
    ),
    load(
      "alerts",
      current,
      () => query<AlertsData>(ALERTS),
      (d) => {
        draw(chartEl("alerts"), alertsOption(d));
        const total = d.info.totalCount + d.warning.totalCount + d.critical.totalCount;
        return total === 0 ? empty("No open alert.") : ready();
      },
    ),
  ];
  const outcomes = await Promise.allSettled(loads);
  if (current !== run) return;
  if (outcomes.some((o) => o.status === "rejected")) showNotAllowed(viewer);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (tokenInput.value.trim() !== "") setToken(tokenInput.value);
  // The field is emptied once read: the token now lives in api.ts's variable only.
  tokenInput.value = "";
  if (!hasToken()) {
    status.textContent = "Paste a token first (npm run token -- --role ANALYST --sub you).";
    return;
  }
  forget.hidden = false;
  void show();
});

forget.addEventListener("click", () => {
  run += 1;
  signedOut("Token forgotten. Paste one to see the dashboard again.");
});

window.addEventListener("resize", () => {
  for (const id of PANELS) resize(chartEl(id));
});
