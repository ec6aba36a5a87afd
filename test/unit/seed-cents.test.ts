import Decimal from "decimal.js";
import { prng } from "../../src/domain/prng";
import { centsAverage, centsOf, centsText, centsTimes } from "../../src/seed/cents";

/** The demo book's snapshots in cents must be the figures Decimal gave them (ROUND_HALF_UP), value for value. */
describe("the seed's integer cents", () => {
  it("round like Decimal.toDecimalPlaces(2), products too, over the seed's own ranges", () => {
    const rnd = prng(20261203);
    // The differences are gathered and compared once: 100,000 expect calls took 10 s of the suite.
    const differences: string[] = [];
    for (let i = 0; i < 50_000; i += 1) {
      const base = 30_000 + rnd() * 60_000_000;
      const x = base * (0.92 + rnd() * 0.16);
      const factor = 1.02 + rnd() * 0.28;
      const sec = new Decimal(x).toDecimalPlaces(2);
      const [cents, product] = [centsText(centsOf(x)), centsText(centsTimes(centsOf(x), factor))];
      const [decimal, decimalProduct] = [sec.toFixed(2), sec.times(factor).toDecimalPlaces(2).toFixed(2)];
      if (cents !== decimal) differences.push(`${x}: ${cents} ≠ ${decimal}`);
      if (product !== decimalProduct) differences.push(`${x} × ${factor}: ${product} ≠ ${decimalProduct}`);
    }
    expect(differences).toEqual([]);
  });

  it("takes halves and binary near-halves as Decimal does", () => {
    for (const x of [0, 0.005, 1.005, 2.675, 1.115, 10.005, 99.995, 123456.785, 4503599627370.49, 1e-7]) {
      expect(centsText(centsOf(x))).toBe(new Decimal(x).toDecimalPlaces(2).toFixed(2));
    }
    expect(centsText(centsTimes(101, 0.5))).toBe(new Decimal("1.01").times(0.5).toDecimalPlaces(2).toFixed(2));
    expect(centsText(centsTimes(333, 1.5))).toBe(new Decimal("3.33").times(1.5).toDecimalPlaces(2).toFixed(2));
  });

  it("averages half up to the cent", () => {
    for (const [sum, n] of [
      [0, 20],
      [10, 20],
      [9, 20],
      [2_000_000_009, 20],
      [123_456_789_012, 20],
    ]) {
      expect(centsText(centsAverage(sum, n))).toBe(new Decimal(sum).div(100).div(n).toDecimalPlaces(2).toFixed(2));
    }
  });
});
