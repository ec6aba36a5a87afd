import fs from "node:fs";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { notFound, refuseMethod, sendPage } from "./page";

/**
 * The tracking dashboard at /dashboard (SPEC §13, issue 16): the page Vite bundled at build time from
 * dashboard/ (Apache ECharts inside) into dist/dashboard, served by the API itself with no CDN, so it
 * works offline. It holds no data: it asks for a bearer token, keeps it in memory only, and reads the
 * aggregate queries of /graphql with it, under the same authorization as any other client.
 */
const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** dist/dashboard of the project: beside the package.json above this file (src/ or dist/src/), else the working directory's. */
function builtDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return path.join(dir, "dist", "dashboard");
    if (path.dirname(dir) === dir) return path.join(process.cwd(), "dist", "dashboard");
  }
}

const DIR = builtDir();
/** Asset names carry their content hash, so a name once read never changes. */
const cache = new Map<string, Buffer>();

function readOrNull(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch {
    return null;
  }
}

function asset(name: string): { body: Buffer; type: string } | null {
  const type = TYPES[path.extname(name)];
  if (!ASSET_NAME.test(name) || name.includes("..") || type === undefined) return null;
  let body = cache.get(name);
  if (body === undefined) {
    const read = readOrNull(path.join(DIR, "assets", name));
    if (read === null) return null;
    body = read;
    cache.set(name, body);
  }
  return { body, type };
}

/**
 * Answers /dashboard, /dashboard/ and /dashboard/assets/*; returns false for any other path. GET and
 * HEAD only (anything else 405). Assets may be cached (their names change with their content); the
 * page itself is not stored. When the page has not been built, 503 says how to build it.
 */
export function serveDashboard(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (pathname !== "/dashboard" && !pathname.startsWith("/dashboard/")) return false;
  if (refuseMethod(req, res)) return true;
  if (pathname === "/dashboard" || pathname === "/dashboard/") {
    const page = readOrNull(path.join(DIR, "index.html"));
    if (page === null) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      res.end("The dashboard has not been built: run `npm run build` (npm start builds it when it is missing).\n");
      return true;
    }
    sendPage(req, res, { body: page, type: "text/html; charset=utf-8", cache: "no-store" });
    return true;
  }
  const found = pathname.startsWith("/dashboard/assets/") ? asset(pathname.slice("/dashboard/assets/".length)) : null;
  if (!found) notFound(res);
  else sendPage(req, res, { ...found, cache: "public, max-age=31536000, immutable" });
  return true;
}
