import type { DataSource, EntityManager } from "typeorm";

const queues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs fn in a transaction. better-sqlite3 has one connection per database: two transactions begun
 * at once on it would nest and fail, so on SQLite they queue behind each other. MySQL transactions
 * each take a pooled connection and run side by side (the database arbitrates with row locks).
 */
export function inTransaction<T>(ds: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (ds.options.type !== "better-sqlite3") return ds.transaction(fn);
  const previous = queues.get(ds) ?? Promise.resolve();
  const run = previous.then(() => ds.transaction(fn));
  queues.set(
    ds,
    run.then(
      () => undefined,
      () => undefined,
    ),
  );
  return run;
}
