import { connect, type ChannelModel, type ConfirmChannel } from "amqplib";
import type { DataSource } from "typeorm";
import type { Clock } from "../../domain/clock";
import { withJobLock } from "../../db/job-lock";
import type { EventEntity } from "../../entities";
import { markEventsSent, pendingEvents } from "../../repositories/event.writes";

export const EVENTS_EXCHANGE = "margin.events";

export interface RelayOptions {
  url: string;
  exchange?: string;
  /** Events published per round, confirmed together. */
  batch?: number;
  /** How often an idle relay looks for new events. */
  pollMs?: number;
  /** Backoff after a failure: doubles from min to max while the broker (or database) stays away. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A confirm not received within this is a lost connection: the round is retried. */
  confirmTimeoutMs?: number;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** The message body a consumer reads: the event as `events` shows it, the payload parsed. */
export function messageOf(e: EventEntity): Record<string, unknown> {
  return {
    id: e.id,
    type: e.type,
    aggregateType: e.aggregateType,
    aggregateId: e.aggregateId,
    occurredAt: e.occurredAt.toISOString(),
    payload: JSON.parse(e.payload) as unknown,
  };
}

/**
 * Publishes the outbox to RabbitMQ (SPEC §12): the pending events in sequence order to the topic
 * exchange `margin.events`, routing key = type, persistent, with publisher confirms; an event is
 * marked sent only after the broker confirmed it. At least once: a round cut before its marks commit
 * is published again, so consumers de-duplicate by `id` (also the message's messageId). While the
 * broker is away the relay retries with capped exponential backoff and the events wait in the table.
 * One relay publishes at a time across instances (the named job lock), which keeps commit order per
 * aggregate.
 */
export class OutboxRelay {
  private readonly exchange: string;
  private readonly batch: number;
  private readonly pollMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly confirmTimeoutMs: number;
  private connection: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly options: RelayOptions,
  ) {
    this.exchange = options.exchange ?? EVENTS_EXCHANGE;
    this.batch = options.batch ?? 200;
    this.pollMs = options.pollMs ?? 500;
    this.minBackoffMs = options.minBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the round in flight and closes the broker connection. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.disconnect();
  }

  /**
   * One round: publishes up to `batch` pending events and marks them sent once confirmed. Returns
   * how many were published; throws when the broker or the database fails (nothing is marked then).
   */
  async publishPending(): Promise<number> {
    return withJobLock(this.ds, "outbox-relay", async () => {
      const events = await pendingEvents(this.ds.manager, this.batch);
      if (events.length === 0) return 0;
      const channel = await this.channelOrConnect();
      for (const e of events) {
        channel.publish(this.exchange, e.type, Buffer.from(JSON.stringify(messageOf(e))), {
          persistent: true,
          messageId: e.id,
          type: e.type,
          contentType: "application/json",
          timestamp: Math.floor(e.occurredAt.getTime() / 1000),
        });
      }
      await this.confirmed(channel);
      await markEventsSent(
        this.ds.manager,
        events.map((e) => e.seq),
        this.clock.now(),
      );
      return events.length;
    });
  }

  private async run(): Promise<void> {
    let backoff = this.minBackoffMs;
    while (this.running) {
      let wait = this.pollMs;
      try {
        const sent = await this.publishPending();
        backoff = this.minBackoffMs;
        if (sent === this.batch) wait = 0;
      } catch (err) {
        this.options.log?.warn({ err: (err as Error).message, retryInMs: backoff }, "event relay: publishing failed");
        await this.disconnect();
        wait = backoff;
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
      }
      if (wait > 0 && this.running) await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async channelOrConnect(): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    const connection = await connect(this.options.url);
    // A lost connection surfaces as a failed confirm; these only drop the dead handles.
    connection.on("error", () => undefined);
    connection.on("close", () => {
      if (this.connection === connection) {
        this.connection = null;
        this.channel = null;
      }
    });
    this.connection = connection;
    const channel = await connection.createConfirmChannel();
    channel.on("error", () => undefined);
    channel.on("close", () => {
      if (this.channel === channel) this.channel = null;
    });
    await channel.assertExchange(this.exchange, "topic", { durable: true });
    this.channel = channel;
    this.options.log?.info({ exchange: this.exchange }, "event relay: connected to the broker");
    return channel;
  }

  private async confirmed(channel: ConfirmChannel): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the broker did not confirm in time")), this.confirmTimeoutMs);
    });
    try {
      await Promise.race([channel.waitForConfirms(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async disconnect(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    // A half-dead connection may never answer close: give it a second, then drop it.
    if (connection) await Promise.race([connection.close().catch(() => undefined), delay(1000)]);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
