import Decimal from "decimal.js";
import type { ValueTransformer } from "typeorm";

// decimal.js keeps 20 significant digits by default: DECIMAL(20,2) money fits exactly, and the
// default rounding is half-up, as SPEC §2 wants.
export const ZERO = new Decimal(0);

export function dec(value: Decimal.Value): Decimal {
  return new Decimal(value);
}

/** Money: 2 dp, half-up (SPEC §2). */
export function money(value: Decimal.Value): string {
  return asDecimal(value).toFixed(2, Decimal.ROUND_HALF_UP);
}

/** Ratios and rates: 4 dp. */
export function ratio(value: Decimal.Value): string {
  return asDecimal(value).toFixed(4, Decimal.ROUND_HALF_UP);
}

/** Decimals are immutable: one already parsed is formatted as it is, without a copy. */
function asDecimal(value: Decimal.Value): Decimal {
  return value instanceof Decimal ? value : new Decimal(value);
}

/** The largest ratio a DECIMAL(10,4) column holds; a computed ratio above it is stored as this cap (SPEC §10). */
export const RATIO_MAX = new Decimal("999999.9999");

/** A plain decimal literal: optional sign, digits, optional fraction. No exponent, no spaces. */
export const DECIMAL_PATTERN = /^-?(0|[1-9]\d{0,17})(\.\d{1,4})?$/;

/**
 * DECIMAL columns come back as strings from MariaDB and as numbers from SQLite; both become a
 * Decimal here, and a Decimal goes in as its fixed-scale text so neither driver rounds through a float.
 */
export function decimalTransformer(scale: number): ValueTransformer {
  return {
    to(value: Decimal | string | null | undefined): string | null | undefined {
      if (value === null || value === undefined) return value;
      return new Decimal(value).toFixed(scale, Decimal.ROUND_HALF_UP);
    },
    from(value: string | number | null): Decimal | null {
      if (value === null || value === undefined) return null;
      return new Decimal(typeof value === "number" ? value.toString() : value);
    },
  };
}
