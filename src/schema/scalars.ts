import Decimal from "decimal.js";
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { DECIMAL_PATTERN } from "../domain/decimal";
import { isCalendarDate } from "../domain/dates";

// Errors from parsing never echo the value: it may be personal data or an attack string.

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "ISO-8601 instant in UTC, e.g. 2026-11-29T08:30:00.000Z.",
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    throw new GraphQLError("DateTime cannot represent this value");
  },
  parseValue(value) {
    return parseInstant(value);
  },
  parseLiteral(ast) {
    return parseInstant(ast.kind === Kind.STRING ? ast.value : null);
  },
});

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: unknown): Date {
  if (typeof value !== "string" || !INSTANT.test(value)) {
    throw new GraphQLError("DateTime must be an ISO-8601 instant with a zone, e.g. 2026-11-29T08:30:00.000Z");
  }
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new GraphQLError("DateTime is not a real instant");
  return d;
}

/** A calendar date, carried as its `YYYY-MM-DD` text end to end (every date output passes here). */
export { isCalendarDate };

function parseDate(value: unknown): string {
  if (typeof value !== "string" || !isCalendarDate(value)) {
    throw new GraphQLError("Date must be a calendar date YYYY-MM-DD");
  }
  return value;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: "Date",
  description: "Calendar (trading) date, YYYY-MM-DD.",
  serialize(value) {
    if (typeof value === "string" && isCalendarDate(value)) return value;
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    throw new GraphQLError("Date cannot represent this value");
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    return parseDate(ast.kind === Kind.STRING ? ast.value : null);
  },
});

function parseDecimal(value: unknown): Decimal {
  if (typeof value !== "string" || !DECIMAL_PATTERN.test(value)) {
    throw new GraphQLError(
      "Decimal must be a string of digits with an optional point, e.g. 1250000.00 (at most 18 digits and 4 decimals)",
    );
  }
  return new Decimal(value);
}

export const DecimalScalar = new GraphQLScalarType<Decimal, string>({
  name: "Decimal",
  description: 'Exact decimal carried as a string, e.g. "1250000.00" or "1.4000". Never a float.',
  serialize(value) {
    // Presenters hand over text already at the column's scale.
    if (typeof value === "string") return value;
    if (Decimal.isDecimal(value)) return (value as Decimal).toString();
    throw new GraphQLError("Decimal cannot represent this value");
  },
  parseValue: parseDecimal,
  parseLiteral(ast) {
    return parseDecimal(ast.kind === Kind.STRING ? ast.value : null);
  },
});
