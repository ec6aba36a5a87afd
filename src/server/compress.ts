import type http from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";

const gzip = promisify(zlib.gzip);
/** Below this a compressed answer saves less than it costs. */
const MIN_BYTES = 1024;

function addVary(res: http.ServerResponse, value: string): void {
  const existing = res.getHeader("vary");
  const list = typeof existing === "string" && existing !== "" ? existing.split(/\s*,\s*/) : [];
  if (!list.some((v) => v.toLowerCase() === value.toLowerCase())) list.push(value);
  res.setHeader("vary", list.join(", "));
}

/** Whether the client accepts gzip (a q=0 refusal honoured). */
export function acceptsGzip(req: http.IncomingMessage): boolean {
  const header = req.headers["accept-encoding"];
  if (typeof header !== "string") return false;
  return header
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .some((part) => {
      const [name, ...params] = part.split(";").map((p) => p.trim());
      const q = params.find((p) => p.startsWith("q="));
      return (name === "gzip" || name === "*") && (q === undefined || Number(q.slice(2)) > 0);
    });
}

/** Ends the response with `text`, gzipped when the client accepts it and it is worth it (SPEC §11). */
export async function endWith(req: http.IncomingMessage, res: http.ServerResponse, text: string): Promise<void> {
  addVary(res, "Accept-Encoding");
  const bytes = Buffer.byteLength(text);
  if (bytes < MIN_BYTES || !acceptsGzip(req)) {
    res.setHeader("content-length", String(bytes));
    res.end(text);
    return;
  }
  const body = await gzip(text);
  res.setHeader("content-encoding", "gzip");
  res.setHeader("content-length", String(body.length));
  res.end(body);
}
