import Decimal from "decimal.js";
import {
  getNamedType,
  getNullableType,
  GraphQLInt,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from "graphql";
import type { ValidationError } from "class-validator";
import { ArgumentValidationError, Extensions } from "type-graphql";
import { today } from "../domain/clock";
import { RATIO_MAX } from "../domain/decimal";
import { UserErrorCode } from "../domain/enums";
import { BadInputError, UserError } from "../errors";
import type { Context } from "./context";

/**
 * SPEC §10 "Input ranges", enforced once for every root field: before a resolver runs, each Date,
 * DateTime and Decimal anywhere in its arguments is checked against its range, so no value a column
 * cannot hold reaches a service (and no batch is half written). A mutation answers the breaches as
 * `INVALID` userErrors with their field, a query as BAD_USER_INPUT. Messages name the field, never
 * the value.
 */

export const EARLIEST_DATE = "1990-01-01";
export const LATEST_DATE = "2100-12-31";
/** Money is DECIMAL(20,2); the business bound is below 10^15. */
export const MONEY_LIMIT = new Decimal("1e15");

/** How a field's value is judged: every Decimal input is money or a ratio; a fact is dated today or before. */
export type InputRule = "money" | "ratio" | "fact";

const RULE = "inputRule";

/** An amount of money: at most 2 decimals, below 10^15 (so "positive" means at least 0.01). */
export const Money = () => Extensions({ [RULE]: "money" });
/** A ratio or rate: at most 4 decimals, at most 999,999.9999. */
export const Ratio = () => Extensions({ [RULE]: "ratio" });
/** Something that happened: dated today (the injected clock) or before. */
export const Fact = () => Extensions({ [RULE]: "fact" });

/** What is wrong with an amount of money, or null. */
export function moneyProblem(value: Decimal): string | null {
  if (value.decimalPlaces() > 2) return "must have at most 2 decimals";
  if (value.abs().gte(MONEY_LIMIT)) return "must be below 10^15";
  return null;
}

/** What is wrong with a ratio, or null. */
export function ratioProblem(value: Decimal): string | null {
  if (value.decimalPlaces() > 4) return "must have at most 4 decimals";
  if (value.abs().gt(RATIO_MAX)) return "must be at most 999999.9999";
  return null;
}

/** What is wrong with a calendar date (`YYYY-MM-DD`), or null; a fact may not be after `todayDate`. */
export function dateProblem(date: string, todayDate: string, fact: boolean): string | null {
  if (date < EARLIEST_DATE || date > LATEST_DATE) return `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`;
  if (fact && date > todayDate) return "must not be after today";
  return null;
}

function ruleOf(extensions: Readonly<Record<string, unknown>> | null | undefined): InputRule | null {
  const rule = extensions?.[RULE];
  return rule === "money" || rule === "ratio" || rule === "fact" ? rule : null;
}

function asDecimal(value: unknown): Decimal {
  // Defaults of input fields arrive as the text they were declared with, not parsed.
  return Decimal.isDecimal(value) ? (value as Decimal) : new Decimal(String(value));
}

function leafProblem(typeName: string, rule: InputRule | null, value: unknown, todayDate: string): string | null {
  switch (typeName) {
    case "Decimal":
      return rule === "ratio" ? ratioProblem(asDecimal(value)) : moneyProblem(asDecimal(value));
    case "Date":
      return dateProblem(String(value), todayDate, rule === "fact");
    case "DateTime":
      return value instanceof Date ? dateProblem(value.toISOString().slice(0, 10), todayDate, rule === "fact") : null;
    default:
      return null;
  }
}

const CHECKED_SCALARS = new Set(["Decimal", "Date", "DateTime"]);

/** Whether any Date, DateTime or Decimal can occur under this type (so its values need a look). */
function carriesCheckedValues(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (!isInputObjectType(named)) return CHECKED_SCALARS.has(named.name);
  if (seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => carriesCheckedValues(f.type, seen));
}

function walk(
  type: GraphQLInputType,
  rule: InputRule | null,
  value: unknown,
  path: string[],
  todayDate: string,
  out: UserError[],
): void {
  if (value === null || value === undefined) return;
  const t = getNullableType(type);
  if (isListType(t)) {
    if (Array.isArray(value)) value.forEach((v, i) => walk(t.ofType, rule, v, [...path, String(i)], todayDate, out));
    return;
  }
  if (isInputObjectType(t)) {
    const record = value as Record<string, unknown>;
    for (const f of Object.values(t.getFields())) {
      if (carriesCheckedValues(f.type))
        walk(f.type, ruleOf(f.extensions), record[f.name], [...path, f.name], todayDate, out);
    }
    return;
  }
  const problem = leafProblem(t.name, rule, value, todayDate);
  if (problem !== null) {
    const name = [...path].reverse().find((p) => !/^\d+$/.test(p)) ?? "value";
    out.push(new UserError(UserErrorCode.INVALID, `${name} ${problem}`, path));
  }
}

/** Every range breach in a root field's arguments, each with its path (e.g. ["input", "valuations", "3", "usedAmount"]). */
export function inputProblems(
  args: readonly GraphQLArgument[],
  values: Record<string, unknown>,
  todayDate: string,
): UserError[] {
  const out: UserError[] = [];
  for (const a of args) walk(a.type, ruleOf(a.extensions), values[a.name], [a.name], todayDate, out);
  return out;
}

/** class-validator breaches (a text longer than its column, a number out of range) as INVALID with their field. */
function validationProblems(errors: ValidationError[], path: string[]): UserError[] | null {
  const out: UserError[] = [];
  for (const e of errors) {
    const at = [...path, e.property];
    const constraints = Object.entries(e.constraints ?? {});
    // A list far over its cap is a malformed request, not a business refusal.
    if (constraints.some(([name]) => name === "arrayMaxSize")) return null;
    if (constraints.length > 0) out.push(new UserError(UserErrorCode.INVALID, constraints[0][1], at));
    const nested = validationProblems(e.children ?? [], at);
    if (nested === null) return null;
    out.push(...nested);
  }
  return out;
}

/**
 * What a refused mutation answers: its payload with the userErrors, every object null, every list
 * empty, every count 0. Built once per mutation; a payload this cannot empty stops the schema build.
 */
function emptyPayloadOf(mutation: string, type: GraphQLOutputType): (errors: UserError[]) => Record<string, unknown> {
  const payload = getNullableType(type);
  if (!isObjectType(payload) || !payload.getFields().userErrors) {
    throw new Error(`Mutation ${mutation} must return a payload with userErrors`);
  }
  const empty: Record<string, unknown> = {};
  for (const [name, f] of Object.entries((payload as GraphQLObjectType).getFields())) {
    if (name === "userErrors") continue;
    if (!isNonNullType(f.type)) empty[name] = null;
    else if (isListType(f.type.ofType)) empty[name] = [];
    else if (f.type.ofType === GraphQLInt) empty[name] = 0;
    else throw new Error(`${payload.name}.${name} has no empty value for a refused ${mutation}`);
  }
  return (errors) => ({
    ...empty,
    userErrors: errors.map((e) => ({ field: e.field, message: e.message, code: e.code })),
  });
}

/** Every Decimal input field must say whether it is money or a ratio. */
function assertDecimalRules(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isInputObjectType(type)) continue;
    for (const f of Object.values(type.getFields())) {
      const rule = ruleOf(f.extensions);
      if (getNamedType(f.type).name === "Decimal" && rule !== "money" && rule !== "ratio") {
        throw new Error(`${type.name}.${f.name} is a Decimal input without @Money() or @Ratio()`);
      }
    }
  }
}

/** Wraps the resolver of every root field so that the rules above run before it. */
export function enforceInputRules(schema: GraphQLSchema): GraphQLSchema {
  assertDecimalRules(schema);
  for (const field of Object.values(schema.getQueryType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve || !field.args.some((a) => carriesCheckedValues(a.type))) continue;
    field.resolve = ((root, args, ctx: Context, info) => {
      const problems = inputProblems(field.args, args, today(ctx.clock));
      if (problems.length > 0) {
        throw new BadInputError(problems.map((p) => p.message).join("; "), problems[0].field?.[0]);
      }
      return resolve(root, args, ctx, info);
    }) as GraphQLFieldResolver<unknown, Context>;
  }
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    const refused = emptyPayloadOf(field.name, field.type);
    // Mutations take one argument, `input` (SPEC §2): class-validator's paths start there.
    const argument = field.args.length === 1 ? field.args[0].name : "input";
    field.resolve = (async (root, args, ctx: Context, info) => {
      const problems = inputProblems(field.args, args, today(ctx.clock));
      if (problems.length > 0) return refused(problems);
      try {
        return await resolve(root, args, ctx, info);
      } catch (err) {
        if (err instanceof ArgumentValidationError) {
          const invalid = validationProblems(err.extensions.validationErrors as ValidationError[], [argument]);
          if (invalid !== null && invalid.length > 0) return refused(invalid);
        }
        throw err;
      }
    }) as GraphQLFieldResolver<unknown, Context>;
  }
  return schema;
}
