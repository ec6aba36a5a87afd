import Decimal from "decimal.js";
import type { EntityMetadata, ObjectLiteral } from "typeorm";
import { open } from "../../crypto/personal-data";
import { isSealed } from "../../crypto/sealing";
import type { Clock } from "../../domain/clock";
import { ClientEntity } from "../../entities";
import type { PersonalDataAccessEntity } from "../../entities/personal-data-access.entity";
import { clientByNumber, rowsHeldAbout } from "../../repositories/client-copy.reads";
import type { ReadPool } from "../../repositories/read-pool";
import { Ability, can } from "../access/abilities";
import type { AccessTrailService } from "../access/access-trail";
import { AccessTrail } from "../access/trail";
import type { Viewer } from "../access/viewer";

/** Sections of the copy by table; a table added later appears under its own name in camelCase. */
const SECTIONS: Readonly<Record<string, string>> = {
  risk_assessment: "assessments",
  portrait: "portraits",
  asset_snapshot: "assetSnapshots",
  trade: "trades",
  credit_facility: "facilities",
  post_loan_review: "reviews",
  alert: "alerts",
  satisfaction_response: "satisfaction",
  segment_snapshot: "segmentSnapshots",
};

/** The client's personal fields the copy carries in clear; the satisfaction comments are the other one. */
const CLIENT_FIELDS = ["name", "idNumber", "phone", "annualIncome", "financialAssets"] as const;
const SATISFACTION_TABLE = "satisfaction_response";

/** The copy's own section; read latest first through the trail, as personalDataAccess lists it. */
const TRAIL_TABLE = "personal_data_access";

export type ClientCopyOutcome =
  { kind: "forbidden" } | { kind: "not-found" } | { kind: "copy"; body: Record<string, unknown> };

/**
 * The client's copy (SPEC §14, PIPL Art. 45): everything the service holds about one client, as JSON —
 * the client record in clear, every row of every table about the client, and the access trail.
 * COMPLIANCE for every client; a relationship manager for the clients of its own branch. The copy is
 * itself an access record, written before its trail section is read (so it lists itself) and before
 * anything is sent: when the record cannot be written the copy is not sent (AccessTrailUnavailableError).
 */
export class ClientCopyService {
  constructor(
    private readonly primary: ReadPool,
    private readonly trail: AccessTrailService,
    private readonly clock: Clock,
  ) {}

  async copy(viewer: Viewer, clientNo: string, requestId: string): Promise<ClientCopyOutcome> {
    const everyBranch = can(viewer, Ability.COPY_PERSONAL_DATA);
    if (!everyBranch && !can(viewer, Ability.COPY_OWN_BRANCH_PERSONAL_DATA)) return { kind: "forbidden" };
    const client = await clientByNumber(this.primary, clientNo);
    if (client === null) return { kind: "not-found" };
    if (!everyBranch && (viewer.branch === null || viewer.branch !== client.branch)) return { kind: "forbidden" };

    const held = await rowsHeldAbout(this.primary, client.id);
    const record = new AccessTrail(viewer, requestId);
    for (const field of CLIENT_FIELDS) if (client[field] !== null) record.note(client.id, field);
    const answers = held.find((h) => h.table === SATISFACTION_TABLE)?.rows ?? [];
    if (answers.some((a) => a.comment !== null && a.comment !== undefined)) record.note(client.id, "comment");
    // Recorded before the copy is sent, and before the trail is read, so that the copy lists itself.
    await this.trail.write(record);

    const body: Record<string, unknown> = {
      clientNo: client.clientNo,
      generatedAt: this.clock.now().toISOString(),
      requestId,
      profile: plainRow(this.primary.ds.getMetadata(ClientEntity), client),
    };
    for (const { table, metadata, rows } of held) {
      if (table === TRAIL_TABLE) continue;
      body[SECTIONS[table] ?? camel(table)] = rows.map((r) => plainRow(metadata, r));
    }
    body.accessTrail = (await this.trail.allOfClient(client.id)).map(presentRecord);
    return { kind: "copy", body };
  }
}

function presentRecord(a: PersonalDataAccessEntity): Record<string, unknown> {
  return {
    viewer: a.subject,
    fields: a.fields === "" ? [] : a.fields.split(","),
    requestId: a.requestId,
    at: a.at.toISOString(),
  };
}

/**
 * A row as JSON, column by column: sealed personal data opened (SPEC §14: the copy is in clear),
 * decimals as strings, instants as ISO text. Blind indexes are keyed hashes, not data about the
 * client: left out.
 */
function plainRow(metadata: EntityMetadata, row: ObjectLiteral): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const column of metadata.columns) {
    if (column.propertyName.endsWith("BlindIndex")) continue;
    out[column.propertyName] = plain(row[column.propertyName]);
  }
  return out;
}

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return isSealed(value) ? open(value) : value;
  if (Decimal.isDecimal(value)) return (value as Decimal).toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function camel(table: string): string {
  return table.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
