import fs from "node:fs";
import path from "node:path";
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLScalarType,
} from "graphql";
import * as graphqlValues from "graphql/execution/values";
import { SignJWT, type JWTPayload } from "jose";
import type { DataSource } from "typeorm";
import { DEV_JWT_SECRET } from "../../src/config";
import { Role } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import { MAX_BODY_BYTES } from "../../src/server/app";
import { seedDemoBook } from "../../src/seed/demo-book";
import { ENGINES, type TestDatabase } from "../support/engines";
import { startTestServer, type TestServer } from "../support/server";
import {
  INJECTIONS,
  LONG,
  MARKERS,
  Rng,
  runAll,
  send,
  snapshotTables,
  truncate,
  withoutTrail,
  type RawRequest,
  type RawResponse,
  type TableSnapshot,
} from "./support";

/**
 * Hostile traffic over real HTTP (SPEC §6, §7): schema-derived queries and mutations with wrong
 * types, extreme numbers, garbage IDs and cursors, injection strings and 100 KB strings; deep and
 * wide documents; broken envelopes, oversized and chunked bodies, batches, odd methods and content
 * types; missing, forged, expired and unknown-role tokens. Deterministic: one seed, one run.
 *
 * Mutations are only ever sent malformed (a field the schema cannot coerce) or about rows that do
 * not exist (garbage IDs), so the database must come out of the barrage byte for byte unchanged.
 */

const SEED = 0x5eed_2026;
/** Sweeps plus random requests (about 1,100 of them). */
const REQUESTS = 2000;
const CONCURRENCY = 8;

const schema = buildSchema(fs.readFileSync(path.resolve(__dirname, "../../schema.graphql"), "utf8"));
const queryType = schema.getQueryType() as GraphQLObjectType;
const mutationType = schema.getMutationType() as GraphQLObjectType;

// ------------------------------------------------------------------------------------ payloads

/** Money past DECIMAL(20,2) and SPEC §10's ranges (below 10^15, at most 2 decimals, "positive" ≥ 0.01). */
const OVERFLOW_MONEY = [
  "999999999999999999.9999",
  "-999999999999999999.9999",
  "1000000000000000",
  "99999999999999999999999999999999",
  "0.0001",
  "0.001",
  "1e300",
];
const ODD_STRINGS = ["", " ", "😀🚀", "\ud800", "%00", "\\", '"', "\n\r\t", "null", "NaN", "客户", "ＳＥＬＥＣＴ"];
const NUMBERS = [-1, 0, 1e12, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 1.5, -0.5, 1e308];

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");

/** IDs that name no row of any type a mutation takes. */
const GARBAGE_IDS = [
  "",
  "0",
  "-1",
  "1",
  "null",
  "Q2xpZW50OjE=",
  "A".repeat(65),
  b64("Client:0"),
  b64("Client:99999999"),
  b64("Client:2147483648"),
  b64("CreditFacility:2147483647"),
  b64("PostLoanReview:-1"),
  b64("Alert:1e3"),
  b64("Product:1 OR 1=1"),
  b64("Segment:01"),
  b64("__proto__:1"),
  b64("constructor:1"),
  b64("Client:1\u0000"),
  b64("client:1"),
  ...INJECTIONS,
];

/** Cursors: malformed, of another list, and well-formed with hostile keys. */
const CURSORS = [
  "",
  "abc",
  "%%%",
  "A".repeat(513),
  b64("{}"),
  b64("[]"),
  b64(JSON.stringify(["client"])),
  b64(JSON.stringify(["client", "' OR 1=1 --"])),
  b64(JSON.stringify(["client", 1e15])),
  b64(JSON.stringify(["client", { $gt: "" }])),
  b64(JSON.stringify(["audit", "not a date", 1])),
  b64(JSON.stringify(["audit", "2026-01-01T00:00:00.000Z", "x"])),
  b64(JSON.stringify(["facility", "not a date", 1])),
  b64(JSON.stringify(["review", "+275760-09-13T00:00:00.000Z", 1])),
  b64(JSON.stringify(["alert", "2026-01-01T00:00:00.000Z", -1])),
  b64(JSON.stringify(["alert", "2026-01-01T00:00:00.000Z", 1.5])),
  b64(JSON.stringify(["review", "2026-01-01T00:00:00.000Z", 2 ** 53 - 1])),
  ...INJECTIONS,
];

const ENTITY_ID = /^(client|product|facility|review|alert)Id$/;

// ------------------------------------------------------------------------------------ values

class EnumVal {
  constructor(readonly name: string) {}
}
interface ValObject {
  [key: string]: Val;
}
type Val = null | boolean | number | string | EnumVal | Val[] | ValObject;

const isValObject = (v: Val): v is ValObject =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof EnumVal);

function printLiteral(v: Val): string {
  if (v === null) return "null";
  if (v instanceof EnumVal) return v.name;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(printLiteral).join(", ")}]`;
  return `{ ${Object.entries(v)
    .map(([k, x]) => `${k}: ${printLiteral(x)}`)
    .join(", ")} }`;
}

function toJson(v: Val): unknown {
  if (v instanceof EnumVal) return v.name;
  if (Array.isArray(v)) return v.map(toJson);
  if (isValObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

/** Does the input name a row through an ID (so garbage IDs alone keep it from writing)? */
function hasEntityId(t: GraphQLInputObjectType): boolean {
  return Object.values(t.getFields()).some((f) => {
    const named = getNamedType(f.type);
    if (isInputObjectType(named)) return hasEntityId(named);
    return named.name === "ID" && ENTITY_ID.test(f.name) && isNonNullType(f.type);
  });
}

// ------------------------------------------------------------------------------------ the book

interface Book {
  /** Real global IDs of every type: reads only. */
  realIds: string[];
  /** Real IDs of types no mutation takes: garbage for a mutation, a real row for `node`. */
  wrongTypeIds: string[];
  clientNos: string[];
  codes: string[];
  branch: string;
}

async function loadBook(ds: DataSource): Promise<Book> {
  const ids = async (table: string) =>
    ((await ds.query(`SELECT \`id\` FROM \`${table}\` ORDER BY \`id\` LIMIT 5`)) as { id: unknown }[]).map((r) =>
      Number(r.id),
    );
  const clients = (await ds.query("SELECT `clientNo`, `branch` FROM `client` ORDER BY `id` LIMIT 10")) as {
    clientNo: string;
    branch: string;
  }[];
  const codes = [
    ...((await ds.query("SELECT `code` FROM `segment`")) as { code: string }[]),
    ...((await ds.query("SELECT `code` FROM `product`")) as { code: string }[]),
  ].map((r) => r.code);
  const realIds = [
    ...(await ids("client")).map((id) => toGlobalId("Client", id)),
    ...(await ids("segment")).map((id) => toGlobalId("Segment", id)),
    ...(await ids("product")).map((id) => toGlobalId("Product", id)),
    ...(await ids("credit_facility")).map((id) => toGlobalId("CreditFacility", id)),
    ...(await ids("post_loan_review")).map((id) => toGlobalId("PostLoanReview", id)),
    ...(await ids("alert")).map((id) => toGlobalId("Alert", id)),
  ];
  const wrongTypeIds = [
    ...(await ids("portrait")).map((id) => toGlobalId("Portrait", id)),
    ...(await ids("risk_assessment")).map((id) => toGlobalId("RiskAssessment", id)),
  ];
  return {
    realIds: [...realIds, ...wrongTypeIds],
    wrongTypeIds,
    clientNos: clients.map((c) => c.clientNo),
    codes,
    branch: clients[0].branch,
  };
}

// ------------------------------------------------------------------------------------ operations

interface GenOptions {
  /** Chance a value is replaced by a hostile one. */
  hostile: number;
  /** Chance an argument goes through a variable rather than a literal. */
  vars: number;
  /** Every ID names no row a mutation could touch. */
  garbageIds: boolean;
  maxDepth: number;
  /** Chance a field is aliased. */
  aliases: number;
}

interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

/** Builds one operation from the schema: fields, arguments and values, hostile at the given rate. */
class OperationBuilder {
  private readonly variables: { name: string; type: string; value: unknown }[] = [];
  private aliasCount = 0;
  private longUsed = false;

  constructor(
    private readonly rng: Rng,
    private readonly book: Book,
    private readonly o: GenOptions,
  ) {}

  build(kind: "query" | "mutation", body: string, name?: string): Operation {
    const decl = this.variables.length ? `(${this.variables.map((v) => `$${v.name}: ${v.type}`).join(", ")})` : "";
    return {
      query: `${kind}${name ? ` ${name}` : ""}${decl} { ${body} }`,
      variables: Object.fromEntries(this.variables.map((v) => [v.name, v.value])),
    };
  }

  selection(type: GraphQLObjectType | GraphQLInterfaceType, depth: number): string {
    const fields = Object.values(type.getFields());
    const chosen = this.rng.sample(fields, this.rng.between(1, Math.min(4, fields.length)));
    const parts = chosen.map((f) => this.field(f, depth));
    if (isInterfaceType(type)) {
      const impl = this.rng.pick(schema.getPossibleTypes(type));
      parts.push(`... on ${impl.name} { ${this.selection(impl, depth + 1)} }`);
    }
    if (this.rng.chance(0.1)) parts.push("__typename");
    if (this.rng.chance(this.o.hostile * 0.1)) {
      parts.push(
        this.rng.pick([
          "bogusField",
          "__typename { nested }",
          `${fields[0].name} @skip(if: "yes")`,
          `${fields[0].name} @include`,
          `${fields[0].name} @bogus`,
          "...Missing",
          "... on NotAType { id }",
        ]),
      );
    }
    return parts.join(" ");
  }

  field(f: GraphQLField<unknown, unknown>, depth: number): string {
    const alias = this.rng.chance(this.o.aliases) ? `a${(this.aliasCount += 1)}: ` : "";
    const head = `${alias}${f.name}${this.args(f.args)}`;
    const named = getNamedType(f.type);
    if (isLeafType(named)) return head;
    if (depth >= this.o.maxDepth) return `${head} { __typename }`;
    return `${head} { ${this.selection(named as GraphQLObjectType, depth + 1)} }`;
  }

  /** A mutation field: garbage IDs, and a field no coercion accepts unless garbage IDs alone keep it from writing. */
  mutationField(f: GraphQLField<unknown, unknown>): string {
    const [input] = f.args;
    const inputType = getNullableType(input.type) as GraphQLInputObjectType;
    let value = this.value(input.type, input.name);
    if (!hasEntityId(inputType) || this.rng.chance(0.35)) value = this.corruptInput(inputType, value);
    const alias = this.rng.chance(this.o.aliases) ? `a${(this.aliasCount += 1)}: ` : "";
    const payload = getNamedType(f.type) as GraphQLObjectType;
    return `${alias}${f.name}(${input.name}: ${this.pass(input.type, value)}) { ${this.selection(payload, 2)} }`;
  }

  /** As mutationField, with `value` in the input's field `name` (the rest valid, so `value` is what is judged). */
  mutationFieldWith(f: GraphQLField<unknown, unknown>, name: string, value: Val): string {
    const [input] = f.args;
    const inputType = getNullableType(input.type) as GraphQLInputObjectType;
    let v = this.value(input.type, input.name);
    if (isValObject(v)) v = { ...v, [name]: value };
    // Without an ID that names no row, only a field no coercion accepts keeps the mutation from writing.
    if (!hasEntityId(inputType)) v = this.corruptInput(inputType, v, name);
    const payload = getNamedType(f.type) as GraphQLObjectType;
    return `${f.name}(${input.name}: ${this.pass(input.type, v)}) { ${this.selection(payload, 2)} }`;
  }

  private args(args: readonly GraphQLArgument[]): string {
    const parts: string[] = [];
    for (const a of args) {
      const required = isNonNullType(a.type) && a.defaultValue === undefined;
      if (required ? this.rng.chance(this.o.hostile * 0.05) : !this.rng.chance(0.5)) continue;
      parts.push(`${a.name}: ${this.pass(a.type, this.value(a.type, a.name))}`);
    }
    if (this.rng.chance(this.o.hostile * 0.05)) parts.push(`bogusArg: ${printLiteral(this.hostileString())}`);
    return parts.length ? `(${parts.join(", ")})` : "";
  }

  /** As a literal, or through a variable (now and then declared with the wrong type). */
  private pass(type: GraphQLInputType, v: Val): string {
    if (!this.rng.chance(this.o.vars)) return printLiteral(v);
    const name = `v${this.variables.length}`;
    const declared = this.rng.chance(this.o.hostile * 0.1)
      ? this.rng.pick(["String", "Int", "[ID]", "Boolean!", "NotAType"])
      : String(type);
    this.variables.push({ name, type: declared, value: toJson(v) });
    return `$${name}`;
  }

  value(type: GraphQLInputType, field: string): Val {
    if (isNonNullType(type)) {
      if (this.rng.chance(this.o.hostile * 0.1)) return null;
      return this.value(type.ofType, field);
    }
    if (this.rng.chance(this.o.hostile)) return this.hostileFor(type, field);
    if (isListType(type)) {
      const n = this.o.garbageIds ? this.rng.between(1, 2) : this.rng.between(0, 2);
      return Array.from({ length: n }, () => this.value(type.ofType, field));
    }
    if (isEnumType(type)) return new EnumVal(this.rng.pick(type.getValues()).name);
    if (isInputObjectType(type)) {
      const out: ValObject = {};
      for (const f of Object.values(type.getFields())) {
        const required = isNonNullType(f.type) && f.defaultValue === undefined;
        if (required || this.rng.chance(0.4)) out[f.name] = this.value(f.type, f.name);
      }
      return out;
    }
    return this.validScalar((type as GraphQLScalarType).name, field);
  }

  private validScalar(name: string, field: string): Val {
    const r = this.rng;
    switch (name) {
      case "Int":
        return field === "first" ? r.pick([1, 2, 3, 5, 10]) : r.pick([0, 1, 5, 30, 90]);
      case "Float":
        return r.pick([0, 0.5, 1]);
      case "Boolean":
        return r.chance(0.5);
      case "ID":
        return this.id();
      case "Date":
        return r.pick(["2026-11-27", "2026-01-01", "2027-02-28"]);
      case "DateTime":
        return "2026-11-27T08:00:00.000Z";
      case "Decimal":
        return r.pick(["0", "1250000.00", "1.5000", "-1"]);
      default:
        if (field === "after") return r.pick(CURSORS);
        if (field === "clientNo") return r.pick(this.book.clientNos);
        if (field === "clientNoPrefix") return r.pick(this.book.clientNos).slice(0, 4);
        if (/code$/i.test(field)) return r.pick(this.book.codes);
        if (field === "branch") return this.book.branch;
        if (/Version$/.test(field)) return "2026-01";
        return "fuzz";
    }
  }

  private id(): string {
    if (this.o.garbageIds) return this.rng.pick([...GARBAGE_IDS, ...this.book.wrongTypeIds]);
    return this.rng.chance(0.7) ? this.rng.pick(this.book.realIds) : this.rng.pick(GARBAGE_IDS);
  }

  private long(): string {
    if (this.longUsed) return this.rng.pick(INJECTIONS);
    this.longUsed = true;
    return LONG;
  }

  private hostileString(): string {
    return this.rng.chance(0.1) ? this.long() : this.rng.pick([...INJECTIONS, ...INJECTIONS, ...ODD_STRINGS]);
  }

  private hostileAny(): Val {
    const r = this.rng;
    return r.pick<() => Val>([
      () => this.hostileString(),
      () => r.pick(NUMBERS),
      () => true,
      () => [this.hostileString()],
      () => [[r.pick(NUMBERS)]],
      () => ({ injected: this.hostileString() }),
    ])();
  }

  /** Short hostile values, for lists of thousands. */
  private smallHostile(type: GraphQLInputType): Val {
    const named = getNamedType(type);
    if (named.name === "ID") return this.rng.pick(GARBAGE_IDS);
    if (isInputObjectType(named)) return this.rng.pick(INJECTIONS);
    return this.rng.chance(0.5) ? this.rng.pick(INJECTIONS) : this.rng.pick(NUMBERS);
  }

  private hostileFor(type: GraphQLInputType, field: string): Val {
    const r = this.rng;
    if (isListType(type)) {
      return r.pick<() => Val>([
        () => Array.from({ length: r.pick([100, 1000, 5000]) }, () => this.smallHostile(type.ofType)),
        () => [[this.smallHostile(type.ofType)]],
        () => [null],
        () => this.hostileAny(),
      ])();
    }
    if (isEnumType(type)) return r.pick([new EnumVal("DROP_TABLE"), new EnumVal("null"), "ACTIVE", INJECTIONS[0], 0]);
    if (isInputObjectType(type)) {
      return r.pick<() => Val>([() => this.hostileAny(), () => ({ bogusField: this.hostileString() }), () => ({})])();
    }
    switch ((type as GraphQLScalarType).name) {
      case "Int":
      case "Float":
        return r.chance(0.8) ? r.pick(NUMBERS) : this.hostileAny();
      case "ID":
        return r.chance(0.8) ? r.pick(GARBAGE_IDS) : this.hostileAny();
      case "Boolean":
        return r.pick(["true", 1, 0, null]);
      case "Date":
        return r.pick<Val>([
          "2026-02-30",
          "0000-00-00",
          "9999-12-31",
          "-0001-01-01",
          "2026-11-27T00:00:00Z",
          "",
          20261127,
          this.hostileString(),
        ]);
      case "DateTime":
        return r.pick<Val>([
          "2026-11-27",
          "2026-11-27T25:00:00Z",
          "9999-12-31T23:59:59.999Z",
          "0000-01-01T00:00:00Z",
          "+275760-09-13T00:00:00.000Z",
          0,
          this.hostileString(),
        ]);
      case "Decimal":
        return r.pick<Val>([
          1e12,
          "1e12",
          "NaN",
          "Infinity",
          "-0",
          "999999999999999999",
          "9999999999999999999",
          ...OVERFLOW_MONEY,
          "0.00001",
          "1,000",
          "--1",
          " 1",
          "",
          this.hostileString(),
        ]);
      default:
        if (field === "after") return r.pick(CURSORS);
        return r.chance(0.85) ? this.hostileString() : r.pick(NUMBERS);
    }
  }

  /** A value no coercion of `type` accepts. */
  private corrupt(type: GraphQLInputType): Val {
    const r = this.rng;
    if (isNonNullType(type)) return r.chance(0.3) ? null : this.corrupt(type.ofType);
    if (isListType(type)) return [this.corrupt(type.ofType)];
    if (isEnumType(type)) return r.pick([new EnumVal("NOT_A_VALUE"), "C4x", 3]);
    if (isInputObjectType(type)) return r.pick(["not an object", 42, true]);
    switch ((type as GraphQLScalarType).name) {
      case "Int":
        return r.pick(["12", 2 ** 31, 1.5, true, 1e12]);
      case "Float":
        return r.pick(["1.5", true]);
      case "Boolean":
        return r.pick(["true", 1, 0]);
      case "ID":
        return r.pick([1.5, true]);
      case "Date":
        return r.pick(["2026-02-30", 20261127, "27/11/2026", `2026-11-27${INJECTIONS[1]}`]);
      case "DateTime":
        return r.pick(["yesterday", "2026-11-27", 0]);
      case "Decimal":
        return r.pick([12.5, 1e12, "1e12", "NaN", INJECTIONS[1]]);
      default:
        return r.pick([42, true, 1.5]);
    }
  }

  private corruptInput(t: GraphQLInputObjectType, v: Val, keep?: string): Val {
    // null or a non-object is already refused by coercion.
    if (!isValObject(v)) return v;
    const f = this.rng.pick(Object.values(t.getFields()).filter((x) => x.name !== keep));
    return { ...v, [f.name]: this.corrupt(f.type) };
  }
}

function genOptions(rng: Rng, garbageIds: boolean): GenOptions {
  return {
    hostile: rng.pick([0, 0, 0.1, 0.3, 0.6]),
    vars: rng.pick([0, 0.5, 1]),
    garbageIds,
    maxDepth: rng.between(2, 6),
    aliases: rng.pick([0, 0, 0.1, 0.5]),
  };
}

function schemaQuery(rng: Rng, book: Book): Operation {
  const b = new OperationBuilder(rng, book, genOptions(rng, false));
  const roots = rng.sample(Object.values(queryType.getFields()), rng.between(1, 3));
  return b.build("query", roots.map((f) => b.field(f, 1)).join(" "), rng.chance(0.2) ? "Fuzz" : undefined);
}

function schemaMutation(rng: Rng, book: Book): Operation {
  const b = new OperationBuilder(rng, book, genOptions(rng, true));
  const fields = rng.sample(Object.values(mutationType.getFields()), rng.chance(0.2) ? 2 : 1);
  return b.build("mutation", fields.map((f) => b.mutationField(f)).join(" "), rng.chance(0.2) ? "Fuzz" : undefined);
}

// ------------------------------------------------------------------------------------ tokens

interface Auth {
  label: string;
  /** The Authorization header, or none. */
  header: string | null;
  valid: boolean;
}

async function makeAuths(server: TestServer, branch: string): Promise<{ valid: Auth[]; invalid: Auth[] }> {
  const bearer = (label: string, token: string, valid: boolean): Auth => ({
    label,
    header: `Bearer ${token}`,
    valid,
  });
  const valid: Auth[] = [];
  for (const role of Object.values(Role)) {
    const opts = role === Role.RELATIONSHIP_MANAGER ? { sub: `fuzz-rm`, branch } : { sub: `fuzz-${role}` };
    valid.push(bearer(role, await server.token(role, opts), true));
  }
  valid.push(bearer("RM without branch", await server.token(Role.RELATIONSHIP_MANAGER, { sub: "fuzz-rm2" }), true));
  valid.push(
    bearer(
      "RM of another branch",
      await server.token(Role.RELATIONSHIP_MANAGER, { sub: "fuzz-rm3", branch: "XX" }),
      true,
    ),
  );
  valid.push(bearer("all roles", await server.token(Object.values(Role), { sub: "fuzz-all" }), true));

  const now = Math.floor(Date.now() / 1000);
  const dev = new TextEncoder().encode(DEV_JWT_SECRET);
  const sign = (
    claims: Record<string, unknown>,
    o: { exp?: number | null; iat?: number; nbf?: number; alg?: string; key?: Uint8Array } = {},
  ) => {
    const jwt = new SignJWT(claims as JWTPayload)
      .setProtectedHeader({ alg: o.alg ?? "HS256", typ: "JWT" })
      .setIssuedAt(o.iat ?? now - 7200);
    if (o.exp !== null) jwt.setExpirationTime(o.exp ?? now + 3600);
    if (o.nbf !== undefined) jwt.setNotBefore(o.nbf);
    return jwt.sign(o.key ?? dev);
  };
  const admin = { sub: "mallory", roles: [Role.ADMIN] };
  const viewerToken = await sign({ sub: "mallory", roles: [Role.VIEWER] });
  const [head, , sig] = viewerToken.split(".");
  const forged: [string, string][] = [
    ["expired", await sign(admin, { exp: now - 3600 })],
    ["expired long ago", await sign(admin, { exp: 1 })],
    ["not yet valid", await sign(admin, { nbf: now + 3600 })],
    ["wrong secret", await sign(admin, { key: new TextEncoder().encode("x".repeat(40)) })],
    ["HS512", await sign(admin, { alg: "HS512" })],
    ["alg none", `${b64(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64(JSON.stringify(admin))}.`],
    ["tampered payload", `${head}.${b64(JSON.stringify({ ...admin, exp: now + 3600 }))}.${sig}`],
    ["signature stripped", `${head}.${viewerToken.split(".")[1]}.`],
    ["unknown role", await sign({ sub: "mallory", roles: ["SUPERUSER"] })],
    ["lower-case role", await sign({ sub: "mallory", roles: ["admin"] })],
    ["roles not a list", await sign({ sub: "mallory", roles: "ADMIN" })],
    ["no roles", await sign({ sub: "mallory", roles: [] })],
    ["a known and an unknown role", await sign({ sub: "mallory", roles: [Role.ADMIN, "ROOT"] })],
    ["null role", await sign({ sub: "mallory", roles: [null] })],
    ["no subject", await sign({ roles: [Role.ADMIN] })],
    ["empty subject", await sign({ sub: "", roles: [Role.ADMIN] })],
    ["long subject", await sign({ sub: "s".repeat(65), roles: [Role.ADMIN] })],
    ["numeric subject", await sign({ sub: 42, roles: [Role.ADMIN] })],
    ["numeric branch", await sign({ sub: "mallory", roles: [Role.RELATIONSHIP_MANAGER], branch: 42 })],
    ["long branch", await sign({ sub: "mallory", roles: [Role.RELATIONSHIP_MANAGER], branch: "b".repeat(33) })],
    ["no exp", await sign(admin, { exp: null })],
    ["exp 1e300", await sign(admin, { exp: 1e300 })],
    ["exp in the year 9999", await sign(admin, { exp: Date.UTC(9999, 11, 31) / 1000 })],
    ["iat ten years ahead", await sign(admin, { iat: now + 10 * 365 * 86_400 })],
    ["sub with a NUL", await sign({ sub: "mallory\u0000", roles: [Role.ADMIN] })],
    ["sub with a newline", await sign({ sub: "mallory\nadmin", roles: [Role.ADMIN] })],
    ["sub with a zero-width space", await sign({ sub: "mal\u200blory", roles: [Role.ADMIN] })],
    ["sub of spaces", await sign({ sub: "   ", roles: [Role.ADMIN] })],
    ["three dots", "a.b.c"],
    ["huge token", "A".repeat(8000)],
  ];
  const invalid: Auth[] = [
    { label: "missing", header: null, valid: false },
    { label: "empty bearer", header: "Bearer", valid: false },
    { label: "bearer and blank", header: "Bearer    ", valid: false },
    { label: "basic", header: "Basic YWRtaW46YWRtaW4=", valid: false },
    { label: "other scheme", header: `Token ${viewerToken}`, valid: false },
    { label: "trailing junk", header: `Bearer ${viewerToken} x`, valid: false },
    { label: "injection", header: `Bearer ${INJECTIONS[0]}`, valid: false },
    ...forged.map(([label, token]) => bearer(label, token, false)),
  ];
  return { valid, invalid };
}

// ------------------------------------------------------------------------------------ requests

const GRAPHQL = "/graphql";

function post(kind: string, auth: Auth, body: string | Buffer, headers: Record<string, string> = {}): RawRequest {
  return {
    kind,
    method: "POST",
    path: GRAPHQL,
    headers: { "content-type": "application/json", ...(auth.header ? { authorization: auth.header } : {}), ...headers },
    body,
    auth: auth.label,
  };
}

const json = (op: Operation | Record<string, unknown>) => JSON.stringify(op);

/** Shapes no schema walk produces: depth, width, fragments, directives, names, raw text. */
function shape(rng: Rng, book: Book): { kind: string; body: string; expect?: number[] } {
  const r = rng;
  const variant = r.int(14);
  switch (variant) {
    case 0: {
      let inner = "id";
      const levels = r.between(6, 30);
      for (let i = 0; i < levels; i += 1) inner = `client { facilities { ${inner} } }`;
      return {
        kind: "deep nesting",
        body: json({ query: `{ alerts(first: 1) { nodes { ${inner} } } }` }),
        expect: [400],
      };
    }
    case 1: {
      const n = r.pick([200, 2000, 20_000, 150_000]);
      return {
        kind: "brace bomb",
        body: json({ query: `{ viewer ${"{ a ".repeat(n)}${"}".repeat(n)} }` }),
        expect: [400],
      };
    }
    case 2: {
      const n = r.pick([51, 52, 100, 1000, 5000]);
      const q = Array.from({ length: n }, (_, i) => `a${i}: viewer { subject }`).join(" ");
      return { kind: "many aliases", body: json({ query: `{ ${q} }` }), expect: [400] };
    }
    case 3:
      return {
        kind: "fragment cycle",
        body: json({ query: "{ ...A } fragment A on Query { ...B } fragment B on Query { viewer { subject } ...A }" }),
        expect: [400],
      };
    case 4: {
      // Kept small: the estimator walks each spread anew (see the fan-out test below).
      const k = r.between(1, 12);
      let frags = "fragment F0 on Query { viewer { subject } }";
      for (let i = 1; i <= k; i += 1) frags += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
      return { kind: "fragment fan-out", body: json({ query: `{ ...F${k} } ${frags}` }) };
    }
    case 5:
      return {
        kind: "junk directives",
        body: json({
          query: r.pick([
            `{ viewer @skip(if: ${JSON.stringify(r.pick(INJECTIONS))}) { subject } }`,
            "{ viewer @include { subject } }",
            "{ viewer @bogus(x: 1) { subject } }",
            "{ viewer @skip(if: true) @skip(if: false) { subject } }",
            "query @deprecated { viewer { subject } }",
            "query($s: Boolean!) { viewer @skip(if: $s) { subject } }",
          ]),
          variables: { s: r.pick(INJECTIONS) },
        }),
        expect: [400],
      };
    case 6:
      return {
        kind: "operation names",
        body: json(
          r.pick<Record<string, unknown>>([
            { query: "query A { viewer { subject } } query B { viewer { roles } }" },
            { query: "query A { viewer { subject } }", operationName: r.pick(INJECTIONS) },
            { query: "query A { viewer { subject } } query A { viewer { roles } }", operationName: "A" },
            { query: "query A { viewer { subject } }", operationName: LONG },
          ]),
        ),
        expect: [400],
      };
    case 7:
      return { kind: "subscription", body: json({ query: "subscription { viewer { subject } }" }) };
    case 8:
      return {
        kind: "introspection",
        body: json({
          query: r.pick([
            "{ __schema { types { name fields { name } } } }",
            `{ __type(name: ${JSON.stringify(r.pick(INJECTIONS))}) { name } }`,
            '{ __type(name: "Client") { fields { name type { name ofType { name ofType { name } } } } } }',
          ]),
        }),
      };
    case 9: {
      const n = r.pick([0, 1, 100, 500, 501, 5000, 40_000]);
      const ids = Array.from({ length: n }, () => (r.chance(0.5) ? r.pick(book.realIds) : r.pick(GARBAGE_IDS)));
      return {
        kind: "nodes(ids) of many",
        body: json({ query: "query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }", variables: { ids } }),
      };
    }
    case 10: {
      const s = JSON.stringify(r.chance(0.5) ? LONG : r.pick(INJECTIONS));
      return {
        kind: "hostile string literal",
        body: json({
          query: r.pick([
            `{ client(clientNo: ${s}) { id } }`,
            `{ clients(filter: { clientNoPrefix: ${s} }) { totalCount } }`,
            `{ clients(filter: { segmentCode: ${s}, branch: ${s} }) { totalCount } }`,
            `{ product(code: ${s}) { id } }`,
            `{ segment(code: ${s}) { id } }`,
            `{ auditLog(filter: { actor: ${s}, action: ${s}, entityId: ${s} }) { totalCount } }`,
            `{ reviews(filter: { assignee: ${s} }) { totalCount } }`,
            `{ facilities(filter: { productCode: ${s} }) { totalCount } }`,
            `{ node(id: ${s}) { id } }`,
            `{ clients(first: ${s}) { totalCount } }`,
            `{ clients(filter: ${s}) { totalCount } }`,
            `{ clients(filter: { minAvgDailyAssets: ${s} }) { totalCount } }`,
            `{ simulateFit(input: ${s}) { segment { matched } } }`,
          ]),
        }),
      };
    }
    case 11: {
      const c = JSON.stringify(r.pick(CURSORS));
      return {
        kind: "hostile cursor",
        body: json({
          query: r.pick([
            `{ clients(after: ${c}) { totalCount nodes { id } } }`,
            `{ auditLog(after: ${c}) { totalCount nodes { id } } }`,
            `{ facilities(after: ${c}) { nodes { id } } }`,
            `{ reviews(after: ${c}) { nodes { id } } }`,
            `{ alerts(after: ${c}) { nodes { id } } }`,
            `{ segment(code: ${JSON.stringify(book.codes[0])}) { members(after: ${c}) { nodes { id } } } }`,
            `{ clients(first: 3) { nodes { reviews(after: ${c}) { nodes { id } } alerts(after: ${c}) { totalCount } } } }`,
            `{ facilities(first: 3) { nodes { reviews(after: ${c}) { totalCount } } } }`,
          ]),
        }),
      };
    }
    case 12: {
      const n = r.pick([-1, 0, 1e12, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 501, 500, 1.5]);
      return {
        kind: "extreme first",
        body: json({
          query: r.pick([
            `{ clients(first: ${n}) { totalCount nodes { id } } }`,
            `{ alerts(first: ${n}) { nodes { id } } }`,
            `{ auditLog(first: ${n}) { nodes { id } } }`,
            `{ clients(first: 2) { nodes { reviews(first: ${n}) { nodes { id } } productFits(first: ${n}) { eligible } } } }`,
            `{ segments { members(first: ${n}) { totalCount } } }`,
            "query($n: Int) { clients(first: $n) { totalCount } }",
          ]),
          variables: { n },
        }),
      };
    }
    default:
      return {
        kind: "raw query text",
        body: json({
          query: r.pick([
            "\u0000",
            "{",
            "}",
            "query",
            "{ viewer { subject } } trailing",
            "\ufeff{ viewer { subject } }",
            "# only a comment",
            "{ viewer { subject } } { viewer { roles } }",
            `{ ${"a".repeat(100_000)} }`,
            "{ viewer { subject } ",
            "{ viewer { subject(x: $undeclared) } }",
            "{ viewer { subject } } fragment F on Viewer { subject } fragment F on Viewer { roles }",
            `{ viewer { subject } } # ${INJECTIONS[2]}`,
            `{ viewer { ${INJECTIONS[2]} } }`,
            "mutation { }",
            "{ clients(first: 1) { nodes { id name name: idNumber } } }",
          ]),
        }),
      };
  }
}

/** Envelopes: the JSON body is valid, its members are not. */
function envelope(rng: Rng): { kind: string; body: string } {
  const q = "{ viewer { subject } }";
  const bodies: (() => string)[] = [
    () => "{}",
    () => json({ query: null }),
    () => json({ query: 123 }),
    () => json({ query: [q] }),
    () => json({ query: {} }),
    () => json({ query: true }),
    () => json({ query: q, variables: "' OR 1=1 --" }),
    () => json({ query: q, variables: [1, 2] }),
    () => json({ query: q, variables: 123 }),
    () => json({ query: q, operationName: 5 }),
    () => json({ query: q, extensions: "x" }),
    () => json({ query: q, extensions: { persistedQuery: { version: 1, sha256Hash: INJECTIONS[0] } } }),
    () => json({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }),
    () => json({ extensions: { persistedQuery: { version: 99, sha256Hash: INJECTIONS[1] } } }),
    () => `{"query":${JSON.stringify(q)},"__proto__":{"isAdmin":true,"roles":["ADMIN"]}}`,
    () => `{"query":${JSON.stringify(q)},"constructor":{"prototype":{"isAdmin":true}}}`,
    () => `{"query":${JSON.stringify(q)},"query":"mutation { processMaturities(input: { asOf: 1 }) { count } }"}`,
    // Too deep for JSON.stringify here; the server's JSON.parse must cope.
    () =>
      `{"query":"query($ids: [ID!]) { nodes(ids: $ids) { id } }","variables":{"ids":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`,
    () => json({ query: q, variables: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) }),
    () =>
      json({
        query: "query($f: ClientFilter) { clients(filter: $f) { totalCount } }",
        variables: { f: { a: { b: 1 } } },
      }),
  ];
  return { kind: "envelope", body: rng.pick(bodies)() };
}

function httpLevel(rng: Rng, auth: Auth): RawRequest {
  const r = rng;
  const q = json({ query: "{ viewer { subject } }" });
  const authHeader: Record<string, string> = auth.header ? { authorization: auth.header } : {};
  switch (r.int(8)) {
    case 0: {
      const body = r.pick([
        "{ not json",
        "",
        "{",
        '{"query": }',
        '"just a string"',
        "null",
        "123",
        "\ufeff" + q,
        "{'query': '{ viewer { subject } }'}",
        `{"query":"{ viewer\u0000 { subject } }"`,
        q.slice(0, -3),
        "[".repeat(100_000),
        `{"query": ${JSON.stringify(INJECTIONS[1])}`,
      ]);
      return { ...post("invalid JSON", auth, body), expect: [400] };
    }
    case 1: {
      const n = r.pick([1, 2, 50]);
      const ops = Array.from({ length: n }, () =>
        r.chance(0.5)
          ? { query: "{ viewer { subject } }" }
          : { query: "mutation { processMaturities(input: { asOf: 1 }) { count } }" },
      );
      return { ...post("batch", auth, r.chance(0.9) ? JSON.stringify(ops) : "[[], {}, 1]"), expect: [400] };
    }
    case 2: {
      const type = r.pick([
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/graphql",
        "application/json; charset=utf-16",
        "application/xml",
        "*/*",
        "application/json, text/plain",
        "",
      ]);
      return post("content type", auth, q, { "content-type": type });
    }
    case 3: {
      const size = r.pick([MAX_BODY_BYTES + 1, MAX_BODY_BYTES + 512 * 1024, 3 * MAX_BODY_BYTES]);
      const padded = JSON.stringify({ query: `{ viewer { subject } } # ${"x".repeat(size)}` });
      return { ...post("oversized", auth, padded), chunked: r.chance(0.5), expect: [413] };
    }
    case 4:
      return {
        kind: "method",
        // OPTIONS (a CORS preflight) and HEAD (a bodiless GET) are answered since SPEC §11.
        method: r.pick(["PUT", "DELETE", "PATCH", "TRACE", "PROPFIND"]),
        path: GRAPHQL,
        headers: { "content-type": "application/json", ...authHeader },
        expect: [405],
        auth: auth.label,
      };
    case 5: {
      const mutation = r.chance(0.5);
      const query = mutation
        ? r.pick([
            "mutation { processMaturities(input: { asOf: 20261127 }) { count } }",
            `mutation { resolveAlert(input: { alertId: ${JSON.stringify(r.pick(GARBAGE_IDS))} }) { userErrors { code } } }`,
          ])
        : r.pick(["{ viewer { subject } }", "{ clients(first: 2) { nodes { id } } }"]);
      const preflight = r.chance(0.6);
      const extra = r.pick(["", "&variables=%7Bnot%20json", `&operationName=${encodeURIComponent(INJECTIONS[2])}`]);
      return {
        kind: mutation ? "GET mutation" : "GET query",
        method: "GET",
        path: `${GRAPHQL}?query=${encodeURIComponent(query)}${extra}`,
        headers: { ...authHeader, ...(preflight ? { "apollo-require-preflight": "true" } : {}) },
        expect: mutation ? [400, 405] : undefined,
        auth: auth.label,
      };
    }
    case 6:
      return post("request id", auth, q, {
        "x-request-id": r.pick([INJECTIONS[0], INJECTIONS[2], "a".repeat(200), "../../etc/passwd"]),
      });
    default: {
      const header = r.pick<Record<string, string>>([
        { "x-huge": "h".repeat(20_000) },
        { "content-encoding": "gzip" },
        { expect: "100-continue" },
        { "x-forwarded-for": INJECTIONS[0] },
        { cookie: `session=${INJECTIONS[2]}` },
      ]);
      return post("headers", auth, q, header);
    }
  }
}

function route(rng: Rng, book: Book, auth: Auth): RawRequest {
  const r = rng;
  const authHeader: Record<string, string> = auth.header ? { authorization: auth.header } : {};
  if (r.chance(0.35)) {
    const p = r.pick([
      "/",
      "/graphql/",
      "/GRAPHQL",
      "/graphql%00",
      "/..%2f..%2fetc%2fpasswd",
      `/${encodeURIComponent(INJECTIONS[2])}`,
      "/export/segments//members",
      "/export/segments/x/members/extra",
    ]);
    return {
      kind: "unknown path",
      method: r.pick(["GET", "POST"]),
      path: p,
      headers: authHeader,
      expect: [404],
      auth: auth.label,
    };
  }
  if (r.chance(0.2)) {
    return {
      kind: "probe",
      method: r.pick(["GET", "POST", "DELETE"]),
      path: r.pick(["/healthz", "/readyz", "/metrics", `/metrics?x=${encodeURIComponent(INJECTIONS[2])}`]),
      headers: authHeader,
      auth: auth.label,
    };
  }
  const malformed = r.chance(0.25);
  const code = malformed
    ? r.pick(["%E0%A4%A", "%ZZ", "%", "%uD800"])
    : r.pick([...book.codes, ...INJECTIONS.map(encodeURIComponent), "S".repeat(5000), "..%2F..%2Fetc"]);
  const format = r.pick(["ndjson", "csv", "ndjson", "csv", "xml", encodeURIComponent(INJECTIONS[2]), ""]);
  const method = r.chance(0.85) ? "GET" : "POST";
  const role = auth.label;
  const allowed = [Role.ANALYST, Role.RISK_OFFICER, Role.COMPLIANCE, Role.ADMIN, "all roles"].includes(role);
  let expect: number[] | undefined;
  if (method !== "GET") expect = [405];
  else if (!auth.valid) expect = [401];
  else if (!allowed) expect = [403];
  else if (format !== "ndjson" && format !== "csv") expect = [400];
  else if (malformed) expect = [400, 404];
  else if (!book.codes.includes(code)) expect = [404];
  return {
    kind: malformed ? "export, malformed code" : "export",
    method,
    path: `/export/segments/${code}/members?format=${format}`,
    headers: authHeader,
    expect,
    auth: auth.label,
  };
}

/** The lists that take `first` and `after`, as documents with a hole for each. */
const LISTS: ((first: string, after: string) => string)[] = [
  (f, a) => `{ clients(first: ${f}, after: ${a}) { totalCount nodes { id } } }`,
  (f, a) => `{ auditLog(first: ${f}, after: ${a}) { totalCount nodes { id } } }`,
  (f, a) => `{ facilities(first: ${f}, after: ${a}) { nodes { id } } }`,
  (f, a) => `{ reviews(first: ${f}, after: ${a}) { nodes { id } } }`,
  (f, a) => `{ alerts(first: ${f}, after: ${a}) { nodes { id } } }`,
  (f, a) => `{ segments { members(first: ${f}, after: ${a}) { nodes { id } } } }`,
  (f, a) => `{ clients(first: 3) { nodes { reviews(first: ${f}, after: ${a}) { nodes { id } } } } }`,
  (f, a) => `{ clients(first: 3) { nodes { alerts(first: ${f}, after: ${a}) { totalCount } } } }`,
  (f, a) => `{ facilities(first: 3) { nodes { reviews(first: ${f}, after: ${a}) { totalCount } } } }`,
];

/** String arguments, each with a hole. */
const STRING_ARGS: ((s: string) => string)[] = [
  (s) => `{ client(clientNo: ${s}) { id } }`,
  (s) => `{ client(id: ${s}) { id } }`,
  (s) => `{ node(id: ${s}) { id } }`,
  (s) => `{ nodes(ids: [${s}]) { id } }`,
  (s) => `{ clients(filter: { clientNoPrefix: ${s} }) { totalCount } }`,
  (s) => `{ clients(filter: { segmentCode: ${s}, branch: ${s} }) { totalCount } }`,
  (s) => `{ clients(filter: { minAvgDailyAssets: ${s} }) { totalCount } }`,
  (s) => `{ clients(filter: ${s}) { totalCount } }`,
  (s) => `{ clients(first: ${s}) { totalCount } }`,
  (s) => `{ product(code: ${s}) { id } }`,
  (s) => `{ segment(code: ${s}) { id } }`,
  (s) => `{ auditLog(filter: { actor: ${s}, action: ${s}, entityId: ${s} }) { totalCount } }`,
  (s) => `{ reviews(filter: { assignee: ${s}, dueBefore: ${s} }) { totalCount } }`,
  (s) => `{ facilities(filter: { productCode: ${s}, maturityBefore: ${s} }) { totalCount } }`,
  (s) => `{ simulateFit(input: ${s}) { segment { matched } } }`,
  (s) =>
    `{ simulateFit(input: { avgDailyAssets20d: ${s}, clientType: INDIVIDUAL, creditRating: A, experienceMonths: 1 }) { segment { matched } } }`,
];

/**
 * Systematic sweeps before the random part: every hostile cursor and every extreme `first` on every
 * list, every injection in every string argument (literal and variable), every forged token.
 */
function sweeps(auths: { valid: Auth[]; invalid: Auth[] }): RawRequest[] {
  const out: RawRequest[] = [];
  let turn = 0;
  const auth = () => auths.valid[(turn += 1) % auths.valid.length];
  for (const list of LISTS) {
    for (const cursor of CURSORS)
      out.push(post("hostile cursor", auth(), json({ query: list("2", JSON.stringify(cursor)) })));
    for (const first of [-1, 0, 1e12, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 501, 1.5]) {
      out.push(post("extreme first", auth(), json({ query: list(String(first), "null") })));
    }
    out.push(
      post("extreme first", auth(), json({ query: `query($n: Int) ${list("$n", "null")}`, variables: { n: 1e12 } })),
    );
  }
  for (const hole of STRING_ARGS) {
    for (const s of [...INJECTIONS, LONG]) {
      out.push(post("hostile string literal", auth(), json({ query: hole(JSON.stringify(s)) })));
    }
  }
  // A mutation over GET is refused whether or not the document is valid, and whether or not it passes the CSRF check.
  for (const query of [
    `mutation { resolveAlert(input: { alertId: ${JSON.stringify(GARBAGE_IDS[8])} }) { userErrors { code } } }`,
    "mutation { processMaturities(input: { asOf: 20261127 }) { count } }",
  ]) {
    for (const preflight of [true, false]) {
      const a = auth();
      out.push({
        kind: "GET mutation",
        method: "GET",
        path: `${GRAPHQL}?query=${encodeURIComponent(query)}`,
        headers: { authorization: a.header ?? "", ...(preflight ? { "apollo-require-preflight": "true" } : {}) },
        expect: [400, 405],
        auth: a.label,
      });
    }
  }
  for (const bad of auths.invalid) {
    out.push({ ...post("bad token", bad, json({ query: "{ viewer { subject roles } }" })), expect: [401] });
  }
  return out;
}

/** Distinct operation names sent, more than /metrics keeps as labels (SPEC §10: 200). */
const DISTINCT_NAMES = 300;

/**
 * Issue 12's hostile inputs, each sent whatever the random part does (its own seed, so the random
 * part is unchanged): variable defaults that would hide a query's cost, aliases of defaulted heavy
 * pages, 200 KB and 300 distinct operation names, money past every range in each mutation and filter.
 */
function defectSweeps(rng: Rng, book: Book, auths: { valid: Auth[]; invalid: Auth[] }): RawRequest[] {
  const out: RawRequest[] = [];
  let turn = 0;
  const auth = () => auths.valid[(turn += 1) % auths.valid.length];
  const heavy = [
    "query($f: Int = 500) { clients(first: $f) { nodes { reviews(first: $f) { nodes { id } } } } }",
    "query($f: Int = 500) { clients(first: $f) { ...C } } fragment C on ClientConnection { nodes { reviews(first: $f) { nodes { id } } } }",
    "query($f: Int = 500) { clients(first: $f) { nodes { ... on Client { alerts(first: $f) { nodes { id } } } } } }",
    "query($f: Int = 500, $g: Int = 500) { facilities(first: $f) { nodes { reviews(first: $g) { nodes { id } } } } }",
    'query($ids: [ID!]! = ["a", "b"], $f: Int = 500) { nodes(ids: $ids) { id } clients(first: $f) { nodes { reviews(first: $f) { nodes { id } } } } }',
  ];
  for (const query of heavy) {
    out.push({ ...post("variable defaults", auth(), json({ query })), expect: [400] });
    out.push({ ...post("variable defaults", auth(), json({ query, variables: {} })), expect: [400] });
  }
  for (const n of [10, 20, 50]) {
    const aliases = Array.from(
      { length: n },
      (_, i) => `a${i}: clients(first: $f) { nodes { productFits(first: $g) { eligible reasons { code } } } }`,
    ).join(" ");
    out.push({
      ...post("aliases × defaults", auth(), json({ query: `query($f: Int = 500, $g: Int = 50) { ${aliases} }` })),
      expect: [400],
    });
  }
  const longName = `Q${"x".repeat(200 * 1024)}`;
  for (const operationName of [longName, undefined]) {
    out.push(
      post(
        "long operation name",
        auth(),
        json({ query: `query ${longName} { viewer { subject } }`, ...(operationName ? { operationName } : {}) }),
      ),
    );
  }
  for (let i = 0; i < DISTINCT_NAMES; i += 1) {
    const name = `Fuzz_${i}_${rng.int(1e9).toString(36)}`;
    out.push(post("distinct operation names", auth(), json({ query: `query ${name} { viewer { subject } }` })));
  }
  for (const f of Object.values(mutationType.getFields())) {
    const inputType = getNullableType(f.args[0].type) as GraphQLInputObjectType;
    for (const field of Object.values(inputType.getFields())) {
      if (getNamedType(field.type).name !== "Decimal") continue;
      for (const money of OVERFLOW_MONEY.slice(0, 3)) {
        const b = new OperationBuilder(rng, book, { hostile: 0, vars: 0.5, garbageIds: true, maxDepth: 2, aliases: 0 });
        out.push(post("overflow money", auth(), json(b.build("mutation", b.mutationFieldWith(f, field.name, money)))));
      }
    }
  }
  for (const money of OVERFLOW_MONEY) {
    const m = JSON.stringify(money);
    for (const query of [
      `{ clients(filter: { minAvgDailyAssets: ${m} }) { totalCount } }`,
      `{ simulateFit(input: { avgDailyAssets20d: ${m}, clientType: INDIVIDUAL, creditRating: A, experienceMonths: 1 }) { segment { matched } } }`,
    ]) {
      out.push(post("overflow money", auth(), json({ query })));
    }
  }
  return out;
}

function generate(rng: Rng, book: Book, auths: { valid: Auth[]; invalid: Auth[] }, n: number): RawRequest[] {
  const out: RawRequest[] = [...sweeps(auths), ...defectSweeps(new Rng(SEED + 12), book, auths)];
  const weights: [string, number][] = [
    ["query", 34],
    ["mutation", 20],
    ["shape", 12],
    ["envelope", 6],
    ["http", 12],
    ["auth", 11],
    ["route", 5],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  while (out.length < n) {
    let roll = rng.int(total);
    const kind = weights.find(([, w]) => (roll -= w) < 0)?.[0] ?? "query";
    const auth = rng.pick(auths.valid);
    switch (kind) {
      case "query":
        out.push(post("schema query", auth, json(schemaQuery(rng, book))));
        break;
      case "mutation":
        out.push(post("schema mutation", auth, json(schemaMutation(rng, book))));
        break;
      case "shape": {
        const s = shape(rng, book);
        out.push({ ...post(s.kind, auth, s.body), expect: s.expect });
        break;
      }
      case "envelope": {
        const e = envelope(rng);
        out.push(post(e.kind, auth, e.body));
        break;
      }
      case "http":
        out.push(httpLevel(rng, auth));
        break;
      case "auth": {
        const bad = rng.pick(auths.invalid);
        const op = rng.chance(0.5) ? schemaQuery(rng, book) : schemaMutation(rng, book);
        if (rng.chance(0.8)) {
          out.push({ ...post("bad token", bad, json(op)), expect: [401] });
        } else {
          out.push(route(rng, book, bad));
        }
        break;
      }
      default:
        out.push(route(rng, book, rng.chance(0.2) ? rng.pick(auths.invalid) : auth));
    }
  }
  return out.map(finalExpectation);
}

/** What the server must answer before it looks at GraphQL at all (SPEC §6, §7). */
function finalExpectation(r: RawRequest): RawRequest {
  if (r.path !== GRAPHQL && !r.path.startsWith(`${GRAPHQL}?`)) return r;
  if (r.method !== "GET" && r.method !== "POST") return { ...r, expect: [405] };
  if (r.kind === "bad token") return { ...r, expect: [401] };
  const size = r.body === undefined ? 0 : Buffer.byteLength(r.body);
  if (r.method === "POST" && size > MAX_BODY_BYTES) return { ...r, expect: [413] };
  return r;
}

// ------------------------------------------------------------------------------------ inspection

type Category = "5xx" | "no response" | "stack" | "echo" | "internal" | "sql" | "expectation";

interface Finding {
  category: Category;
  detail: string;
}

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v !== null && typeof v === "object") Object.values(v).forEach((x) => strings(x, out));
  return out;
}

function inspect(req: RawRequest, res: RawResponse): Finding[] {
  const found: Finding[] = [];
  if (res.status === null) {
    found.push({ category: "no response", detail: `${req.kind}: ${res.error}` });
    return found;
  }
  if (res.status >= 500) found.push({ category: "5xx", detail: `${req.kind}: HTTP ${res.status}` });
  if (req.expect && !req.expect.includes(res.status)) {
    found.push({ category: "expectation", detail: `${req.kind}: expected ${req.expect.join("/")}, got ${res.status}` });
  }
  if (res.text.includes("    at ") || /\n\s+at \S+ \(/.test(res.text)) {
    found.push({ category: "stack", detail: `${req.kind}: stack trace` });
  }
  if (/node_modules|[\\/]src[\\/]\S+\.ts|\.[jt]s:\d+:\d+/.test(res.text)) {
    found.push({ category: "stack", detail: `${req.kind}: source path` });
  }
  const given = req.headers["x-request-id"];
  if (given !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(given) && res.requestId === given) {
    found.push({ category: "echo", detail: `${req.kind}: x-request-id echoed` });
  }
  if (!res.contentType.includes("json")) return found;
  let body: { errors?: unknown[] };
  try {
    body = JSON.parse(res.text) as { errors?: unknown[] };
  } catch {
    return found;
  }
  for (const error of body?.errors ?? []) {
    const texts = strings(error);
    for (const marker of MARKERS) {
      if (texts.some((t) => t.includes(marker))) {
        found.push({ category: "echo", detail: `${req.kind}: ${JSON.stringify(marker)} in an error` });
      }
    }
    const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
    if (code === "INTERNAL_SERVER_ERROR") found.push({ category: "internal", detail: `${req.kind}: ${code}` });
    if (texts.some((t) => /SQLITE_|\bER_[A-Z_]{3,}|\bSELECT\b[\s\S]*\bFROM\b|QueryFailedError|no such table/.test(t))) {
      found.push({ category: "sql", detail: `${req.kind}: SQL in an error` });
    }
  }
  return found;
}

function describeRequest(req: RawRequest, res: RawResponse): string {
  const body = req.body === undefined ? "" : truncate(req.body.toString(), 400);
  const headers = Object.entries(req.headers)
    .filter(([k]) => k !== "authorization")
    .map(([k, v]) => `${k}: ${truncate(v, 60)}`)
    .join("; ");
  return (
    `${req.method} ${truncate(req.path, 160)} [auth: ${req.auth}${req.chunked ? ", chunked" : ""}] {${headers}} ` +
    `body=${body} → ${res.status ?? res.error} ${truncate(res.text, 300)}`
  );
}

interface Report {
  requests: number;
  outcomes: Map<string, number>;
  byKind: Map<string, Map<string, number>>;
  findings: Map<Category, Map<string, { count: number; example: string }>>;
  slowest: string[];
  ms: number;
}

function tally(requests: RawRequest[], responses: RawResponse[], ms: number): Report {
  const report: Report = {
    requests: requests.length,
    outcomes: new Map(),
    byKind: new Map(),
    findings: new Map(),
    slowest: [...responses.keys()]
      .sort((a, b) => responses[b].ms - responses[a].ms)
      .slice(0, 5)
      .map(
        (i) =>
          `${responses[i].ms} ms ${requests[i].kind}: ${truncate(String(requests[i].body ?? requests[i].path), 160)}`,
      ),
    ms,
  };
  requests.forEach((req, i) => {
    const res = responses[i];
    const outcome = res.status === null ? `ERR ${res.error}` : String(res.status);
    report.outcomes.set(outcome, (report.outcomes.get(outcome) ?? 0) + 1);
    const kind = report.byKind.get(req.kind) ?? new Map<string, number>();
    kind.set(outcome, (kind.get(outcome) ?? 0) + 1);
    report.byKind.set(req.kind, kind);
    for (const f of inspect(req, res)) {
      const group = report.findings.get(f.category) ?? new Map<string, { count: number; example: string }>();
      const entry = group.get(f.detail) ?? { count: 0, example: describeRequest(req, res) };
      entry.count += 1;
      group.set(f.detail, entry);
      report.findings.set(f.category, group);
    }
  });
  return report;
}

function findings(report: Report, category: Category): string[] {
  return [...(report.findings.get(category) ?? new Map<string, { count: number; example: string }>())].map(
    ([detail, { count, example }]) => `${detail} (×${count}) — e.g. ${example}`,
  );
}

function printReport(engine: string, report: Report): void {
  const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    `\nhostile fuzz on ${engine}: ${report.requests} requests in ${(report.ms / 1000).toFixed(1)} s`,
    `  outcome          count`,
    ...sorted(report.outcomes).map(([k, n]) => `  ${k.padEnd(16)} ${String(n).padStart(5)}`),
    `  by kind:`,
    ...[...report.byKind]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([kind, m]) =>
          `    ${kind.padEnd(26)} ${sorted(m)
            .map(([k, n]) => `${k}×${n}`)
            .join("  ")}`,
      ),
  ];
  lines.push(`  slowest:`);
  for (const s of report.slowest) lines.push(`    ${s}`);
  for (const [category, group] of report.findings) {
    lines.push(`  findings [${category}]:`);
    for (const [detail, { count }] of group) lines.push(`    ${detail} ×${count}`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

// ------------------------------------------------------------------------------------ the suite

describe.each(ENGINES)("hostile requests over HTTP on $name (SPEC §6, §7)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let before: TableSnapshot;
  let report: Report;
  let base: URL;

  beforeAll(async () => {
    db = await engine.create();
    await seedDemoBook(db.ds, { clients: 50, seed: 1, asOf: "2026-11-27" });
    // The throttle is not under test here: every request must reach the rest of the pipeline.
    server = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"), {
      RATE_LIMIT_PER_MINUTE: "1000000000",
    });
    base = new URL(server.url);
    const book = await loadBook(db.ds);
    const auths = await makeAuths(server, book.branch);
    const rng = new Rng(SEED);
    const requests = generate(rng, book, auths, REQUESTS);
    before = await snapshotTables(db.ds);
    const started = Date.now();
    const responses = await runAll(base, requests, CONCURRENCY);
    report = tally(requests, responses, Date.now() - started);
    printReport(engine.name, report);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("sends at least 1,000 generated requests and accounts for every outcome", () => {
    expect(report.requests).toBeGreaterThanOrEqual(1000);
    const total = [...report.outcomes.values()].reduce((s, n) => s + n, 0);
    expect(total).toBe(report.requests);
    // Every family of hostility was exercised.
    for (const kind of [
      "schema query",
      "schema mutation",
      "bad token",
      "oversized",
      "invalid JSON",
      "batch",
      "GET mutation",
      "deep nesting",
      "many aliases",
      "hostile string literal",
      "hostile cursor",
      "content type",
      "method",
      "variable defaults",
      "aliases × defaults",
      "long operation name",
      "distinct operation names",
      "overflow money",
    ]) {
      expect([kind, report.byKind.has(kind)]).toEqual([kind, true]);
    }
    // The valid-auth share reached the resolvers: some answers are plain 200s.
    expect(report.outcomes.get("200") ?? 0).toBeGreaterThan(200);
  });

  it("never answers with a status of 500 or more", () => {
    const fives = [...report.outcomes.keys()].filter((k) => /^\d+$/.test(k) && Number(k) >= 500);
    expect({ statuses: fives, findings: findings(report, "5xx") }).toEqual({ statuses: [], findings: [] });
  });

  it("always answers (no reset, no timeout)", () => {
    expect(findings(report, "no response")).toEqual([]);
  });

  it("answers the refusals SPEC §6/§7 fix with their status (401, 405, 413, 400 for batches and bad JSON)", () => {
    expect(findings(report, "expectation")).toEqual([]);
  });

  it("never shows a stack trace or a source path", () => {
    expect(findings(report, "stack")).toEqual([]);
  });

  it("never echoes an injected string in an error", () => {
    expect(findings(report, "echo")).toEqual([]);
  });

  it("never lets SQL or driver detail into an error", () => {
    expect(findings(report, "sql")).toEqual([]);
  });

  it("refuses hostile input as the client's fault, never as an unexpected failure (INTERNAL_SERVER_ERROR)", () => {
    expect(findings(report, "internal")).toEqual([]);
  });

  it("still answers a normal query, and is ready, after the barrage", async () => {
    const token = await server.token(Role.ANALYST, { sub: "after-the-storm" });
    const res = await server.gql<{ clients: { totalCount: number; nodes: { clientNo: string }[] } }>(
      token,
      "{ clients(first: 5) { totalCount nodes { clientNo } } }",
    );
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.clients.totalCount).toBe(50);
    expect(res.body.data?.clients.nodes).toHaveLength(5);
    const ready = await send(base, { kind: "readyz", method: "GET", path: "/readyz", headers: {}, auth: "none" });
    expect(ready.status).toBe(200);
  });

  it("keeps /metrics bounded after 300 distinct and 200 KB operation names (SPEC §10 hostile traffic is visible)", async () => {
    const res = await send(base, { kind: "metrics", method: "GET", path: "/metrics", headers: {}, auth: "none" });
    expect(res.status).toBe(200);
    const labels = new Set([...res.text.matchAll(/operation="([^"]*)"/g)].map((m) => m[1]));
    const named = [...labels].filter((l) => !["anonymous", "unknown", "other"].includes(l));
    expect(named.length).toBeLessThanOrEqual(200);
    expect([...labels].filter((l) => !/^[A-Za-z0-9_]{1,64}$/.test(l))).toEqual([]);
    expect(labels.has("other")).toBe(true);
    const codes = [...res.text.matchAll(/^graphql_errors_total\{code="([^"]*)"\} (\d+)/gm)];
    expect(codes.length).toBeGreaterThan(3);
    expect(codes.filter(([, code]) => code === "INTERNAL_SERVER_ERROR" || code === "UNAUTHORIZED")).toEqual([]);
    // About 2 KB of series per named operation (its counter and two histograms): bounded by the 200
    // names, where each new name used to add its own (15.9 MB after this barrage's names).
    expect(res.text.length).toBeLessThan(1024 * 1024);
  });

  it("wrote no row: every table has the same count and the same content, but for the access trail of what was read in clear (SPEC §14)", async () => {
    const after = await snapshotTables(db.ds);
    expect(withoutTrail(after)).toEqual(withoutTrail(before));
    // the trail only grew, by records of personal fields served in clear
    const trail = (await db.ds.query("SELECT `fields` FROM `personal_data_access`")) as { fields: string }[];
    expect(trail.length).toBeGreaterThanOrEqual(before.counts.personal_data_access);
    for (const { fields } of trail) {
      expect(
        fields.split(",").every((f) => ["name", "idNumber", "phone", "annualIncome", "financialAssets"].includes(f)),
      ).toBe(true);
    }
  });
});

describe("a fragment fan-out (SPEC §7: the cost rule runs before execution, and must itself be cheap)", () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await ENGINES[0].create();
    server = await startTestServer(db.ds);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("answers a 1 KB document of 20 doubling fragments after walking each fragment once, not 2^20 times", async () => {
    // F_k spreads F_{k-1} twice: graphql-js executes it once per fragment, but a walk that
    // re-enters every spread does 2^k work, all of it on the event loop, before the refusal.
    // The cost rule reads each field's arguments as it walks: the count of those reads is its work.
    const k = 20;
    let frags = "fragment F0 on Query { viewer { subject } }";
    for (let i = 1; i <= k; i += 1) frags += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
    const token = await server.token(Role.VIEWER);
    const reads = jest.spyOn(graphqlValues, "getArgumentValues");
    try {
      const res = await server.gql(token, `{ ...F${k} } ${frags}`);
      expect(res.status).toBeLessThan(500);
      // One walk of F0's two fields per request pass that reads arguments, never one per path to them.
      expect(reads.mock.calls.length).toBeGreaterThan(0);
      expect(reads.mock.calls.length).toBeLessThan(100);
    } finally {
      reads.mockRestore();
    }
  }, 120_000);
});
