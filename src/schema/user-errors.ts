import { Refusal } from "../errors";
import { UserErrorGql } from "./types/payloads";

/** The one mapping of a Refusal to payload `userErrors` entries. */
export function userErrorsOf(refusal: Refusal | null): UserErrorGql[] {
  return (refusal?.errors ?? []).map((e) =>
    Object.assign(new UserErrorGql(), { field: e.field, message: e.message, code: e.code }),
  );
}

/**
 * Runs a use case and turns its business refusals into payload `userErrors` (HTTP 200); every other
 * error stays a top-level error (FORBIDDEN, BAD_USER_INPUT, or masked if unexpected).
 */
export async function withUserErrors<T>(
  run: () => Promise<T>,
): Promise<{ value: T; userErrors: [] } | { value: null; userErrors: UserErrorGql[] }> {
  try {
    return { value: await run(), userErrors: [] };
  } catch (err) {
    if (err instanceof Refusal) return { value: null, userErrors: userErrorsOf(err) };
    throw err;
  }
}
