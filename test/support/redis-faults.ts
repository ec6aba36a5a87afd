import net from "node:net";

/**
 * Redis as it fails in production, for the throttle's tests: a port nothing listens on (a dead
 * Redis), a server that accepts connections and never answers (a hung one, as after SIGSTOP), and a
 * proxy to a real Redis that can be switched between the three while clients stay connected.
 */

/** A port that was free a moment ago and is closed now: connecting to it is refused. */
export async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export type FaultMode = "forward" | "hang" | "refuse";

export interface RedisFault {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Switches what happens to current and future connections. */
  set(mode: FaultMode): void;
  close(): Promise<void>;
}

/**
 * A TCP server in front of `target` (host:port of a real Redis, when forwarding is wanted).
 * `hang` swallows every byte; `refuse` drops every connection as it comes (as a dead Redis does once
 * the port is closed); `forward` passes bytes both ways.
 */
export async function redisFault(mode: FaultMode, target?: { host: string; port: number }): Promise<RedisFault> {
  let current = mode;
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const upstreams = new Set<net.Socket>();
  const srv = net.createServer((client) => {
    accepted += 1;
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => undefined);
    if (current === "refuse") {
      client.destroy();
      return;
    }
    if (current === "hang" || !target) {
      client.on("data", () => undefined);
      return;
    }
    const upstream = net.connect(target.port, target.host);
    upstreams.add(upstream);
    upstream.on("close", () => {
      upstreams.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.on("data", (chunk) => {
      if (current === "forward") upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (current === "forward") client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    connections: () => accepted,
    set(next) {
      current = next;
      if (next === "refuse") for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of [...sockets, ...upstreams]) s.destroy();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
}
