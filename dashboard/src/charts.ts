/**
 * The six charts as ECharts options built from the API's answers, and the one place ECharts is set up:
 * tree-shaken to the bar, line, heatmap and pie charts on a canvas, so the bundle carries only those.
 */
import { BarChart, HeatmapChart, LineChart, PieChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import { getInstanceByDom, init, use, type EChartsCoreOption } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { AlertsData, CreditData, HistoryData, MigrationData, PerformanceRow, SizesData } from "./queries";

use([
  BarChart,
  HeatmapChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export const NO_SEGMENT = "No segment";
const PALETTE = ["#2f6fde", "#22a06b", "#f29d38", "#8e5cd9", "#d64545", "#1ba3b5", "#b0823e", "#6b7a8f"];
const NONE_COLOR = "#9aa5b1";
const RATINGS = ["AAA", "AA", "A", "BBB", "BB", "B", "C"];

/** Draws (or redraws) the option on the element, replacing what was there. */
export function draw(el: HTMLElement, option: EChartsCoreOption): void {
  const chart = getInstanceByDom(el) ?? init(el, undefined, { renderer: "canvas" });
  chart.setOption({ animation: false, ...option }, { notMerge: true });
}

export function dispose(el: HTMLElement): void {
  getInstanceByDom(el)?.dispose();
}

export function resize(el: HTMLElement): void {
  getInstanceByDom(el)?.resize();
}

/** What a chart shows, as plain data (no formatter functions), for the tests and for anyone curious. */
export function optionOf(el: HTMLElement): unknown {
  const chart = getInstanceByDom(el);
  return chart ? JSON.parse(JSON.stringify(chart.getOption())) : null;
}

/** Segment codes in the order the API lists them, each with a colour every chart uses for it. */
export class SegmentColours {
  private readonly codes: string[] = [];

  constructor(codes: readonly string[]) {
    for (const c of codes) this.add(c);
  }

  add(code: string): void {
    if (!this.codes.includes(code)) this.codes.push(code);
  }

  colour(code: string | null): string {
    if (code === null) return NONE_COLOR;
    this.add(code);
    return PALETTE[this.codes.indexOf(code) % PALETTE.length];
  }

  order(code: string | null): number {
    return code === null ? Number.MAX_SAFE_INTEGER : this.codes.indexOf(code) < 0 ? 1e6 : this.codes.indexOf(code);
  }
}

const num = (v: string | null): number | "-" => (v === null ? "-" : Number(v));
const pct = (v: string | null): number | "-" => (v === null ? "-" : Math.round(Number(v) * 10000) / 100);
const millions = (v: string): number => Math.round(Number(v) / 10_000) / 100;
const label = (s: { code: string; name: string } | null): string => (s === null ? NO_SEGMENT : `${s.code} ${s.name}`);

const TOOLTIP_AXIS = { trigger: "axis", axisPointer: { type: "shadow" } };

export function sizesOption(data: SizesData, colours: SegmentColours): EChartsCoreOption {
  const segs = data.segments;
  return {
    tooltip: TOOLTIP_AXIS,
    legend: { top: 0 },
    grid: { left: 56, right: 64, top: 40, bottom: 40 },
    xAxis: { type: "category", data: segs.map((s) => label(s)), axisLabel: { interval: 0 } },
    yAxis: [
      { type: "value", name: "clients" },
      { type: "value", name: "¥ million", splitLine: { show: false } },
    ],
    series: [
      {
        name: "Clients",
        type: "bar",
        data: segs.map((s) => ({ value: s.stats.clientCount, itemStyle: { color: colours.colour(s.code) } })),
        label: { show: true, position: "top" },
      },
      {
        name: "Approved limit (¥ m)",
        type: "line",
        yAxisIndex: 1,
        data: segs.map((s) => millions(s.stats.totalApprovedLimit)),
        itemStyle: { color: "#3e4c59" },
      },
    ],
  };
}

export function historyOption(data: HistoryData, colours: SegmentColours): EChartsCoreOption {
  const dates = [...new Set(data.segments.flatMap((s) => s.history.map((p) => p.date)))].sort();
  return {
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll" },
    grid: { left: 56, right: 24, top: 40, bottom: 40 },
    xAxis: { type: "category", data: dates, boundaryGap: false },
    yAxis: { type: "value", name: "clients" },
    series: data.segments.map((s) => {
      const byDate = new Map(s.history.map((p) => [p.date, p.clientCount]));
      return {
        name: label(s),
        type: "line",
        showSymbol: true,
        itemStyle: { color: colours.colour(s.code) },
        data: dates.map((d) => byDate.get(d) ?? "-"),
      };
    }),
  };
}

export function migrationOption(data: MigrationData, colours: SegmentColours): EChartsCoreOption {
  const seen = new Map<string | null, string>();
  for (const c of data.segmentMigration) {
    seen.set(c.fromSegment?.code ?? null, label(c.fromSegment));
    seen.set(c.toSegment?.code ?? null, label(c.toSegment));
  }
  const codes = [...seen.keys()].sort((a, b) => colours.order(a) - colours.order(b));
  const names = codes.map((c) => seen.get(c)!);
  const cells = data.segmentMigration.map((c) => [
    codes.indexOf(c.toSegment?.code ?? null),
    codes.indexOf(c.fromSegment?.code ?? null),
    c.clientCount,
  ]);
  const max = Math.max(1, ...data.segmentMigration.map((c) => c.clientCount));
  return {
    tooltip: { position: "top" },
    grid: { left: 110, right: 24, top: 32, bottom: 96 },
    xAxis: {
      type: "category",
      data: names,
      name: "to",
      nameLocation: "middle",
      nameGap: 28,
      splitArea: { show: true },
    },
    yAxis: {
      type: "category",
      data: names,
      name: "from",
      nameLocation: "start",
      inverse: true,
      splitArea: { show: true },
    },
    visualMap: {
      min: 0,
      max,
      calculable: true,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      inRange: { color: ["#f0f4f8", "#9fb3c8", "#2f6fde", "#0b2e6b"] },
    },
    series: [
      {
        name: "Clients",
        type: "heatmap",
        data: cells,
        label: { show: true },
        emphasis: { itemStyle: { shadowBlur: 6, shadowColor: "rgba(0,0,0,0.4)" } },
      },
    ],
  };
}

/** Rows in the segments' order, the clients in no segment last. */
export function performanceRows(rows: PerformanceRow[], colours: SegmentColours): PerformanceRow[] {
  return [...rows].sort((a, b) => colours.order(a.segment?.code ?? null) - colours.order(b.segment?.code ?? null));
}

export function effectOption(rows: PerformanceRow[], colours: SegmentColours): EChartsCoreOption {
  const sorted = performanceRows(rows, colours);
  return {
    tooltip: TOOLTIP_AXIS,
    legend: { top: 0 },
    grid: { left: 56, right: 56, top: 48, bottom: 40 },
    xAxis: { type: "category", data: sorted.map((r) => label(r.segment)), axisLabel: { interval: 0 } },
    yAxis: [
      { type: "value", name: "%" },
      { type: "value", name: "NPS", min: -100, max: 100, splitLine: { show: false } },
    ],
    series: [
      {
        name: "Utilization %",
        type: "bar",
        data: sorted.map((r) => pct(r.utilization)),
        itemStyle: { color: "#2f6fde" },
      },
      {
        name: "Margin-call rate %",
        type: "bar",
        data: sorted.map((r) => pct(r.marginCallRate)),
        itemStyle: { color: "#f29d38" },
      },
      {
        name: "Default rate %",
        type: "bar",
        data: sorted.map((r) => pct(r.defaultRate)),
        itemStyle: { color: "#d64545" },
      },
      {
        name: "NPS",
        type: "line",
        yAxisIndex: 1,
        data: sorted.map((r) => num(r.nps)),
        itemStyle: { color: "#22a06b" },
        symbolSize: 9,
        label: { show: true, position: "top" },
      },
    ],
  };
}

export function creditOption(data: CreditData): EChartsCoreOption {
  const m = data.creditModelPerformance;
  const ratings = [...m.ratings].sort((a, b) => RATINGS.indexOf(a.creditRating) - RATINGS.indexOf(b.creditRating));
  return {
    title: {
      text: `AUC ${m.auc ?? "—"} · KS ${m.ks ?? "—"}`,
      subtext: `cohort ${m.cohortDate}, ${m.horizonDays} days: ${m.clients} clients, ${m.bads} went bad`,
      left: "center",
      top: 0,
    },
    tooltip: TOOLTIP_AXIS,
    legend: { bottom: 0 },
    grid: { left: 56, right: 56, top: 72, bottom: 56 },
    xAxis: { type: "category", data: ratings.map((r) => r.creditRating), name: "rating" },
    yAxis: [
      { type: "value", name: "bad rate %" },
      { type: "value", name: "clients", splitLine: { show: false } },
    ],
    series: [
      {
        name: "Bad rate %",
        type: "bar",
        data: ratings.map((r) => pct(r.badRate)),
        itemStyle: { color: "#d64545" },
        label: { show: true, position: "top" },
      },
      {
        name: "Clients",
        type: "line",
        yAxisIndex: 1,
        data: ratings.map((r) => r.clients),
        itemStyle: { color: "#3e4c59" },
      },
    ],
  };
}

export function alertsOption(data: AlertsData): EChartsCoreOption {
  const total = data.info.totalCount + data.warning.totalCount + data.critical.totalCount;
  return {
    title: { text: `${total} open`, left: "center", top: "center" },
    tooltip: { trigger: "item" },
    legend: { bottom: 0 },
    series: [
      {
        name: "Open alerts",
        type: "pie",
        radius: ["42%", "70%"],
        label: { show: true, formatter: "{b}: {c}" },
        data: [
          { name: "CRITICAL", value: data.critical.totalCount, itemStyle: { color: "#d64545" } },
          { name: "WARNING", value: data.warning.totalCount, itemStyle: { color: "#f29d38" } },
          { name: "INFO", value: data.info.totalCount, itemStyle: { color: "#2f6fde" } },
        ],
      },
    ],
  };
}
