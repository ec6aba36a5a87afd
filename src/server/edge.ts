import http from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { Metrics } from "./metrics";

/**
 * What the HTTP edge answers by itself, before GraphQL: bodies, JSON answers, and refusals. Hostile
 * traffic is visible (SPEC §10): every refusal of the kinds below is counted and logged — by status,
 * code and route, never with the token or anything else the client sent.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Refusals that say someone is knocking: missing or bad tokens, roles, sizes, rates. */
export const VISIBLE_REFUSALS: ReadonlySet<number> = new Set([401, 403, 413, 429, 431]);

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    // A compressed body would be read as garbage (and inflating one is a bomb to bound): refused by name.
    const encoding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
    if (encoding !== "identity" && encoding !== "") {
      reject(new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the request body without a content-encoding"));
      return;
    }
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > MAX_BODY_BYTES) {
      reject(new HttpError(413, "PAYLOAD_TOO_LARGE", "The request body is larger than 1 MB"));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, "PAYLOAD_TOO_LARGE", "The request body is larger than 1 MB"));
        // Stop reading but keep the socket, so the 413 reaches the client.
        req.removeAllListeners("data");
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

export function errorBody(code: string, message: string): unknown {
  return { errors: [{ message, extensions: { code } }] };
}

export type Route = "graphql" | "export" | "personal-data" | "metrics" | "health" | "other";

/** Notes on a response the edge refused, for the refusal's log line. */
interface Refusal {
  code: string;
  /** The verified subject, when the refusal came after the token was verified. */
  subject?: string;
}

export class EdgeRefusals {
  private readonly notes = new WeakMap<http.ServerResponse, Refusal>();

  constructor(
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  /** Answers an error the edge decided on, and remembers its code. */
  refuse(
    res: http.ServerResponse,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
    subject?: string,
  ): void {
    this.note(res, code, subject);
    sendJson(res, status, errorBody(code, message), headers);
  }

  /** Remembers the code of a refusal answered by someone else (Apollo's 429). */
  note(res: http.ServerResponse, code: string, subject?: string): void {
    this.notes.set(res, { code, subject });
  }

  codeOf(res: http.ServerResponse): string | undefined {
    return this.notes.get(res)?.code;
  }

  /** After a request was answered: counts and logs it if it was a visible refusal. */
  settle(res: http.ServerResponse, requestId: string, route: Route, method: string): void {
    if (!VISIBLE_REFUSALS.has(res.statusCode)) return;
    const note = this.notes.get(res);
    this.record(res.statusCode, note?.code ?? "UNKNOWN", route, { requestId, method, subject: note?.subject });
  }

  /**
   * Requests Node's parser refuses before any handler runs (headers over the limit: 431; a malformed
   * request: 400); Node's own answers, with a JSON body, and the 431 counted and logged as a refusal.
   */
  clientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    const [status, code, message] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "HEADERS_TOO_LARGE", "The request headers are too large"]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "REQUEST_TIMEOUT", "The request took too long to arrive"]
          : [400, "BAD_REQUEST", "The request is not valid HTTP"];
    if (status === 431) this.record(status, code, "other", {});
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify(errorBody(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }

  private record(
    status: number,
    code: string,
    route: Route,
    context: { requestId?: string; method?: string; subject?: string },
  ): void {
    this.metrics.refusals.inc({ status: String(status), code, route });
    this.logger.warn({ ...context, status, code, route }, "request refused");
  }
}
