import Decimal from "decimal.js";
import { money, ratio } from "../../src/domain/decimal";
import { DateScalar, isCalendarDate } from "../../src/schema/scalars";

/** What a calendar date is, by the Date object: the text survives a round trip through UTC midnight. */
function referenceIsCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

describe("the Date scalar's calendar check", () => {
  it("agrees with the Date object for every day-of-month 00–32 of every month 00–13, 1896–2104", () => {
    let checked = 0;
    for (let year = 1896; year <= 2104; year += 1) {
      for (let month = 0; month <= 13; month += 1) {
        for (let day = 0; day <= 32; day += 1) {
          const text = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
          expect(isCalendarDate(text)).toBe(referenceIsCalendarDate(text));
          checked += 1;
        }
      }
    }
    expect(checked).toBe(209 * 14 * 33);
  });

  it("knows the leap years and refuses what is not YYYY-MM-DD", () => {
    expect(isCalendarDate("2024-02-29")).toBe(true);
    expect(isCalendarDate("2000-02-29")).toBe(true);
    expect(isCalendarDate("2026-02-29")).toBe(false);
    expect(isCalendarDate("2100-02-29")).toBe(false);
    expect(isCalendarDate("2026-04-31")).toBe(false);
    for (const bad of ["2026-1-01", "2026-01-1", "20260101", "2026-01-01T00:00", " 2026-01-01", "0000-01-01"]) {
      expect(isCalendarDate(bad)).toBe(false);
    }
    expect(() => DateScalar.serialize("2026-02-30")).toThrow("Date cannot represent this value");
    expect(DateScalar.serialize("2026-11-29")).toBe("2026-11-29");
  });
});

describe("money and ratio formatting (SPEC §2: half-up)", () => {
  it("formats a parsed Decimal, a string and a number alike, without changing the Decimal", () => {
    const d = new Decimal("1234.565");
    expect(money(d)).toBe("1234.57");
    expect(d.toString()).toBe("1234.565");
    expect(money("-0.005")).toBe("-0.01");
    expect(money(2.5)).toBe("2.50");
    expect(ratio(new Decimal("1.23455"))).toBe("1.2346");
    expect(ratio("0.00005")).toBe("0.0001");
  });
});
