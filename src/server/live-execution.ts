import { createHash } from "node:crypto";
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from "graphql";
import { createLoaders } from "../loaders";
import type { Context } from "../schema/context";
import { AccessTrail, type AccessRecord } from "../services/access/trail";
import type { Viewer } from "../services/access/viewer";
import type { LiveItem } from "../services/events/live-feed";

/** One event resolved for one class of subscribers: the response, and what it served in clear. */
interface Shared {
  result: ExecutionResult;
  records: AccessRecord[];
}

/**
 * The subscribers of one event that share its execution: the same document, operation and variables,
 * seen by the same roles from the same branch — everything the response depends on. Scoping and masking
 * are decided from the roles and the branch (policy.ts, the presenters); the subject is not read
 * below a subscription's root (it is only the access trail's, written per subscriber).
 */
export function shareKey(viewer: Viewer, query: string, operationName: string | null | undefined, variables: unknown) {
  const roles = [...new Set(viewer.roles)].sort().join(",");
  return createHash("sha256")
    .update(JSON.stringify([roles, viewer.branch, operationName ?? null, variables ?? null, query]))
    .digest("base64url");
}

/**
 * SPEC §12 delivery at scale. graphql-js's `subscribe` executes the operation once per event and per
 * subscriber; with 1,000 subscribers most of that is the same work: an alert reaches every relationship
 * manager of its branch, who ask the same document. Here each event is executed once per share key
 * (the first subscriber to reach it executes; the others of its class await the same promise), then
 * each subscriber records its own access trail (one gathered INSERT per turn, before its message is
 * sent) and receives the shared response. The feed has already decided which subscribers get the
 * event (their scope and arguments); the execution decides the shape and the masking, as for a query.
 */
export function createLiveSubscribe(executed: () => void = () => undefined) {
  /** Per event (the feed hands every subscriber the same item object), its executions by share key. */
  const executions = new WeakMap<LiveItem, Map<string, Promise<Shared>>>();

  function sharedExecution(args: ExecutionArgs, item: LiveItem, key: string): Promise<Shared> {
    let byKey = executions.get(item);
    if (byKey === undefined) {
      byKey = new Map();
      executions.set(item, byKey);
    }
    let shared = byKey.get(key);
    if (shared === undefined) {
      shared = executeOnce(args, item);
      executed();
      byKey.set(key, shared);
    }
    return shared;
  }

  async function deliver(args: ExecutionArgs, item: LiveItem): Promise<ExecutionResult> {
    const ctx = args.contextValue as Context;
    const { result, records } = await sharedExecution(args, item, ctx.live?.shareKey ?? ctx.requestId);
    if (ctx.live) ctx.live.committedAt = item.committedAt;
    if (records.length > 0) {
      // SPEC §14: no clear data without its record; when the record cannot be written the event is withheld.
      try {
        await ctx.services.accessTrail.deliver(ctx.viewer, ctx.requestId, records);
      } catch (err) {
        return { errors: [err as never] };
      }
    }
    return result;
  }

  return async function subscribe(
    args: ExecutionArgs,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const events = stream[Symbol.asyncIterator]() as AsyncIterator<LiveItem>;
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]: () => iterator,
      async next() {
        const step = await events.next();
        if (step.done) return { value: undefined, done: true };
        return { value: await deliver(args, step.value), done: false };
      },
      async return() {
        await events.return?.();
        return { value: undefined, done: true };
      },
      async throw(err: unknown) {
        await events.return?.();
        throw err;
      },
    };
    return iterator;
  };
}

/**
 * The operation executed for one event as a query of its own: fresh loaders (a subscription lives for
 * hours; what its nested fields read must be now's) and a fresh trail, on a copy of the first
 * subscriber's context. The subscription's resolver primes the loaders with the rows the feed read.
 */
async function executeOnce(args: ExecutionArgs, item: LiveItem): Promise<Shared> {
  const base = args.contextValue as Context;
  const ctx: Context = {
    ...base,
    loaders: createLoaders(base.services.batchReads, base.scope, () => base.clock.now()),
    trail: new AccessTrail(base.viewer, base.requestId),
    live: undefined,
  };
  const result = await execute({ ...args, rootValue: item, contextValue: ctx });
  return { result, records: ctx.trail.records() };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === "function";
}
