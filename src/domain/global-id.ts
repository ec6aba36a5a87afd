/**
 * Relay global IDs: base64url of `Type:id`. Opaque to clients; decoding checks the type so an ID of
 * one type never loads a row of another.
 */
export type NodeType =
  | "Client"
  | "RiskAssessment"
  | "Portrait"
  | "Segment"
  | "Product"
  | "CreditFacility"
  | "PostLoanReview"
  | "Alert"
  | "AuditEntry"
  | "SatisfactionResponse";

const NODE_TYPES: readonly NodeType[] = [
  "Client",
  "RiskAssessment",
  "Portrait",
  "Segment",
  "Product",
  "CreditFacility",
  "PostLoanReview",
  "Alert",
  "AuditEntry",
  "SatisfactionResponse",
];

export function toGlobalId(type: NodeType, id: number): string {
  return Buffer.from(`${type}:${id}`).toString("base64url");
}

export function fromGlobalId(globalId: string): { type: NodeType; id: number } | null {
  if (globalId.length > 64 || !/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const text = Buffer.from(globalId, "base64url").toString("utf8");
  const m = /^([A-Za-z]+):([1-9]\d{0,9})$/.exec(text);
  if (!m || !(NODE_TYPES as readonly string[]).includes(m[1])) return null;
  const id = Number(m[2]);
  if (id > 2147483647) return null;
  return { type: m[1] as NodeType, id };
}

/** The numeric id of a global ID of the expected type, or null. */
export function idOf(globalId: string, type: NodeType): number | null {
  const parsed = fromGlobalId(globalId);
  return parsed !== null && parsed.type === type ? parsed.id : null;
}
