import { UserErrorCode } from "./domain/enums";

/**
 * Domain errors with stable codes. Services throw these, never GraphQLError; the edge maps them once
 * (schema/errors.ts): a UserError becomes a payload `userErrors` entry, the others top-level errors.
 * Messages never carry input values or personal data.
 */
export abstract class DomainError extends Error {
  abstract readonly extensionCode: string;
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

/** A business rule refused the request: reported in the payload, HTTP 200, nothing written. */
export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly field: string[] | null = null,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** One or more business-rule refusals of a single request (each with its field). */
export class Refusal extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join("; "));
    this.name = "Refusal";
  }

  static of(code: UserErrorCode, message: string, field: string[] | null = null): Refusal {
    return new Refusal([new UserError(code, message, field)]);
  }
}
