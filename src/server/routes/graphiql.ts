import fs from "node:fs";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { notFound, refuseMethod, sendPage } from "./page";

/**
 * GraphiQL at /graphiql (SPEC §11), served from the project's own dependencies — no CDN, so it works
 * offline. The page asks for a bearer token and keeps it in memory only (no storage, no cookie); every
 * query goes to /graphql with it, under the same authorization as any other client.
 */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  "react.js": { pkg: "react", file: "umd/react.production.min.js", type: "text/javascript; charset=utf-8" },
  "react-dom.js": { pkg: "react-dom", file: "umd/react-dom.production.min.js", type: "text/javascript; charset=utf-8" },
  "graphiql.js": { pkg: "graphiql", file: "graphiql.min.js", type: "text/javascript; charset=utf-8" },
  "graphiql.css": { pkg: "graphiql", file: "graphiql.min.css", type: "text/css; charset=utf-8" },
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Margin client-profile API — GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  #bar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #ddd; }
  #bar input { flex: 1; font-family: monospace; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<div id="bar">
  <label for="token">Bearer token</label>
  <input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="paste a token (npm run token)">
</div>
<div id="graphiql">Loading…</div>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script src="/graphiql/assets/boot.js"></script>
</body>
</html>
`;

/** Starts GraphiQL with a fetcher that sends the token typed on the page (kept in this closure only). */
const BOOT = `(function () {
  var token = "";
  var input = document.getElementById("token");
  input.addEventListener("input", function () { token = input.value.trim(); });
  function fetcher(params) {
    var headers = { "content-type": "application/json", accept: "application/json" };
    if (token) headers.authorization = "Bearer " + token;
    return fetch("/graphql", { method: "POST", headers: headers, body: JSON.stringify(params) }).then(function (r) {
      return r.json();
    });
  }
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, isHeadersEditorEnabled: false, shouldPersistHeaders: false }));
})();
`;

const cache = new Map<string, Buffer>();

function asset(name: string): { body: Buffer; type: string } | null {
  if (name === "boot.js") return { body: Buffer.from(BOOT), type: "text/javascript; charset=utf-8" };
  const entry = Object.prototype.hasOwnProperty.call(ASSETS, name) ? ASSETS[name] : undefined;
  if (!entry) return null;
  let body = cache.get(name);
  if (body === undefined) {
    // The packages' exports do not list their UMD builds: read them beside their package.json.
    body = fs.readFileSync(path.join(path.dirname(require.resolve(`${entry.pkg}/package.json`)), entry.file));
    cache.set(name, body);
  }
  return { body, type: entry.type };
}

/**
 * Answers /graphiql and /graphiql/assets/*; returns false for any other path. GET and HEAD only
 * (anything else 405). Assets may be cached; the page itself is not stored.
 */
export function serveGraphiql(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (pathname !== "/graphiql" && !pathname.startsWith("/graphiql/assets/")) return false;
  if (refuseMethod(req, res)) return true;
  const found =
    pathname === "/graphiql"
      ? { body: Buffer.from(PAGE), type: "text/html; charset=utf-8", cache: "no-store" }
      : (() => {
          const a = asset(pathname.slice("/graphiql/assets/".length));
          return a && { ...a, cache: "public, max-age=86400" };
        })();
  if (!found) notFound(res);
  else sendPage(req, res, found);
  return true;
}
