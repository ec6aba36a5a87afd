import type { DataSource } from "typeorm";
import { conflict } from "./versioned";

const jobQueues = new WeakMap<DataSource, Map<string, Promise<unknown>>>();

/**
 * Batch jobs (maturities, review scheduling) run one at a time per job name. On MySQL a named lock
 * is held on a connection of the job's own for the whole run, while the job commits its work in
 * batches (each its own transaction, with its own audit entry: SPEC §10); a second run waits, then
 * finds nothing left to do. MySQL's named locks are the server's, not a database's: the name carries
 * the database's (hashed, within the 64 characters a name may have), so deployments sharing a server
 * never wait for each other's jobs. On SQLite the runs of a name queue in this process.
 */
export async function withJobLock<T>(ds: DataSource, name: string, fn: () => Promise<T>): Promise<T> {
  if (ds.options.type === "better-sqlite3") {
    const perSource = jobQueues.get(ds) ?? new Map<string, Promise<unknown>>();
    jobQueues.set(ds, perSource);
    const run = (perSource.get(name) ?? Promise.resolve()).then(fn);
    perSource.set(
      name,
      run.then(
        () => undefined,
        () => undefined,
      ),
    );
    return run;
  }
  const runner = ds.createQueryRunner("master");
  await runner.connect();
  try {
    const lock = `CONCAT('margin:', ?, ':', LEFT(SHA1(DATABASE()), 16))`;
    const key = name.slice(0, 32);
    const rows = (await runner.query(`SELECT GET_LOCK(${lock}, 60) AS got`, [key])) as { got: unknown }[];
    if (Number(rows[0]?.got) !== 1) throw conflict();
    try {
      return await fn();
    } finally {
      await runner.query(`SELECT RELEASE_LOCK(${lock})`, [key]);
    }
  } finally {
    await runner.release();
  }
}
