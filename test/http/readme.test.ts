import fs from "node:fs";
import path from "node:path";
import { Role } from "../../src/domain/enums";
import { seedDemoBook } from "../../src/seed/demo-book";
import { ENGINES, type TestDatabase } from "../support/engines";
import { startTestServer, type TestServer } from "../support/server";

const root = path.resolve(__dirname, "../..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

/** A ```graphql fence of the README, with the role (and branch) its info string names. */
interface Example {
  line: number;
  role: Role;
  branch: string | null;
  document: string;
}

function examples(markdown: string): Example[] {
  const found: Example[] = [];
  const fence = /^```graphql([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    const info = Object.fromEntries(
      m[1]
        .trim()
        .split(/\s+/)
        .filter((p) => p.includes("="))
        .map((p) => p.split("=", 2) as [string, string]),
    );
    const line = markdown.slice(0, m.index).split("\n").length;
    if (!(Object.values(Role) as string[]).includes(info.role ?? "")) {
      throw new Error(`README.md line ${line}: a graphql fence must name its role, e.g. \`\`\`graphql role=VIEWER`);
    }
    found.push({ line, role: info.role as Role, branch: info.branch ?? null, document: m[2] });
  }
  return found;
}

/** Every userErrors list anywhere in an answer. */
function userErrorsIn(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(userErrorsIn);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "userErrors" && Array.isArray(v) ? v : userErrorsIn(v)));
}

describe("the README", () => {
  const documents = examples(readme);

  it("holds GraphQL examples, each fence naming the role to run it with", () => {
    expect(documents.length).toBeGreaterThanOrEqual(4);
  });

  it("lists every variable src/config.ts reads in its configuration table", () => {
    const config = fs.readFileSync(path.join(root, "src/config.ts"), "utf8");
    const read = new Set([...config.matchAll(/env(?:\.([A-Z_]+)|, "([A-Z_]+)")/g)].map((m) => m[1] ?? m[2]));
    const table = readme.slice(readme.indexOf("## Configuration"));
    const missing = [...read].filter((name) => !table.includes(`| \`${name}\``));
    expect(read.size).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it("stands alone: no link outside the repository", () => {
    expect(readme).not.toMatch(/\.\.\/shared/);
  });

  describe.each(ENGINES.slice(0, 1))("its examples on the demo book ($name)", (engine) => {
    let db: TestDatabase;
    let server: TestServer;

    beforeAll(async () => {
      db = await engine.create();
      // The seed and as-of date of the book npm start writes; a client's data depends only on the
      // seed and its number, so the clients the README names are the same in this smaller book.
      await seedDemoBook(db.ds, { clients: 60, seed: 42, asOf: "2026-11-27" });
      server = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"));
    }, 120_000);

    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    it.each(documents.map((d) => [`line ${d.line} as ${d.role}`, d] as const))(
      "%s answers without an error",
      async (_name, example) => {
        const token = await server.token(example.role, { sub: "readme", branch: example.branch });
        const { status, body } = await server.gql(token, example.document);
        expect(body.errors ?? []).toEqual([]);
        expect(status).toBe(200);
        expect(userErrorsIn(body.data)).toEqual([]);
        expect(JSON.stringify(body.data)).not.toMatch(/^null$/);
      },
    );

    it("names a client that is in a segment for the segment example", async () => {
      const token = await server.token(Role.VIEWER);
      const { body } = await server.gql<{ client: { segment: { segment: { code: string } } | null } }>(
        token,
        '{ client(clientNo: "C00000007") { segment { segment { code } } } }',
      );
      expect(body.data?.client.segment?.segment.code).toBe("B");
    });
  });
});
