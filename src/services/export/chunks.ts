import { Transform } from "node:stream";

/**
 * Gathers small chunks (a line per row) into writes of about `bytes`: one socket write per row
 * would cost more than the row itself. What is gathered is flushed at the end, and a chunk is
 * passed on only when the next stage asks for more, so back-pressure still reaches the query.
 */
export function gatherChunks(bytes = 64 * 1024): Transform {
  let parts: string[] = [];
  let size = 0;
  return new Transform({
    writableObjectMode: false,
    decodeStrings: false,
    transform(chunk: string | Buffer, _enc, cb) {
      const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
      parts.push(text);
      size += text.length;
      if (size < bytes) return cb();
      const out = parts.join("");
      parts = [];
      size = 0;
      cb(null, out);
    },
    flush(cb) {
      cb(null, parts.length === 0 ? undefined : parts.join(""));
    },
  });
}
