import Decimal from "decimal.js";
import { DEV_BLIND_INDEX_KEY, DEV_DATA_KEYS, KeyRing } from "./sealing";

/**
 * The process's key ring (SPEC §14): set once by the composition root (main.ts, the CLIs) from
 * DATA_KEYS and BLIND_INDEX_KEY; until then the fixed development keys. Personal fields of the
 * entities hold sealed text; these helpers are the one way in and out.
 */

let ring: KeyRing | null = null;

export function useKeyRing(next: KeyRing): void {
  ring = next;
}

export function keyRing(): KeyRing {
  if (ring === null) ring = KeyRing.fromStrings(DEV_DATA_KEYS, DEV_BLIND_INDEX_KEY);
  return ring;
}

export function seal(clear: string): string {
  return keyRing().seal(clear);
}

export function sealOrNull(clear: string | null | undefined): string | null {
  return clear === null || clear === undefined ? null : keyRing().seal(clear);
}

export function open(sealed: string): string {
  return keyRing().open(sealed);
}

export function openOrNull(sealed: string | null): string | null {
  return sealed === null ? null : keyRing().open(sealed);
}

/** Money is sealed as its decimal string. */
export function sealMoney(value: Decimal | null | undefined): string | null {
  return value === null || value === undefined ? null : keyRing().seal(value.toString());
}

export function openMoney(sealed: string | null): Decimal | null {
  return sealed === null ? null : new Decimal(keyRing().open(sealed));
}

export function idNumberIndex(idNumber: string): string {
  return keyRing().blindIndex("idNumber", idNumber);
}

export function phoneIndex(phone: string): string {
  return keyRing().blindIndex("phone", phone);
}
