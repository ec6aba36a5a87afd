import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { UserErrorCode } from "../../src/domain/enums";
import {
  BadInputError,
  InvariantError,
  QueryTooComplexError,
  Refusal,
  ThrottledError,
  UserError,
} from "../../src/errors";
import { formatError, requestRefusal } from "../../src/schema/errors";
import { userErrorsOf } from "../../src/schema/user-errors";

/** What Apollo hands formatError: the error's JSON without `extensions.http`, and the error itself. */
function answer(error: GraphQLError): string {
  const extensions: Record<string, unknown> = { ...error.extensions };
  delete extensions.http;
  const formatted: GraphQLFormattedError = { ...error.toJSON(), extensions };
  return JSON.stringify(formatError(formatted, error));
}

/** A resolver's error as graphql-js reports it: wrapped, with its path. */
const thrownBy = (err: Error) => new GraphQLError(err.message, { path: ["client", "facility"], originalError: err });

describe("the one mapping of domain errors (issue 13)", () => {
  const cost = { requestedNodes: 51, limit: 50000 };

  it("answers a query too complex with HTTP 400 and its cost, as before the domain error", () => {
    const err = requestRefusal(new QueryTooComplexError("The query uses 51 aliases; at most 50", cost));
    expect((err.extensions.http as { status: number }).status).toBe(400);
    expect(answer(err)).toBe(
      '{"message":"The query uses 51 aliases; at most 50","extensions":{"code":"QUERY_TOO_COMPLEX","cost":{"requestedNodes":51,"limit":50000}}}',
    );
  });

  it("answers an empty bucket with HTTP 429, a retry-after in whole seconds, and retryAfterMs", () => {
    const throttled = { ...cost, throttle: { capacity: 100, remaining: 20 } };
    const err = requestRefusal(new ThrottledError(1500, throttled));
    const http = err.extensions.http as { status: number; headers: Map<string, string> };
    expect(http.status).toBe(429);
    expect(http.headers.get("retry-after")).toBe("2");
    expect(answer(err)).toBe(
      '{"message":"Rate limit reached: retry in 2 s","extensions":{"code":"THROTTLED","retryAfterMs":1500,' +
        '"cost":{"requestedNodes":51,"limit":50000,"throttle":{"capacity":100,"remaining":20}}}}',
    );
  });

  it("keeps a domain error's code and message", () => {
    expect(answer(thrownBy(new BadInputError("first must be at most 100", "first")))).toBe(
      '{"message":"first must be at most 100","path":["client","facility"],"extensions":{"code":"BAD_USER_INPUT"}}',
    );
  });

  it.each([
    ["a broken invariant", new InvariantError("facility without product")],
    ["a refusal outside a payload", Refusal.of(UserErrorCode.NOT_FOUND, "No such client", ["input", "clientId"])],
    ["a plain Error", new Error("something internal")],
  ])("masks %s as INTERNAL_SERVER_ERROR", (_name, err) => {
    expect(answer(thrownBy(err))).toBe(
      '{"message":"Internal server error","path":["client","facility"],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}',
    );
  });

  it("turns every UserError of a refusal into a payload entry, in order, and no refusal into none", () => {
    const refusal = new Refusal([
      new UserError(UserErrorCode.INVALID, "date must not be in the future", ["input", "snapshots", "0", "date"]),
      new UserError(UserErrorCode.INVALID, "totalAssets must not be negative"),
    ]);
    expect(userErrorsOf(refusal).map((e) => ({ ...e }))).toEqual([
      { code: "INVALID", message: "date must not be in the future", field: ["input", "snapshots", "0", "date"] },
      { code: "INVALID", message: "totalAssets must not be negative", field: null },
    ]);
    expect(userErrorsOf(null)).toEqual([]);
  });
});
