import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../root";

/** Where a request's CPU goes, by phase (issue 17's closing-note split). */
export const PHASES = [
  "parse/validate (graphql)",
  "execute: GraphQL machinery (graphql-jit, graphql, type-graphql, dataloader, Apollo)",
  "SQL driver (mysql2: protocol, rows)",
  "SQL → entities (TypeORM)",
  "plan (resolvers/planned: the selection read, nodes built)",
  "fits (services/matching, services/fit, decimal.js there)",
  "app code (resolvers, loaders, presenters, repositories; the floor's reads)",
  "sealed personal data (open: AES-GCM)",
  "async context (async_hooks, AsyncLocalStorage)",
  "serialise (JSON.stringify of the response)",
  "HTTP and node core",
  "other libraries and native",
  "GC",
] as const;
export type Phase = (typeof PHASES)[number];

function phaseOf(url: string, name: string): Phase | null {
  if (name === "(garbage collector)") return "GC";
  if (name === "prettyJSONStringify" || (name === "send" && /floor\/server\.js/.test(url)))
    return "serialise (JSON.stringify of the response)";
  if (url === "") return name === "stringify" ? "serialise (JSON.stringify of the response)" : null;
  if (/node_modules\/decimal\.js\//.test(url)) return null;
  if (/node_modules\/graphql\/(language|validation)\//.test(url)) return "parse/validate (graphql)";
  if (/node_modules\/(graphql-jit|graphql|type-graphql|dataloader|@apollo|@graphql-tools)\//.test(url))
    return "execute: GraphQL machinery (graphql-jit, graphql, type-graphql, dataloader, Apollo)";
  if (/node_modules\/mysql2\//.test(url)) return "SQL driver (mysql2: protocol, rows)";
  if (/node_modules\/typeorm\//.test(url)) return "SQL → entities (TypeORM)";
  if (/\/src\/resolvers\/planned\//.test(url)) return "plan (resolvers/planned: the selection read, nodes built)";
  if (/\/services\/(matching|fit)\//.test(url)) return "fits (services/matching, services/fit, decimal.js there)";
  if (/\/src\/crypto\//.test(url) || url.startsWith("node:internal/crypto"))
    return "sealed personal data (open: AES-GCM)";
  if (/^node:(internal\/)?async_hooks/.test(url) || /^node:internal\/async_local_storage/.test(url))
    return "async context (async_hooks, AsyncLocalStorage)";
  if (/dist(-tools)?\/(src|tools)\//.test(url))
    return "app code (resolvers, loaders, presenters, repositories; the floor's reads)";
  if (url.startsWith("node:")) return "HTTP and node core";
  return "other libraries and native";
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/**
 * Self time by function and by package, and inclusive time of the app's own functions (dist/src),
 * over the busy samples (idle and "(program)" left out).
 */
export function summariseProfile(file: string, top = 20) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const keyOf = (n: ProfileNode) => {
    const f = n.callFrame;
    const name = f.functionName === "" ? "(anonymous)" : f.functionName;
    const where =
      f.url === "" ? "" : ` ${f.url.replace(`file://${ROOT}/`, "").replace(`${ROOT}/`, "")}:${f.lineNumber + 1}`;
    return `${name}${where}`;
  };
  // A sample's phase: its own frame's, or, for builtins and decimal.js, the nearest caller's that has one.
  const phaseMemo = new Map<number, Phase>();
  const phaseOfNode = (id: number): Phase => {
    const known = phaseMemo.get(id);
    if (known !== undefined) return known;
    const n = byNode.get(id)!;
    const own = phaseOf(n.callFrame.url, n.callFrame.functionName);
    const parent = parentOf.get(id);
    const phase = own ?? (parent === undefined ? "other libraries and native" : phaseOfNode(parent));
    phaseMemo.set(id, phase);
    return phase;
  };
  const phaseUs = new Map<Phase, number>();
  const selfUs = new Map<string, number>();
  const inclusiveUs = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const n = byNode.get(id);
    if (n === undefined || ["(idle)", "(program)"].includes(n.callFrame.functionName)) return;
    busy += dt;
    const phase = phaseOfNode(id);
    phaseUs.set(phase, (phaseUs.get(phase) ?? 0) + dt);
    const key = keyOf(n);
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
      const k = keyOf(byNode.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusiveUs.set(k, (inclusiveUs.get(k) ?? 0) + dt);
    }
  });
  const byPackage = new Map<string, number>();
  for (const [k, v] of selfUs) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(k);
    const pkg = m
      ? m[1]
      : k.includes("dist/src/")
        ? "(app: dist/src)"
        : k.includes(" node:")
          ? "(node core)"
          : k.startsWith("(")
            ? k
            : "(native)";
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + v);
  }
  const rank = (m: Map<string, number>, n: number, keep: (k: string) => boolean = () => true) =>
    [...m]
      .filter(([k]) => keep(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, percentOfBusy: (us / Math.max(busy, 1)) * 100 }));
  return {
    file: path.relative(ROOT, file),
    busyMs: busy / 1000,
    selfTime: rank(selfUs, top),
    selfTimeByPackage: rank(byPackage, 12),
    appInclusive: rank(inclusiveUs, top, (k) => k.includes("dist/src/") && !k.includes("dist/src/cli/")),
    /** Share of the busy samples by phase (0–1). */
    phases: Object.fromEntries(PHASES.map((p) => [p, (phaseUs.get(p) ?? 0) / Math.max(busy, 1)])) as Record<
      Phase,
      number
    >,
  };
}

interface HeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapProfileNode[];
}

/**
 * Where the bytes were allocated, from a sampling heap profile that kept the samples of collected
 * objects (profiler.ts): each node's selfSize is V8's estimate of the bytes its frame allocated. A
 * sample's phase is its frame's, or the nearest caller's that has one, as for CPU samples.
 */
export function summariseAllocation(file: string, top = 12) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as { head: HeapProfileNode };
  const phaseBytes = new Map<Phase, number>();
  const selfBytes = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapProfileNode, inherited: Phase): void => {
    const f = node.callFrame;
    const phase = phaseOf(f.url, f.functionName) ?? inherited;
    if (node.selfSize > 0) {
      total += node.selfSize;
      phaseBytes.set(phase, (phaseBytes.get(phase) ?? 0) + node.selfSize);
      const where =
        f.url === "" ? "" : ` ${f.url.replace(`file://${ROOT}/`, "").replace(`${ROOT}/`, "")}:${f.lineNumber + 1}`;
      const key = `${f.functionName === "" ? "(anonymous)" : f.functionName}${where}`;
      selfBytes.set(key, (selfBytes.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, phase);
  };
  walk(profile.head, "other libraries and native");
  return {
    file: path.relative(ROOT, file),
    /** Share of the allocated bytes by phase (0–1). */
    phases: Object.fromEntries(PHASES.map((p) => [p, (phaseBytes.get(p) ?? 0) / Math.max(total, 1)])) as Record<
      Phase,
      number
    >,
    topFunctions: [...selfBytes]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => ({ name, percentOfBytes: (bytes / Math.max(total, 1)) * 100 })),
  };
}
