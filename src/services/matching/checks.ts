import Decimal from "decimal.js";
import { CREDIT_RATING_ORDER, CreditRating, FitCode } from "../../domain/enums";
import type { FitReason } from "./types";

// Checks shared by segment fit and product fit, so both report the same gap the same way.

/** For `required`/`actual`: 2 dp, half-up (SPEC §2), no separators. */
export function plainMoney(value: Decimal): string {
  return value.toFixed(2, Decimal.ROUND_HALF_UP);
}

/** For messages: thousands separators, 2 dp. Not toLocaleString: that depends on the host's locale. */
export function displayMoney(value: Decimal): string {
  return groupDigits(plainMoney(value));
}

/** plainMoney's text with thousands separators: a check formats each amount once and shows it twice. */
export function groupDigits(plain: string): string {
  const [whole, fraction] = plain.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = whole.slice(sign.length).replace(/\B(?=(\d{3})+$)/g, ",");
  return `${sign}${digits}.${fraction}`;
}

/** Null and empty both mean "criterion not set". */
export function isSet<T>(list: readonly T[] | null): list is readonly T[] {
  return list !== null && list.length > 0;
}

export function ratingAtLeast(actual: CreditRating, minimum: CreditRating): boolean {
  // The order is best first, so a lower index is a better rating.
  return CREDIT_RATING_ORDER.indexOf(actual) <= CREDIT_RATING_ORDER.indexOf(minimum);
}

export function minAssetsCheck(avg: Decimal, min: Decimal): FitReason {
  const passed = avg.gte(min);
  const [a, m] = [plainMoney(avg), plainMoney(min)];
  return {
    code: FitCode.MIN_ASSETS,
    passed,
    message: `avg assets ${groupDigits(a)} ${passed ? ">=" : "<"} ${groupDigits(m)}`,
    required: `>= ${m}`,
    actual: a,
  };
}

export function maxAssetsCheck(avg: Decimal, max: Decimal): FitReason {
  const passed = avg.lt(max);
  const [a, m] = [plainMoney(avg), plainMoney(max)];
  return {
    code: FitCode.MAX_ASSETS,
    passed,
    message: passed
      ? `avg assets ${groupDigits(a)} < ${groupDigits(m)}`
      : `avg assets ${groupDigits(a)} >= ${groupDigits(m)} (maximum is exclusive)`,
    required: `< ${m}`,
    actual: a,
  };
}

export function minExperienceCheck(months: number, min: number): FitReason {
  const passed = months >= min;
  return {
    code: FitCode.MIN_EXPERIENCE,
    passed,
    message: `experience ${months} months ${passed ? ">=" : "<"} ${min} months`,
    required: `>= ${min}`,
    actual: String(months),
  };
}

export function creditRatingCheck(actual: CreditRating, min: CreditRating): FitReason {
  const passed = ratingAtLeast(actual, min);
  return {
    code: FitCode.CREDIT_RATING,
    passed,
    message: `credit rating ${actual} ${passed ? "is at least" : "is below"} ${min}`,
    required: `at least ${min}`,
    actual,
  };
}

/** Membership in a list of allowed values; a client without a value (null) fails. */
export function oneOfCheck(code: FitCode, label: string, actual: string | null, allowed: readonly string[]): FitReason {
  const list = allowed.join(", ");
  const passed = actual !== null && allowed.includes(actual);
  let message: string;
  if (actual === null) message = `no ${label} (needs one of ${list})`;
  else message = `${label} ${actual} ${passed ? "is one of" : "is not one of"} ${list}`;
  return { code, passed, message, required: `one of ${list}`, actual };
}

/** Code-point order, not localeCompare: the order must not depend on the host's locale. */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
