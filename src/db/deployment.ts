import { randomUUID } from "node:crypto";
import path from "node:path";
import type { DataSource } from "typeorm";

const inMemory = new WeakMap<DataSource, string>();

/**
 * What names one deployment in a store its instances share with others (Redis channels and keys): the
 * database its instances write to (host, port and name for a server, the file's absolute path for
 * SQLite), never the credentials. Instances of one deployment agree on it; two deployments sharing a
 * Redis differ. An in-memory SQLite database is its data source's alone, and so is its name.
 */
export function deploymentName(ds: DataSource): string {
  const o = ds.options as { url?: unknown; database?: unknown };
  if (typeof o.url === "string") {
    try {
      const u = new URL(o.url);
      return `${u.host}${u.pathname}`;
    } catch {
      return "unparsed";
    }
  }
  const database = String(o.database ?? "");
  if (database !== "" && database !== ":memory:") return path.resolve(database);
  let name = inMemory.get(ds);
  if (name === undefined) {
    name = `memory-${randomUUID()}`;
    inMemory.set(ds, name);
  }
  return name;
}
