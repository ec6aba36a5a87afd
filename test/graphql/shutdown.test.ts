import { Role } from "../../src/domain/enums";
import type { ReadService } from "../../src/services/read/read-service";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

const PAGE = "{ clients(first: 5) { nodes { clientNo } } }";

/** Holds every client-list read until released, and counts the reads that started. */
function holdClientLists(reads: ReadService) {
  const original = reads.clients.bind(reads);
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const entered: (() => void)[] = [];
  let calls = 0;
  reads.clients = async (...args: Parameters<ReadService["clients"]>) => {
    calls += 1;
    entered.shift()?.();
    await held;
    return original(...args);
  };
  return {
    release: () => release(),
    calls: () => calls,
    nextEntered: () => new Promise<void>((resolve) => entered.push(resolve)),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe.each(ENGINES)("shutdown and abandoned requests on $name", (engine) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await engine.create();
    for (let i = 0; i < 3; i += 1) await buildClient(db.ds);
  });

  afterAll(async () => {
    await db.drop();
  });

  async function post(server: TestServer, token: string, signal?: AbortSignal) {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: PAGE }),
      signal,
    });
    return { status: res.status, connection: res.headers.get("connection"), body: (await res.json()) as never };
  }

  /** Starts close() and checks that, with one handler still at work, it has not resolved yet. */
  async function closeWhileHeld(server: TestServer): Promise<{ closing: Promise<void>; closed: () => boolean }> {
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    expect(server.app.load().inFlight).toBe(1);
    return { closing, closed: () => closed };
  }

  it("close() lets a request already being worked on finish before it resolves", async () => {
    const server = await startTestServer(db.ds, undefined, { MAX_CONCURRENT_REQUESTS: "1" });
    const token = await server.token(Role.ANALYST);
    const hold = holdClientLists(server.services.reads);
    const entered = hold.nextEntered();
    const request = post(server, token);
    await entered;

    const { closing, closed } = await closeWhileHeld(server);
    hold.release();
    const answer = await request;
    expect(answer.status).toBe(200);
    expect((answer.body as { data: { clients: { nodes: unknown[] } } }).data.clients.nodes).toHaveLength(3);
    expect(answer.connection).toBe("close");
    await closing;
    expect(closed()).toBe(true);
    expect(server.app.load()).toEqual({ inFlight: 0, active: 0, queued: 0 });
  });

  it("close() waits for a request whose client hung up mid-way: the pools outlive its handler", async () => {
    const server = await startTestServer(db.ds, undefined, { MAX_CONCURRENT_REQUESTS: "1" });
    const token = await server.token(Role.ANALYST);
    const hold = holdClientLists(server.services.reads);
    const entered = hold.nextEntered();
    const abort = new AbortController();
    const request = post(server, token, abort.signal).catch((err: Error) => err.name);
    await entered;
    abort.abort();
    await expect(request).resolves.toBe("AbortError");
    await new Promise((r) => setTimeout(r, 50));

    // No connection is left, but the handler is still at work: close() must not resolve yet.
    const { closing } = await closeWhileHeld(server);
    hold.release();
    await closing;
    expect(hold.calls()).toBe(1);
    expect(server.app.load().inFlight).toBe(0);
  });

  it("does not run a queued request whose client left while it waited", async () => {
    const server = await startTestServer(db.ds, undefined, { MAX_CONCURRENT_REQUESTS: "1" });
    try {
      const token = await server.token(Role.ANALYST);
      const hold = holdClientLists(server.services.reads);
      const entered = hold.nextEntered();
      const first = post(server, token);
      await entered;

      const abort = new AbortController();
      const second = post(server, token, abort.signal).catch((err: Error) => err.name);
      await until(() => server.app.load().queued === 1, "the second request waits for the slot");
      abort.abort();
      await expect(second).resolves.toBe("AbortError");
      // The server sees the socket close before the slot frees.
      await new Promise((r) => setTimeout(r, 50));

      hold.release();
      expect((await first).status).toBe(200);
      await until(() => server.app.load().inFlight === 0, "both requests are done");
      expect(hold.calls()).toBe(1);
      const metrics = await (await fetch(server.url.replace("/graphql", "/metrics"))).text();
      expect(metrics).toMatch(/outcome="abandoned"\} 1/);
    } finally {
      await server.close();
    }
  });

  it("cuts what is still running once the grace period is over", async () => {
    const server = await startTestServer(db.ds, undefined, { SHUTDOWN_GRACE_MS: "100" });
    const token = await server.token(Role.ANALYST);
    const hold = holdClientLists(server.services.reads);
    const entered = hold.nextEntered();
    const request = post(server, token).catch((err: Error) => err.name);
    await entered;
    await server.close();
    await expect(request).resolves.toBe("TypeError");
    hold.release();
  });
});
