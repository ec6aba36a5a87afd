import { Role } from "../../domain/enums";
import { branchScope, type Viewer } from "./viewer";

/**
 * Object-level rules of SPEC §6, used by every read path (lists, node, nested fields) and by writes.
 */

export function canSeeClient(viewer: Viewer, client: { branch: string }): boolean {
  const scope = branchScope(viewer);
  return scope.all || (scope.branch !== null && scope.branch === client.branch);
}

/** COMPLIANCE, and a relationship manager of the client's branch, read personal data in clear. */
export function canReadPersonalData(viewer: Viewer, client: { branch: string }): boolean {
  if (viewer.roles.includes(Role.COMPLIANCE)) return true;
  return viewer.roles.includes(Role.RELATIONSHIP_MANAGER) && viewer.branch !== null && viewer.branch === client.branch;
}

/** `王*明`; two characters `王*`; one character `*`. Works on code points, not UTF-16 units. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return "*";
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${"*".repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Keeps the first 6 and last 4: `110101********1234`. */
export function maskIdNumber(id: string): string {
  if (id.length <= 10) return "*".repeat(id.length);
  return `${id.slice(0, 6)}${"*".repeat(id.length - 10)}${id.slice(-4)}`;
}

/** Keeps the first 3 and last 4: `138****5678`. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return "*".repeat(phone.length);
  return `${phone.slice(0, 3)}${"*".repeat(phone.length - 7)}${phone.slice(-4)}`;
}
