import WebSocket from "ws";

/** A message the server sent on a graphql-transport-ws socket. */
export interface WsMessage {
  id?: string;
  type: string;
  payload?: unknown;
}

export interface WsTestClient {
  socket: WebSocket;
  /** Resolves with the close code and reason once the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  /** Sends connection_init with the token (if any) and waits for connection_ack or the close. */
  init(token: string | null): Promise<"ack" | { code: number; reason: string }>;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  complete(id: string): void;
  /** The next message of subscription `id` (next, error or complete), or null after `ms`. */
  next(id: string, ms?: number): Promise<WsMessage | null>;
  /** Every message of `id` received so far, without waiting. */
  received(id: string): WsMessage[];
  close(): void;
}

/**
 * A bare graphql-transport-ws client over `ws`, so tests see close codes and every message as the
 * server sent them (the protocol: connection_init → connection_ack; subscribe → next… → complete).
 */
export async function openWs(httpUrl: string, headers: Record<string, string> = {}): Promise<WsTestClient> {
  const url = httpUrl.replace(/^http/, "ws");
  const socket = new WebSocket(url, "graphql-transport-ws", { headers });
  const byId = new Map<string, WsMessage[]>();
  const waiting = new Map<string, () => void>();
  let ack: (() => void) | null = null;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })),
  );
  socket.on("message", (data) => {
    const m = JSON.parse(String(data)) as WsMessage;
    if (m.type === "connection_ack") return ack?.();
    if (m.type === "ping") return socket.send(JSON.stringify({ type: "pong" }));
    if (m.id === undefined) return;
    const list = byId.get(m.id) ?? [];
    list.push(m);
    byId.set(m.id, list);
    waiting.get(m.id)?.();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  const read = new Map<string, number>();
  return {
    socket,
    closed,
    init(token) {
      const acked = new Promise<"ack">((resolve) => (ack = () => resolve("ack")));
      socket.send(
        JSON.stringify({ type: "connection_init", payload: token ? { authorization: `Bearer ${token}` } : {} }),
      );
      return Promise.race([acked, closed]);
    },
    subscribe(id, query, variables) {
      socket.send(JSON.stringify({ id, type: "subscribe", payload: { query, variables } }));
    },
    complete(id) {
      socket.send(JSON.stringify({ id, type: "complete" }));
    },
    async next(id, ms = 5_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const list = byId.get(id) ?? [];
        const at = read.get(id) ?? 0;
        if (list.length > at) {
          read.set(id, at + 1);
          return list[at];
        }
        const left = deadline - Date.now();
        if (left <= 0) return null;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => waiting.set(id, resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, left))),
          closed.then(() => undefined),
        ]);
        clearTimeout(timer);
        if (socket.readyState === WebSocket.CLOSED && (byId.get(id)?.length ?? 0) <= (read.get(id) ?? 0)) return null;
      }
    },
    received: (id) => [...(byId.get(id) ?? [])],
    close: () => socket.close(),
  };
}
