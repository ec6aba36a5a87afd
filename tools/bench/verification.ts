import { isDeepStrictEqual } from "node:util";
import type { Child } from "./processes";
import { log } from "./settings";
import { body, type GqlWorkload } from "./workloads";

/** Verification: the API and the floor answer the same JSON, or the comparison means nothing. */
export async function post(
  port: number,
  token: string,
  payload: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: payload,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function firstDifference(a: unknown, b: unknown, at = "data"): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (
    typeof a !== "object" ||
    typeof b !== "object" ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return `${at}: api ${JSON.stringify(a)?.slice(0, 200)} ≠ floor ${JSON.stringify(b)?.slice(0, 200)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      Array.isArray(a) ? `${at}[${k}]` : `${at}.${k}`,
    );
    if (d !== null) return d;
  }
  return `${at}: differs`;
}

export interface Verification {
  workload: string;
  variables: Record<string, unknown>;
  equal: boolean;
  difference: string | null;
}

export async function verify(
  api: Child,
  floor: Child,
  token: string,
  workload: GqlWorkload,
  variables: Record<string, unknown>,
): Promise<{ check: Verification; data: unknown }> {
  const payload = body(workload, variables);
  const [a, f] = await Promise.all([post(api.port, token, payload), post(floor.port, token, payload)]);
  let difference: string | null = null;
  if (a.status !== 200 || a.json.errors !== undefined)
    difference = `api answered ${a.status}: ${JSON.stringify(a.json.errors ?? a.json).slice(0, 300)}`;
  else if (f.status !== 200 || f.json.errors !== undefined)
    difference = `floor answered ${f.status}: ${JSON.stringify(f.json.errors ?? f.json).slice(0, 300)}`;
  else difference = firstDifference(a.json.data, f.json.data);
  if (difference !== null)
    log(`WARNING: ${workload} ${JSON.stringify(variables)}: API and floor differ — ${difference}`);
  return { check: { workload, variables, equal: difference === null, difference }, data: a.json.data };
}
