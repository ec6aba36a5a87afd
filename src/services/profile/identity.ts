/**
 * Identity checks a broker insists on at account opening.
 * Resident ID: GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check character).
 * Unified social credit code: GB 32100-2015 (18 characters, MOD 31 check character).
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function isValidResidentId(id: string, today?: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const d = new Date(`${birth}T00:00:00.000Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== birth || birth < "1900-01-01") return false;
  if (today !== undefined && birth > today) return false;
  return residentIdCheckChar(id.slice(0, 17)) === id[17];
}

/** The 31 characters of a unified social credit code (GB 32100-2015): digits and capitals without I, O, S, V, Z. */
export const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

export function isValidCreditCode(code: string): boolean {
  if (code.length !== 18) return false;
  for (const c of code) if (!USCC_CHARS.includes(c)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

/** Mainland mobile: 11 digits starting 13–19. */
export function isValidMobile(phone: string): boolean {
  return /^1[3-9]\d{9}$/.test(phone);
}
