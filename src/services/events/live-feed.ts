import type { Logger } from "pino";
import Redis from "ioredis";
import type { DataSource } from "typeorm";
import { deploymentName } from "../../db/deployment";
import { onCommitted } from "../../db/transaction";
import type { AlertEntity, ClientEntity, CreditFacilityEntity, PostLoanReviewEntity } from "../../entities";
import type { AlertKind, AlertSeverity } from "../../domain/enums";
import { fromGlobalId } from "../../domain/global-id";
import { isCommittedEvent, type CommittedEvent } from "../../repositories/event.writes";
import { branchScope, scopeSeesClient } from "../access/policy";
import type { BranchScope, Viewer } from "../access/viewer";
import type { BatchReads } from "../read/batch-reads";

/** What a subscription follows (SPEC §12): alertRaised, facilityChanged, reviewChanged. */
export type LiveKind = "alert" | "facility" | "review";

/**
 * One delivery: the row as it is now and its client (for the subscriber's scope and masking), and when
 * its transaction committed (ms since the epoch, the publishing instance's clock) for the delivery metric.
 */
export type LiveItem = { committedAt: number } & (
  | { kind: "alert"; row: AlertEntity; client: ClientEntity; facility: CreditFacilityEntity | null }
  | { kind: "facility"; row: CreditFacilityEntity; client: ClientEntity }
  | { kind: "review"; row: PostLoanReviewEntity; client: ClientEntity }
);

/** A committed event as it travels between instances. */
type Announced = CommittedEvent & { committedAt: number };

/** A subscriber's criteria, as the matching query's arguments. */
export interface LiveCriteria {
  /** Only this client's rows (database id). */
  clientId?: number | null;
  /** alertRaised's filter: kinds, severities, open only (default true, as the alerts query). */
  kinds?: readonly AlertKind[] | null;
  severities?: readonly AlertSeverity[] | null;
  openOnly?: boolean | null;
}

/** Why a subscription ended on the feed's side. */
export type LiveEnd = "overflow" | "shutdown";

export interface LiveFeedObserver {
  delivered(kind: LiveKind, count: number): void;
  dropped(reason: LiveEnd | "publish_failed" | "backlog"): void;
}

/**
 * The Redis channel the instances of one deployment publish committed events to and listen on: named
 * after their database, so deployments sharing a Redis never hear each other's ids.
 */
export function liveChannel(ds: DataSource): string {
  return `margin:live:${deploymentName(ds)}`.slice(0, 200);
}

/** Events a subscriber may have waiting, by default, before it counts as unable to keep up. */
export const SUBSCRIBER_QUEUE_LIMIT = 256;

/** Events this instance may have waiting for their rows before it drops the oldest (a stalled database). */
const BACKLOG_LIMIT = 10_000;

/** Rows read per statement when events arrive in a burst. */
const BATCH = 500;

const KIND_OF_AGGREGATE: Record<string, LiveKind | undefined> = {
  CreditFacility: "facility",
  PostLoanReview: "review",
};

/** The subscription an event concerns: alert.raised for alertRaised; any facility or review event. */
export function liveKindOf(e: Pick<CommittedEvent, "type" | "aggregateType">): LiveKind | null {
  if (e.type === "alert.raised") return "alert";
  return KIND_OF_AGGREGATE[e.aggregateType] ?? null;
}

/**
 * The subscribers of a kind with one branch scope and the same criteria: an event is matched once
 * for all of them (the bench's 1,000 subscribers of alertRaised are 9 cohorts).
 */
interface Cohort {
  key: string;
  /** The viewers' branch scope, worked out once (a token does not change while subscribed). */
  scope: BranchScope;
  criteria: LiveCriteria;
  members: Set<Subscriber>;
}

interface Subscriber {
  kind: LiveKind;
  cohort: Cohort;
  viewer: Viewer;
  queue: LiveItem[];
  wake: (() => void) | null;
  ended: LiveEnd | "closed" | null;
  onEnd: (reason: LiveEnd) => void;
  /** A direct subscriber's consumer (LiveStream.direct); null while it reads the queue with next(). */
  direct: DirectSink | null;
  /** A direct subscriber's events handed over and not yet handled: bounded by the queue limit. */
  pending: number;
}

/** Where a direct subscriber's events go as they are matched (server/live-execution.ts). */
export interface DirectSink {
  /** One event for this subscriber, in order. */
  take(item: LiveItem): void;
  /** The feed ended the subscription (it fell behind, shutdown) or it was returned: nothing more comes. */
  closed(): void;
}

/**
 * A subscription to the feed: an async iterator of its events, or (`direct`) a consumer the feed hands
 * each event to as it matches it, with no promise per event. A direct consumer calls `handled` once per
 * event it has sent or dropped; events handed over and not yet handled count against the queue limit,
 * as queued ones do.
 */
export interface LiveStream extends AsyncIterableIterator<LiveItem> {
  direct(sink: DirectSink): void;
  handled(): void;
}

export function isLiveStream(value: unknown): value is LiveStream {
  return typeof (value as Partial<LiveStream> | null)?.direct === "function";
}

/**
 * Committed events to live subscribers (SPEC §12). Each committed transaction's events come in through
 * `publish` (db/transaction.ts onCommitted); with REDIS_URL they go through Redis pub/sub, so every
 * instance hears every event, otherwise straight to this process's subscribers. Each instance reads
 * the rows of the events its subscribers follow once, in one statement per kind and burst, then
 * hands each row to the subscribers whose branch scope sees its client and whose criteria it meets —
 * the same rules as the alerts, facilities and reviews queries (policy.ts canSeeClient, its scope
 * worked out once per subscriber); masking is
 * the presenter's, per subscriber, as for a query. Subscribers with one scope and the same criteria
 * are matched once per event (a cohort). Each subscriber has a bounded queue (events queued for next(),
 * or handed to its direct consumer and not yet handled): one that falls `queueLimit` events behind
 * (LIVE_QUEUE_LIMIT) is ended (`onEnd("overflow")`), never buffered without bound. Live delivery is at most once (an instance down misses what it would have delivered); the
 * outbox and RabbitMQ are the at-least-once stream.
 */
export class LiveFeed {
  private readonly subscribers = new Set<Subscriber>();
  private readonly byKind: Record<LiveKind, Map<string, Cohort>> = {
    alert: new Map(),
    facility: new Map(),
    review: new Map(),
  };
  private readonly counts: Record<LiveKind, number> = { alert: 0, facility: 0, review: 0 };
  private backlog: Announced[] = [];
  private draining: Promise<void> | null = null;
  private pub: Redis | null = null;
  private sub: Redis | null = null;
  private unfollow: (() => void) | null = null;
  private readonly opts: { redisUrl: string | null; logger?: Logger; observer?: LiveFeedObserver };

  constructor(
    private readonly ds: DataSource,
    private readonly reads: BatchReads,
    redisUrl: string | null,
    private readonly queueLimit = SUBSCRIBER_QUEUE_LIMIT,
  ) {
    this.opts = { redisUrl };
  }

  /**
   * Starts following the data source's commits and, with REDIS_URL, listening on Redis; the logger and
   * the metrics observer are the server's.
   */
  async start(logger?: Logger, observer?: LiveFeedObserver): Promise<void> {
    this.opts.logger = logger;
    this.opts.observer = observer;
    this.unfollow ??= onCommitted(this.ds, (items) => this.publish(items.filter(isCommittedEvent)));
    const url = this.opts.redisUrl;
    if (url === null || this.pub !== null) return;
    // Redis may be down, or hung, when the API starts or later: the API serves all the same, and until
    // Redis is back each instance's events reach its own subscribers only (logged once per outage).
    // The publisher fails at once while Redis is away; the subscriber queues its SUBSCRIBE and
    // resubscribes by itself after every reconnect.
    this.pub = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
    });
    this.sub = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectTimeout: 2_000,
    });
    for (const c of [this.pub, this.sub]) {
      c.on("error", (err: Error) => this.redisLost(err.message));
      c.on("ready", () => {
        if (this.redisDown) this.opts.logger?.info("live feed: Redis is back, events reach every instance again");
        this.redisDown = false;
      });
    }
    this.sub.on("message", (_channel: string, message: string) => this.receive(message));
    this.pub.connect().catch(() => undefined);
    this.sub.connect().catch(() => undefined);
    this.sub.subscribe(liveChannel(this.ds)).catch((err: Error) => this.redisLost(err.message));
  }

  private redisDown = false;

  private redisLost(reason: string): void {
    if (this.redisDown) return;
    this.redisDown = true;
    this.opts.logger?.warn(
      { err: reason },
      "live feed: Redis unreachable, events reach this instance's subscribers only until it is back",
    );
  }

  /** Ends every subscription and closes the Redis connections. */
  async stop(): Promise<void> {
    this.unfollow?.();
    this.unfollow = null;
    for (const s of [...this.subscribers]) this.end(s, "shutdown");
    const conns = [this.pub, this.sub].filter((c): c is Redis => c !== null);
    this.pub = this.sub = null;
    await Promise.all(conns.map((c) => (c.status === "ready" ? c.quit().catch(() => c.disconnect()) : c.disconnect())));
  }

  /** Subscriptions open on this instance. */
  size(): number {
    return this.subscribers.size;
  }

  /** Committed events (after COMMIT): to every instance through Redis, or to this one. */
  publish(events: readonly CommittedEvent[]): void {
    const committedAt = Date.now();
    const live: Announced[] = events
      .filter((e) => liveKindOf(e) !== null)
      .map(({ id, type, aggregateType, aggregateId }) => ({ id, type, aggregateType, aggregateId, committedAt }));
    if (live.length === 0) return;
    const message = JSON.stringify(live);
    if (this.pub === null) {
      this.enqueue(live);
      return;
    }
    this.pub.publish(liveChannel(this.ds), message).catch((err: Error) => {
      // Other instances miss these; this one's subscribers still get them.
      this.opts.observer?.dropped("publish_failed");
      this.redisLost(err.message);
      this.enqueue(live);
    });
  }

  /**
   * Follows `kind` for `viewer`: an iterator of the rows the viewer may see that meet `criteria`.
   * `onEnd` is told when the feed ends it (the subscriber fell behind, or shutdown).
   */
  subscribe(kind: LiveKind, viewer: Viewer, criteria: LiveCriteria, onEnd: (reason: LiveEnd) => void): LiveStream {
    const scope = branchScope(viewer);
    const key = JSON.stringify([scope, criteria]);
    let cohort = this.byKind[kind].get(key);
    if (cohort === undefined) {
      cohort = { key, scope, criteria, members: new Set() };
      this.byKind[kind].set(key, cohort);
    }
    const s: Subscriber = {
      kind,
      cohort,
      viewer,
      queue: [],
      wake: null,
      ended: null,
      onEnd,
      direct: null,
      pending: 0,
    };
    this.subscribers.add(s);
    cohort.members.add(s);
    this.counts[kind] += 1;
    const close = () => this.remove(s, "closed");
    const iterator: LiveStream = {
      [Symbol.asyncIterator]() {
        return iterator;
      },
      direct(sink: DirectSink): void {
        if (s.ended !== null) {
          sink.closed();
          return;
        }
        s.direct = sink;
        // What was matched before the consumer attached, in order.
        for (const item of s.queue.splice(0)) {
          s.pending += 1;
          sink.take(item);
        }
      },
      handled(): void {
        if (s.pending > 0) s.pending -= 1;
      },
      async next(): Promise<IteratorResult<LiveItem>> {
        for (;;) {
          const item = s.queue.shift();
          if (item !== undefined) return { value: item, done: false };
          if (s.ended !== null) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (s.wake = resolve));
          s.wake = null;
        }
      },
      async return(): Promise<IteratorResult<LiveItem>> {
        close();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }

  private remove(s: Subscriber, reason: LiveEnd | "closed"): void {
    if (s.ended === null) s.ended = reason;
    s.queue.length = 0;
    s.cohort.members.delete(s);
    if (s.cohort.members.size === 0 && this.byKind[s.kind].get(s.cohort.key) === s.cohort) {
      this.byKind[s.kind].delete(s.cohort.key);
    }
    if (this.subscribers.delete(s)) this.counts[s.kind] -= 1;
    s.wake?.();
    const direct = s.direct;
    s.direct = null;
    direct?.closed();
  }

  private end(s: Subscriber, reason: LiveEnd): void {
    if (s.ended !== null) return;
    this.remove(s, reason);
    s.queue.length = 0;
    this.opts.observer?.dropped(reason);
    s.onEnd(reason);
  }

  private receive(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if (!Array.isArray(parsed)) return;
    const now = Date.now();
    this.enqueue(
      parsed
        .filter(
          (e): e is Announced =>
            typeof (e as Announced)?.type === "string" && typeof (e as Announced)?.aggregateId === "string",
        )
        .map((e) => ({ ...e, committedAt: Number.isFinite(e.committedAt) ? e.committedAt : now })),
    );
  }

  private enqueue(events: readonly Announced[]): void {
    // Nothing to read when no one here follows the kind.
    const wanted = events.filter((e) => {
      const kind = liveKindOf(e);
      return kind !== null && this.counts[kind] > 0;
    });
    if (wanted.length === 0) return;
    this.backlog.push(...wanted);
    if (this.backlog.length > BACKLOG_LIMIT) {
      const over = this.backlog.length - BACKLOG_LIMIT;
      this.backlog.splice(0, over);
      for (let i = 0; i < over; i += 1) this.opts.observer?.dropped("backlog");
    }
    this.draining ??= this.drain().finally(() => (this.draining = null));
  }

  /** Reads and delivers the backlog in arrival order, a burst at a time. */
  private async drain(): Promise<void> {
    while (this.backlog.length > 0) {
      const burst = this.backlog.splice(0, BATCH);
      try {
        await this.deliver(burst);
      } catch (err) {
        this.opts.logger?.warn({ err: (err as Error).message, events: burst.length }, "live feed: delivery failed");
      }
    }
  }

  private async deliver(burst: readonly Announced[]): Promise<void> {
    const ids: Record<LiveKind, Set<number>> = { alert: new Set(), facility: new Set(), review: new Set() };
    const wanted: { kind: LiveKind; id: number; committedAt: number }[] = [];
    for (const e of burst) {
      const kind = liveKindOf(e);
      const parsed = fromGlobalId(e.aggregateId);
      if (kind === null || parsed === null) continue;
      ids[kind].add(parsed.id);
      wanted.push({ kind, id: parsed.id, committedAt: e.committedAt });
    }
    const every = { all: true } as const;
    const [alerts, facilities, reviews] = await Promise.all([
      ids.alert.size > 0 ? this.reads.alerts([...ids.alert], every) : [],
      ids.facility.size > 0 ? this.reads.facilities([...ids.facility], every) : [],
      ids.review.size > 0 ? this.reads.reviews([...ids.review], every) : [],
    ]);
    const clientIds = new Set<number>([...alerts, ...facilities, ...reviews].map((r) => r.clientId));
    // An alert's facility too, read once here rather than once per subscriber that selects it.
    const alertFacilityIds = new Set(alerts.flatMap((a) => (a.facilityId === null ? [] : [a.facilityId])));
    const [clientRows, alertFacilities] = await Promise.all([
      clientIds.size > 0 ? this.reads.clients([...clientIds], every) : [],
      alertFacilityIds.size > 0 ? this.reads.facilities([...alertFacilityIds], every) : [],
    ]);
    const clients = new Map(clientRows.map((c) => [c.id, c]));
    const facilityOfAlert = new Map(alertFacilities.map((f) => [f.id, f]));
    const rows = {
      alert: new Map(alerts.map((r) => [r.id, r])),
      facility: new Map(facilities.map((r) => [r.id, r])),
      review: new Map(reviews.map((r) => [r.id, r])),
    };
    for (const { kind, id, committedAt } of wanted) {
      const row = rows[kind].get(id);
      const client = row && clients.get(row.clientId);
      if (!row || !client) continue;
      const item = (
        kind === "alert"
          ? {
              kind,
              row,
              client,
              committedAt,
              facility: facilityOfAlert.get((row as AlertEntity).facilityId ?? 0) ?? null,
            }
          : { kind, row, client, committedAt }
      ) as LiveItem;
      let delivered = 0;
      for (const cohort of this.byKind[kind].values()) {
        if (!accepts(cohort, item)) continue;
        for (const s of cohort.members) {
          if (s.queue.length + s.pending >= this.queueLimit) {
            this.end(s, "overflow");
            continue;
          }
          delivered += 1;
          if (s.direct !== null) {
            s.pending += 1;
            s.direct.take(item);
            continue;
          }
          s.queue.push(item);
          s.wake?.();
        }
      }
      if (delivered > 0) this.opts.observer?.delivered(kind, delivered);
    }
  }
}

/** The matching query's rules for a cohort of subscribers: their branch scope, then their arguments. */
function accepts(s: Pick<Cohort, "scope" | "criteria">, item: LiveItem): boolean {
  if (!scopeSeesClient(s.scope, item.client)) return false;
  const c = s.criteria;
  if (c.clientId != null && item.row.clientId !== c.clientId) return false;
  if (item.kind !== "alert") return true;
  const a = item.row;
  if (c.kinds && c.kinds.length > 0 && !c.kinds.includes(a.kind)) return false;
  if (c.severities && c.severities.length > 0 && !c.severities.includes(a.severity)) return false;
  if (c.openOnly !== false && a.resolvedAt !== null) return false;
  return true;
}
