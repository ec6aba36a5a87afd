import cluster, { type Worker } from "node:cluster";
import type { Logger } from "./log";

/** The environment variable through which the primary tells a worker its slot (config.workerSlot). */
export const WORKER_SLOT_VARIABLE = "MARGIN_WORKER_SLOT";

export interface SuperviseOptions {
  workers: number;
  logger: Logger;
  /** How long the workers may take to stop after SIGTERM before they are killed (their grace and some). */
  stopTimeoutMs: number;
  /** Restart backoff: the first delay, doubled per crash in a row of the same slot, capped. */
  backoffMs?: { first: number; max: number };
  /** A worker that stayed up this long before crashing starts its slot's backoff again from the first delay. */
  stableMs?: number;
}

/**
 * WORKERS=N (N > 1): the primary process only supervises N workers, each a whole server (main.ts)
 * sharing the listening port through node:cluster. Worker 1 starts first, alone, so migrations and
 * the demo seed run once; the others start once it listens. A worker that exits while the cluster
 * runs is replaced in its slot after a backoff (250 ms doubling to 30 s per crash in a row; reset when
 * it had stayed up a minute). SIGTERM or SIGINT is passed on to every worker, which drains and stops
 * as a single server does; the primary exits when all have stopped: 0 if each exited cleanly, else 1.
 * Should the primary die, the workers see their channel close and exit (node:cluster).
 */
export function superviseWorkers(o: SuperviseOptions): Promise<number> {
  const { workers, logger } = o;
  const backoff = o.backoffMs ?? { first: 250, max: 30_000 };
  const stableMs = o.stableMs ?? 60_000;
  const slots = new Map<Worker, { slot: number; startedAt: number }>();
  const crashesInARow = new Map<number, number>();
  const restartTimers = new Set<NodeJS.Timeout>();
  let stopping = false;
  let failed = false;
  let firstListening = false;

  return new Promise<number>((resolve) => {
    const finishIfDone = () => {
      if (stopping && slots.size === 0) {
        for (const t of restartTimers) clearTimeout(t);
        resolve(failed ? 1 : 0);
      }
    };

    const fork = (slot: number): Worker => {
      const worker = cluster.fork({ [WORKER_SLOT_VARIABLE]: String(slot) });
      slots.set(worker, { slot, startedAt: Date.now() });
      return worker;
    };

    const stop = (signal: NodeJS.Signals, code?: number) => {
      if (stopping) return;
      stopping = true;
      if (code !== undefined && code !== 0) failed = true;
      logger.info({ signal, workers: slots.size }, "cluster shutting down: stopping every worker");
      for (const t of restartTimers) clearTimeout(t);
      restartTimers.clear();
      for (const worker of slots.keys()) worker.process.kill(signal);
      const killer = setTimeout(() => {
        failed = true;
        for (const worker of slots.keys()) {
          logger.warn({ pid: worker.process.pid }, "worker did not stop in time: killing it");
          worker.process.kill("SIGKILL");
        }
      }, o.stopTimeoutMs);
      killer.unref();
      finishIfDone();
    };

    cluster.on("listening", (worker) => {
      const entry = slots.get(worker);
      if (entry === undefined) return;
      logger.info({ slot: entry.slot, pid: worker.process.pid }, "worker listening");
      if (!firstListening && entry.slot === 1) {
        firstListening = true;
        for (let slot = 2; slot <= workers && !stopping; slot += 1) fork(slot);
      }
    });

    cluster.on("exit", (worker, code, signal) => {
      const entry = slots.get(worker);
      if (entry === undefined) return;
      slots.delete(worker);
      if (stopping) {
        if (code !== 0) failed = true;
        finishIfDone();
        return;
      }
      if (!firstListening) {
        // Worker 1 could not start (configuration, database, port): restarting would fail the same way.
        logger.error({ code, signal }, "the first worker exited before listening: stopping");
        stop("SIGTERM", 1);
        return;
      }
      const upMs = Date.now() - entry.startedAt;
      const inARow = upMs >= stableMs ? 1 : (crashesInARow.get(entry.slot) ?? 0) + 1;
      crashesInARow.set(entry.slot, inARow);
      const delay = Math.min(backoff.max, backoff.first * 2 ** (inARow - 1));
      logger.error(
        { slot: entry.slot, pid: worker.process.pid, code, signal, restartInMs: delay },
        "worker exited: replacing it",
      );
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        if (!stopping) fork(entry.slot);
      }, delay);
      restartTimers.add(timer);
    });

    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    logger.info({ workers }, "cluster starting: worker 1 first, then the others once it listens");
    fork(1);
  });
}
