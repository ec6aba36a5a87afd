import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../root";

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
  const selfUs = new Map<string, number>();
  const inclusiveUs = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const n = byNode.get(id);
    if (n === undefined || ["(idle)", "(program)"].includes(n.callFrame.functionName)) return;
    busy += dt;
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
  };
}
