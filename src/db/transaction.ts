import { AsyncLocalStorage } from "node:async_hooks";
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { ServiceUnavailableError } from "../errors";
import { cancellable } from "./cancellation";

const queues = new WeakMap<DataSource, Promise<unknown>>();

/** The request transaction every inTransaction of its data source joins, while one is running. */
interface Ambient {
  ds: DataSource;
  manager: EntityManager;
  /** A deadlock or lock timeout met inside: the request transaction must be rolled back and rerun. */
  doomed: unknown;
}
const ambient = new AsyncLocalStorage<Ambient>();

/**
 * What a transaction asked to announce once it commits (SPEC §12 live events): per transaction
 * manager while it runs; handed to the data source's commit listeners after COMMIT, dropped on
 * ROLLBACK, so nothing is announced of a change that did not happen.
 */
const announcements = new WeakMap<EntityManager, unknown[]>();
const commitListeners = new WeakMap<DataSource, Set<(items: readonly unknown[]) => void>>();

/**
 * Rows a top-level transaction inserts right before its COMMIT (insertBeforeCommit), in the order they
 * were given: the outbox rows of a request's several changes go in one INSERT instead of one each.
 */
const deferredInserts = new WeakMap<EntityManager, { target: EntityTarget<ObjectLiteral>; row: ObjectLiteral }[]>();

/**
 * Queues `rows` of `target` to be inserted by the transaction of `manager` right before it commits,
 * in order, with the rest of its queued rows (one INSERT per table and 1,000 rows). Returns false when
 * `manager` is not a top-level transaction's that takes them (the caller then inserts them itself).
 * Rows queued in a savepoint that rolls back are dropped with it; a rolled-back transaction inserts none.
 */
export function insertBeforeCommit(
  manager: EntityManager,
  target: EntityTarget<ObjectLiteral>,
  rows: readonly ObjectLiteral[],
): boolean {
  const queued = deferredInserts.get(manager);
  if (queued === undefined) return false;
  for (const row of rows) queued.push({ target, row });
  return true;
}

/** Rows per INSERT: 1,000 outbox rows are 7,000 parameters, within SQLite's 32,766 and MySQL's 65,535. */
const ROWS_PER_INSERT = 1000;

/** Inserts `rows` of `target` at once, in order, ROWS_PER_INSERT to a statement. */
export async function insertChunked(
  manager: EntityManager,
  target: EntityTarget<ObjectLiteral>,
  rows: readonly ObjectLiteral[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await manager.insert(target, rows.slice(i, i + ROWS_PER_INSERT));
  }
}

async function insertQueued(manager: EntityManager): Promise<void> {
  const queued = deferredInserts.get(manager);
  deferredInserts.delete(manager);
  if (queued === undefined) return;
  for (let i = 0; i < queued.length;) {
    const target = queued[i].target;
    let end = i;
    while (end < queued.length && queued[end].target === target) end += 1;
    await insertChunked(
      manager,
      target,
      queued.slice(i, end).map((q) => q.row),
    );
    i = end;
  }
}

/** Listens to what committed transactions of `ds` announced (afterCommit); returns the unsubscribe. */
export function onCommitted(ds: DataSource, listener: (items: readonly unknown[]) => void): () => void {
  const set = commitListeners.get(ds) ?? new Set();
  commitListeners.set(ds, set);
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * Announces `items` to the commit listeners once the transaction of `manager` commits (not at all if
 * it rolls back, nor those of a savepoint rolled back). Outside a transaction: at once.
 */
export function afterCommit(manager: EntityManager, items: readonly unknown[]): void {
  const pending = announcements.get(manager);
  if (pending !== undefined) pending.push(...items);
  else announce(manager.connection, items);
}

function announce(ds: DataSource, items: readonly unknown[]): void {
  if (items.length === 0) return;
  for (const listener of commitListeners.get(ds) ?? []) {
    // A listener's failure is its own: the transaction has committed whatever it does.
    try {
      listener(items);
    } catch {
      /* the listener logs its own failures */
    }
  }
}

/**
 * Runs a whole request in one transaction (SPEC §10 retries): every inTransaction of `ds` that `run`
 * starts joins it as a savepoint, and `finish` writes in the same transaction before it commits — the
 * stored answer of an Idempotency-Key request commits with the change it answers, or neither does.
 * A deadlock or lock timeout anywhere inside rolls the whole back and runs it again (bounded, like
 * inTransaction), so `run` must be safe to run again from the start.
 */
export async function inRequestTransaction<T>(
  ds: DataSource,
  run: () => Promise<T>,
  finish: (manager: EntityManager, result: T) => Promise<void>,
): Promise<T> {
  return topLevel(ds, async (manager) => {
    const store: Ambient = { ds, manager, doomed: null };
    const result = await ambient.run(store, run);
    if (store.doomed !== null) throw store.doomed;
    await finish(manager, result);
    return result;
  });
}

/** Why the database asked for a transaction to be run again. */
export type RetryReason = "deadlock" | "lock_timeout";

/** Told of every retry and of every transaction that still failed after the last one (SPEC §10). */
export interface TransactionObserver {
  retried(reason: RetryReason, attempt: number): void;
  exhausted(reason: RetryReason): void;
}

const observers = new WeakMap<DataSource, Set<TransactionObserver>>();

/** Subscribes to a data source's transaction retries (metrics, logs); returns the unsubscribe. */
export function observeTransactions(ds: DataSource, observer: TransactionObserver): () => void {
  const set = observers.get(ds) ?? new Set<TransactionObserver>();
  observers.set(ds, set);
  set.add(observer);
  return () => set.delete(observer);
}

/** Retries after the first attempt (SPEC §10: up to 3, with jitter). */
export const MAX_TRANSACTION_RETRIES = 3;

/** The MySQL/MariaDB errors that roll the transaction back and ask for it to be run again. */
export function retryReason(err: unknown): RetryReason | null {
  const e = err as { errno?: unknown; code?: unknown; driverError?: { errno?: unknown; code?: unknown } } | null;
  const errno = e?.driverError?.errno ?? e?.errno;
  const code = e?.driverError?.code ?? e?.code;
  if (errno === 1213 || code === "ER_LOCK_DEADLOCK") return "deadlock";
  if (errno === 1205 || code === "ER_LOCK_WAIT_TIMEOUT") return "lock_timeout";
  return null;
}

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt + Math.floor(Math.random() * 40)));

/**
 * Runs fn in a transaction: the one place write transactions start (SPEC §10).
 *
 * MySQL: READ COMMITTED, so every statement, and above all every read after a lock wait, sees what
 * was committed before it rather than a snapshot taken before the wait; and no gap locks on searches
 * that find nothing, which made concurrent inserts of unrelated clients deadlock. Deadlocks and lock
 * timeouts roll back and run fn again, up to MAX_TRANSACTION_RETRIES times with jitter; fn must keep
 * its state inside the transaction. Past the last retry the caller gets SERVICE_UNAVAILABLE, never
 * an internal error.
 *
 * SQLite: better-sqlite3 has one connection per database; two transactions begun at once on it would
 * nest and fail, so they queue behind each other (serialised, hence neither deadlocks nor retries).
 */
export async function inTransaction<T>(ds: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  const outer = ambient.getStore();
  if (outer !== undefined && outer.ds === ds) {
    // Inside a request transaction (an Idempotency-Key request): a savepoint of it, so a refusal
    // still undoes this part only; a deadlock dooms the whole request, which is run again as a whole.
    const pending = announcements.get(outer.manager);
    const mark = pending?.length ?? 0;
    const queued = deferredInserts.get(outer.manager);
    const queuedMark = queued?.length ?? 0;
    try {
      return await outer.manager.transaction(fn);
    } catch (err) {
      if (retryReason(err) !== null) outer.doomed = err;
      // The savepoint rolled back: what it announced did not happen, what it queued is not inserted.
      pending?.splice(mark);
      queued?.splice(queuedMark);
      throw err;
    }
  }
  return topLevel(ds, (manager) => fn(manager));
}

/**
 * One top-level transaction: queued on SQLite; READ COMMITTED with bounded retries on MySQL; under the
 * request's cancellation either way (SPEC §10 deadline: killed when it fires, never committed after).
 */
async function topLevel<T>(ds: DataSource, body: (manager: EntityManager) => Promise<T>): Promise<T> {
  let pending: unknown[] = [];
  const fn = (manager: EntityManager) => {
    // Each attempt starts with nothing to announce; only the one that commits is announced.
    pending = [];
    announcements.set(manager, pending);
    deferredInserts.set(manager, []);
    return cancellable(manager, async (m) => {
      const result = await body(m);
      await insertQueued(m);
      return result;
    });
  };
  const committed = (result: T) => {
    announce(ds, pending);
    return result;
  };
  if (ds.options.type === "better-sqlite3") {
    const previous = queues.get(ds) ?? Promise.resolve();
    const run = previous.then(() => ds.transaction(fn)).then(committed);
    queues.set(
      ds,
      run.then(
        () => undefined,
        () => undefined,
      ),
    );
    return run;
  }
  for (let attempt = 0; ; attempt += 1) {
    try {
      return committed(await ds.transaction("READ COMMITTED", fn));
    } catch (err) {
      const reason = retryReason(err);
      if (reason === null) throw err;
      const watchers = observers.get(ds) ?? new Set<TransactionObserver>();
      if (attempt >= MAX_TRANSACTION_RETRIES) {
        for (const o of watchers) o.exhausted(reason);
        throw new ServiceUnavailableError("The records are busy with other changes; try again shortly");
      }
      for (const o of watchers) o.retried(reason, attempt + 1);
      await pause(attempt);
    }
  }
}

/**
 * One write statement on its own, never inside another request's transaction: inside this request's
 * transaction (an Idempotency-Key request) it joins it, so it commits or rolls back with the request;
 * otherwise it runs alone (autocommit) — on SQLite queued behind the transactions in flight, since
 * their one connection would otherwise take it into whichever is open and lose it with its rollback.
 * No BEGIN/COMMIT of its own: the statement is the whole cost (the access trail, SPEC §14).
 */
export function inOwnStatement<T>(ds: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  const outer = ambient.getStore();
  if (outer !== undefined && outer.ds === ds) return fn(outer.manager);
  if (ds.options.type !== "better-sqlite3") return fn(ds.manager);
  const previous = queues.get(ds) ?? Promise.resolve();
  const run = previous.then(() => fn(ds.manager));
  queues.set(
    ds,
    run.then(
      () => undefined,
      () => undefined,
    ),
  );
  return run;
}
