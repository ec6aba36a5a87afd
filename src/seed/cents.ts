import Decimal from "decimal.js";

/**
 * Money of the demo book's 2.3 M asset snapshots in integer cents, without a Decimal per value: the
 * same figures as `new Decimal(x).toDecimalPlaces(2)` and `.times(f).toDecimalPlaces(2)` (ROUND_HALF_UP),
 * which cost more than the rest of a snapshot row. A product whose fraction of a cent is within a
 * thousandth of one half, where a double's last bit could decide the rounding, goes through Decimal.
 */

const NEAR_HALF = 1e-3;
const EXACT_LIMIT = 2 ** 50;

/** Rounds a product in cents half up, or answers null where only exact decimal arithmetic can tell. */
function halfUp(w: number): number | null {
  if (!(w >= 0) || w >= EXACT_LIMIT) return null;
  const floor = Math.floor(w);
  const frac = w - floor;
  if (Math.abs(frac - 0.5) < NEAR_HALF) return null;
  return frac > 0.5 ? floor + 1 : floor;
}

/** `new Decimal(x).toDecimalPlaces(2)`, in cents. */
export function centsOf(x: number): number {
  return halfUp(x * 100) ?? new Decimal(x).toDecimalPlaces(2).times(100).toNumber();
}

/** `new Decimal(cents / 100).times(factor).toDecimalPlaces(2)`, in cents. */
export function centsTimes(cents: number, factor: number): number {
  return halfUp(cents * factor) ?? new Decimal(cents).div(100).times(factor).toDecimalPlaces(2).times(100).toNumber();
}

/** Cents as the `0.00` text a DECIMAL(20,2) column takes (non-negative amounts). */
export function centsText(cents: number): string {
  const units = Math.floor(cents / 100);
  const rest = cents - units * 100;
  return `${units}.${rest < 10 ? "0" : ""}${rest}`;
}

/** Half up to the cent of `sum / n`, both in cents: the average of SPEC §3, as `Decimal.div(n).toDecimalPlaces(2)`. */
export function centsAverage(sum: number, n: number): number {
  const q = Math.floor(sum / n);
  return (sum - q * n) * 2 >= n ? q + 1 : q;
}
