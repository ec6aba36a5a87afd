import { UserErrorCode } from "./domain/enums";

/**
 * Domain errors with stable codes. Services, resolvers and the server's plugins throw these, never
 * GraphQLError or a plain Error; the edge maps them once (schema/errors.ts): a Refusal becomes payload
 * `userErrors` (schema/user-errors.ts), the others top-level errors with their code. Messages never
 * carry input values or personal data.
 */
export abstract class DomainError extends Error {
  abstract readonly extensionCode: string;
  /** A fault of the service, not of the request: the client sees INTERNAL_SERVER_ERROR, the log the message. */
  readonly masked: boolean = false;
}

/** Malformed arguments (outside what the schema can express): BAD_USER_INPUT. */
export class BadInputError extends DomainError {
  readonly extensionCode = "BAD_USER_INPUT";
  constructor(
    message: string,
    readonly argument?: string,
  ) {
    super(message);
    this.name = "BadInputError";
  }
}

export class ForbiddenError extends DomainError {
  readonly extensionCode = "FORBIDDEN";
  constructor(message = "You are not allowed to do this") {
    super(message);
    this.name = "ForbiddenError";
  }
}

export class UnauthenticatedError extends DomainError {
  readonly extensionCode = "UNAUTHENTICATED";
  constructor(message = "A valid bearer token is required") {
    super(message);
    this.name = "UnauthenticatedError";
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly extensionCode = "SERVICE_UNAVAILABLE";
  constructor(message = "The database is not reachable; try again shortly") {
    super(message);
    this.name = "ServiceUnavailableError";
  }
}

/** The cost figures of a request (SPEC §7), as `extensions.cost` reports them. */
export interface CostReport {
  requestedNodes: number;
  limit: number;
  throttle?: { capacity: number; remaining: number };
}

/**
 * Refuses a whole request before any resolver runs, with an HTTP status of its own; `extensions` is
 * what the error adds to its code, in the order the client reads it.
 */
export abstract class RequestRefusal extends DomainError {
  abstract readonly httpStatus: number;
  abstract extensions(): Record<string, unknown>;
  headers(): Record<string, string> {
    return {};
  }
}

/** Too deep, too many aliases or too many nodes (SPEC §7): HTTP 400. */
export class QueryTooComplexError extends RequestRefusal {
  readonly extensionCode = "QUERY_TOO_COMPLEX";
  readonly httpStatus = 400;
  constructor(
    message: string,
    readonly cost: CostReport,
  ) {
    super(message);
    this.name = "QueryTooComplexError";
  }

  extensions(): Record<string, unknown> {
    return { cost: this.cost };
  }
}

/** The viewer's cost bucket is empty (SPEC §7): HTTP 429 with a retry-after in whole seconds. */
export class ThrottledError extends RequestRefusal {
  readonly extensionCode = "THROTTLED";
  readonly httpStatus = 429;
  readonly retryAfterSeconds: number;
  constructor(
    readonly retryAfterMs: number,
    readonly cost: CostReport,
  ) {
    const seconds = Math.ceil(retryAfterMs / 1000);
    super(`Rate limit reached: retry in ${seconds} s`);
    this.retryAfterSeconds = seconds;
    this.name = "ThrottledError";
  }

  extensions(): Record<string, unknown> {
    return { retryAfterMs: this.retryAfterMs, cost: this.cost };
  }

  headers(): Record<string, string> {
    return { "retry-after": String(this.retryAfterSeconds) };
  }
}

/**
 * Something the code relies on did not hold (a visible object whose parent is not visible): a bug,
 * logged with its message and answered as INTERNAL_SERVER_ERROR.
 */
export class InvariantError extends DomainError {
  readonly extensionCode = "INTERNAL_SERVER_ERROR";
  override readonly masked = true;
  constructor(message: string) {
    super(message);
    this.name = "InvariantError";
  }
}

/** One business-rule refusal: a payload `userErrors` entry (code, message, field path). Not thrown alone. */
export class UserError {
  constructor(
    readonly code: UserErrorCode,
    readonly message: string,
    readonly field: string[] | null = null,
  ) {}
}

/**
 * The one way a use case refuses (SPEC: HTTP 200, nothing written): one or more UserErrors, each with
 * its field. Mutation resolvers turn it into payload `userErrors` (schema/user-errors.ts); one that
 * reaches the edge outside a payload is a bug, and masked.
 */
export class Refusal extends DomainError {
  readonly extensionCode = "INTERNAL_SERVER_ERROR";
  override readonly masked = true;
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join("; "));
    this.name = "Refusal";
  }

  static of(code: UserErrorCode, message: string, field: string[] | null = null): Refusal {
    return new Refusal([new UserError(code, message, field)]);
  }
}
