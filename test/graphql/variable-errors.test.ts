import { Role } from "../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../support/engines";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §11: a variable that does not coerce is refused with `extensions.fields: [{ path, reason }]`,
 * so a form can put the message next to its field, and nothing the client sent is echoed back.
 */
const sqlite = ENGINES.find((e) => e.name === "sqlite")!;
const COMPLETE = "mutation($i: CompleteReviewInput!) { completeReview(input: $i) { userErrors { code } } }";
const base = { reviewId: "UG9zdExvYW5SZXZpZXc6MQ", outcome: "MAINTAIN", expectedVersion: 1 };

describe("variable errors name the field (SPEC §11)", () => {
  let db: TestDatabase;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    db = await sqlite.create();
    server = await startTestServer(db.ds);
    token = await server.token(Role.RISK_OFFICER);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it.each([
    ["a missing required field", { reviewId: base.reviewId, expectedVersion: 1 }, ["i", "outcome"], /not provided/],
    ["a string for an Int", { ...base, expectedVersion: "SECRET-1" }, ["i", "expectedVersion"], /Int cannot represent/],
    [
      "an exponent in a Decimal",
      { ...base, newLimit: "1e5" },
      ["i", "newLimit"],
      /^Decimal must be a string of digits/,
    ],
    ["a number for a Decimal", { ...base, newLimit: 300000 }, ["i", "newLimit"], /^Decimal must be a string of digits/],
    ["an unknown enum value", { ...base, outcome: "DROP_TABLE_review" }, ["i", "outcome"], /does not exist/],
    ["an unknown input field", { ...base, sneaky: "SECRET-2" }, ["i"], /not defined/],
  ])(
    "SPEC §11: %s is BAD_USER_INPUT with its path and a reason, without the value",
    async (_case, input, path, reason) => {
      const res = await server.gql(token, COMPLETE, { i: input });
      expect(res.status).toBe(400);
      const error = res.body.errors![0];
      expect(error.extensions?.code).toBe("BAD_USER_INPUT");
      const fields = error.extensions?.fields as { path: string[]; reason: string }[];
      expect(fields).toHaveLength(1);
      expect(fields[0].path).toEqual(path);
      expect(fields[0].reason).toMatch(reason);
      const text = JSON.stringify(res.body);
      for (const secret of ["SECRET-1", "SECRET-2", "DROP_TABLE_review", "1e5", "300000"])
        expect(text).not.toContain(secret);
    },
  );

  it("SPEC §11: a bad value deep in a list names its index", async () => {
    const res = await server.gql(token, "mutation($i: RecordTradesInput!) { recordTrades(input: $i) { count } }", {
      i: {
        clientId: "Q2xpZW50OjE",
        trades: [
          { tradeDate: "2026-11-20", symbol: "A", side: "BUY", quantity: 1, amount: "1.00" },
          { tradeDate: "2026-11-20", symbol: "A", side: "BUY", quantity: "many", amount: "1.00" },
        ],
      },
    });
    const fields = res.body.errors![0].extensions?.fields as { path: string[] }[];
    expect(fields[0].path).toEqual(["i", "trades", "1", "quantity"]);
    expect(JSON.stringify(res.body)).not.toContain("many");
  });
});
