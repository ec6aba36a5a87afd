import { createHash } from "node:crypto";
import {
  createSourceEventStream,
  execute,
  GraphQLError,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
} from "graphql";
import { createLoaders } from "../loaders";
import type { Context } from "../schema/context";
import { AccessTrail, type AccessRecord } from "../services/access/trail";
import type { Viewer } from "../services/access/viewer";
import { isLiveStream, type LiveItem, type LiveStream } from "../services/events/live-feed";

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

/** What the server does around a live delivery (server/subscriptions.ts): metrics and error formatting. */
export interface LiveHooks {
  /** One execution of one event for one class of subscribers. */
  executed(): void;
  /** `count` messages left for subscribers, of an event committed at `committedAt` (ms since the epoch). */
  sent(count: number, committedAt: number): void;
  /** Errors as the client reads them (schema/errors.ts formatError). */
  format(errors: readonly GraphQLError[]): GraphQLFormattedError[];
}

/** One subscription delivered directly by its class (a feed's LiveStream). */
interface Member {
  args: ExecutionArgs;
  ctx: Context;
  live: NonNullable<Context["live"]>;
  /** `{"id":<its id>,"type":"next","payload":` — the payload and `}` complete each of its messages. */
  prefix: string;
  stream: LiveStream;
  open: boolean;
  /** Ends the subscription for graphql-ws: its iterator completes, or fails with `error`. */
  end(error?: unknown): void;
}

/** One event for the members of a class it reached, in the order the feed matched them. */
interface Group {
  item: LiveItem;
  members: Member[];
  taken: boolean;
}

/** The subscribers sharing one share key, and the events waiting for them, in order. */
interface LiveClass {
  size: number;
  queue: Group[];
  running: boolean;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * SPEC §12 delivery at scale. graphql-js's `subscribe` executes the operation once per event and per
 * subscriber, and graphql-ws then serialises and sends each result through the subscriber's own chain of
 * promises; with 1,000 subscribers most of that is the same work: an alert reaches every relationship
 * manager of its branch, who ask the same document. Here the subscribers sharing a share key form a
 * class; the feed hands each event it matches for a subscriber straight to the subscriber's class
 * (LiveStream.direct), which executes it once, serialises the response once, then, for each subscriber
 * it reached and in the feed's order, writes its access trail (one gathered INSERT per turn for all of
 * them; only when the response carries personal data in clear) and, once written, sends the message
 * `{"id":…,"type":"next","payload":…}` with the subscriber's own id on its socket. A subscriber whose
 * trail cannot be written gets a SERVICE_UNAVAILABLE error instead of the data. graphql-ws's iterator of
 * a subscription yields nothing: it completes when the feed ends the subscription, and graphql-ws then
 * sends `complete`. The events of a class are delivered one after the other, so each subscription gets
 * its messages in the feed's order. The feed has already decided which subscribers get the event (their
 * scope and arguments); the execution decides the shape and the masking, as for a query.
 */
export function createLiveSubscribe(hooks: LiveHooks) {
  const classes = new Map<string, LiveClass>();

  function take(cls: LiveClass, item: LiveItem, member: Member): void {
    const last = cls.queue.length > 0 ? cls.queue[cls.queue.length - 1] : undefined;
    // The feed hands an event to every subscriber it reaches in one synchronous loop: one group per event.
    if (last !== undefined && last.item === item && !last.taken) last.members.push(member);
    else cls.queue.push({ item, members: [member], taken: false });
    if (!cls.running) {
      cls.running = true;
      // After the feed's loop: the group holds every subscriber of the class the event reached.
      queueMicrotask(() => void pump(cls));
    }
  }

  async function pump(cls: LiveClass): Promise<void> {
    try {
      for (let group = cls.queue.shift(); group !== undefined; group = cls.queue.shift()) {
        group.taken = true;
        try {
          await deliver(group);
        } catch (err) {
          // Never a rejection nobody handles: the subscriptions this event was for end with an error.
          for (const m of group.members) m.end(err);
        } finally {
          for (const m of group.members) m.stream.handled();
        }
      }
    } finally {
      cls.running = false;
    }
  }

  async function deliver(group: Group): Promise<void> {
    const members = group.members.filter((m) => m.open);
    if (members.length === 0) return;
    const { item } = group;
    let shared: Shared;
    try {
      shared = await executeOnce(members[0].args, item);
      hooks.executed();
    } catch (err) {
      // As graphql-ws would for a subscription whose iterator throws: an error message, no more events.
      for (const m of members) m.end(err);
      return;
    }
    const { result, records } = shared;
    const payload = JSON.stringify(result.errors ? { ...result, errors: hooks.format(result.errors) } : result);
    let sent = 0;
    if (records.length === 0) {
      for (const m of members) if (m.open && m.live.send(`${m.prefix}${payload}}`)) sent += 1;
    } else {
      // SPEC §14: no clear data without its record, written before the message leaves; when the record
      // cannot be written the subscriber gets a SERVICE_UNAVAILABLE error instead of the data.
      const written = await Promise.allSettled(
        members.map((m) => m.ctx.services.accessTrail.deliver(m.ctx.viewer, m.ctx.requestId, records)),
      );
      for (let i = 0; i < members.length; i += 1) {
        const m = members[i];
        if (!m.open) continue;
        const w = written[i];
        const body =
          w.status === "fulfilled" ? payload : JSON.stringify({ errors: hooks.format([asGraphQLError(w.reason)]) });
        if (m.live.send(`${m.prefix}${body}}`)) sent += 1;
      }
    }
    if (sent > 0) hooks.sent(sent, item.committedAt);
  }

  /** A feed subscription delivered by its class; the iterator graphql-ws follows only ends. */
  function direct(args: ExecutionArgs, stream: LiveStream): AsyncIterableIterator<ExecutionResult> {
    const ctx = args.contextValue as Context;
    const live = ctx.live!;
    const key = live.shareKey;
    let cls = classes.get(key);
    if (cls === undefined) {
      cls = { size: 0, queue: [], running: false };
      classes.set(key, cls);
    }
    cls.size += 1;
    const own = cls;
    let finish!: (r: IteratorResult<ExecutionResult>) => void;
    let fail!: (err: unknown) => void;
    const finished = new Promise<IteratorResult<ExecutionResult>>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    finished.catch(() => undefined); // graphql-ws awaits it; a failure before it does is not unhandled
    const member: Member = {
      args,
      ctx,
      live,
      prefix: `{"id":${JSON.stringify(live.id)},"type":"next","payload":`,
      stream,
      open: true,
      end(error?: unknown) {
        if (!member.open) return;
        member.open = false;
        own.size -= 1;
        if (own.size === 0 && classes.get(key) === own) classes.delete(key);
        if (error === undefined) finish(DONE);
        else {
          fail(error);
          void stream.return?.();
        }
      },
    };
    stream.direct({ take: (item) => take(own, item, member), closed: () => member.end() });
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]: () => iterator,
      next: () => finished,
      async return() {
        member.end();
        await stream.return?.();
        return DONE;
      },
      async throw(err: unknown) {
        member.end();
        await stream.return?.();
        throw err;
      },
    };
    return iterator;
  }

  return async function subscribe(
    args: ExecutionArgs,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const iterable = stream[Symbol.asyncIterator]();
    if (isLiveStream(iterable) && (args.contextValue as Context).live !== undefined) return direct(args, iterable);
    // Every subscription field follows the feed (services/events/live-feed.ts); one that does not is a
    // wiring fault, answered as one rather than delivered some other way.
    await iterable.return?.();
    return { errors: [new GraphQLError("Internal server error", { extensions: { code: "INTERNAL_SERVER_ERROR" } })] };
  };
}

/** An error as graphql-ws and formatError take it (its code is the domain error's). */
function asGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  const original = err instanceof Error ? err : new Error(String(err));
  return new GraphQLError(original.message, { originalError: original });
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
