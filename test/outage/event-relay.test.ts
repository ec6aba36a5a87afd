import { connect, type ChannelModel } from "amqplib";
import { FacilityStatus, Role } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import { EVENTS_EXCHANGE, OutboxRelay } from "../../src/services/events/relay";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildFacility, validResidentId } from "../support/factories";
import { clientWith, defaultSegments, plainProduct } from "../lifecycle/helpers";
import { startTestServer, type TestServer } from "../support/server";
import { TcpProxy } from "../support/tcp-proxy";

/**
 * The outbox relay (SPEC §12): committed events reach a queue bound to margin.events, each once, and
 * an outage of the broker during the commit delays them and loses nothing.
 */

const amqpUrl = process.env.TEST_AMQP_URL;
// Outside CI without TEST_AMQP_URL the suite is skipped (test/global-setup.ts says why).
const suite = amqpUrl ? describe.each(ENGINES) : describe.skip.each(ENGINES);

interface Message {
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

suite("the event relay on $name", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let proxy: TcpProxy;
  let proxiedUrl: string;
  let consumer: ChannelModel;
  const received: Message[] = [];
  let registered = 0;

  const register = async (): Promise<string> => {
    registered += 1;
    const rm = await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-relay", branch: "SH-PUDONG" });
    const res = await server.gql<{ registerClient: { client: { id: string } } }>(
      rm,
      `mutation($input: RegisterClientInput!) { registerClient(input: $input) { client { id } userErrors { code } } }`,
      {
        input: {
          clientNo: `C7800000${registered}`,
          type: "INDIVIDUAL",
          name: "赵六",
          idNumber: validResidentId(7800 + registered),
          branch: "SH-PUDONG",
          openedAt: "2021-03-01",
        },
      },
    );
    return res.body.data!.registerClient.client.id;
  };
  const eventOf = async (aggregateId: string) =>
    (
      (await db.ds.query("SELECT `id`, `sentAt` FROM `event` WHERE `aggregateId` = ?", [aggregateId])) as {
        id: string;
        sentAt: unknown;
      }[]
    )[0];
  const copies = (id: string) => received.filter((m) => m.id === id).length;
  /** A relay through the proxy, quick to notice the broker gone and back. */
  const proxiedRelay = () =>
    new OutboxRelay(db.ds, server.clock, {
      url: proxiedUrl,
      pollMs: 20,
      minBackoffMs: 20,
      maxBackoffMs: 200,
      confirmTimeoutMs: 2000,
    });

  beforeAll(async () => {
    db = await engine.create();
    server = await startTestServer(db.ds);
    const broker = new URL(amqpUrl!);
    proxy = new TcpProxy({ host: broker.hostname, port: Number(broker.port || 5672) });
    const port = await proxy.listen();
    const proxied = new URL(amqpUrl!);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(port);
    proxiedUrl = proxied.toString();
    consumer = await connect(amqpUrl!);
    const channel = await consumer.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, "topic", { durable: true });
    const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, EVENTS_EXCHANGE, "#");
    await channel.consume(
      queue,
      (msg) => {
        if (msg) received.push(JSON.parse(msg.content.toString()) as Message);
      },
      { noAck: true },
    );
  });

  afterAll(async () => {
    await consumer?.close();
    await proxy?.close();
    await server?.close();
    await db?.drop();
  });

  it("publishes a committed event to margin.events with its type as routing key, then marks it sent", async () => {
    const clientId = await register();
    const relay = new OutboxRelay(db.ds, server.clock, { url: proxiedUrl });
    try {
      expect(await relay.publishPending()).toBeGreaterThan(0);
    } finally {
      await relay.stop();
    }
    const event = await eventOf(clientId);
    await until(() => copies(event.id) > 0);
    expect(received.find((m) => m.id === event.id)).toMatchObject({
      type: "client.registered",
      aggregateType: "Client",
      aggregateId: clientId,
      payload: { action: "registerClient" },
    });
    expect(event.sentAt).not.toBeNull();
    expect(copies(event.id)).toBe(1);
  });

  it("with the broker cut during the commit, delivers the event exactly once after it comes back", async () => {
    const relay = proxiedRelay();
    relay.start();
    try {
      proxy.down();
      const before = await register();
      const after = await register();
      await new Promise((r) => setTimeout(r, 600));
      const pending = [await eventOf(before), await eventOf(after)];
      expect(pending.map((e) => e.sentAt)).toEqual([null, null]);
      expect(pending.map((e) => copies(e.id))).toEqual([0, 0]);
      proxy.up();
      await until(async () => (await eventOf(after)).sentAt !== null);
      await until(() => pending.every((e) => copies(e.id) > 0));
      await new Promise((r) => setTimeout(r, 300));
      expect(pending.map((e) => copies(e.id))).toEqual([1, 1]);
      const order = received.map((m) => m.id).filter((id) => pending.some((e) => e.id === id));
      expect(order).toEqual(pending.map((e) => e.id));
    } finally {
      proxy.up();
      await relay.stop();
    }
  });

  it("SPEC §12: an approval committed while the broker is down appears once in RabbitMQ, and a refused one never", async () => {
    await defaultSegments(db.ds);
    const client = await clientWith(db.ds, { branch: "SH-PUDONG" });
    const product = await plainProduct(db.ds, { code: "P-RELAY" });
    const pending = { status: FacilityStatus.PENDING_APPROVAL, approvedLimit: null, startDate: null } as const;
    const approved = await buildFacility(db.ds, client, product, pending);
    const refused = await buildFacility(db.ds, client, product, pending);
    const officer = await server.token(Role.RISK_OFFICER, { sub: "ro-relay" });
    const approve = (id: number, expectedVersion: number) =>
      server.gql<{ approveFacility: { userErrors: { code: string }[] } }>(
        officer,
        `mutation($input: ApproveFacilityInput!) { approveFacility(input: $input) { userErrors { code } } }`,
        { input: { facilityId: toGlobalId("CreditFacility", id), approve: true, expectedVersion } },
      );
    const relay = proxiedRelay();
    relay.start();
    try {
      proxy.down();
      expect((await approve(approved.id, approved.version)).body.data!.approveFacility.userErrors).toEqual([]);
      // A stale version: refused, rolled back, so no event to publish.
      const stale = await approve(refused.id, refused.version - 1);
      expect(stale.body.data!.approveFacility.userErrors.map((e) => e.code)).toEqual(["CONFLICT"]);
      await new Promise((r) => setTimeout(r, 400));
      const event = await eventOf(toGlobalId("CreditFacility", approved.id));
      expect(event.sentAt).toBeNull();
      expect(copies(event.id)).toBe(0);
      proxy.up();
      await until(async () => (await eventOf(toGlobalId("CreditFacility", approved.id))).sentAt !== null);
      await until(() => copies(event.id) > 0);
      await new Promise((r) => setTimeout(r, 300));
      expect(received.filter((m) => m.id === event.id).map((m) => m.type)).toEqual(["facility.approved"]);
      expect(received.filter((m) => m.aggregateId === toGlobalId("CreditFacility", refused.id))).toEqual([]);
      expect(await eventOf(toGlobalId("CreditFacility", refused.id))).toBeUndefined();
    } finally {
      proxy.up();
      await relay.stop();
    }
  });
});
