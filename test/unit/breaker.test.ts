import { CircuitBreaker, type BreakerState } from "../../src/services/access/breaker";

describe("the circuit breaker in front of Redis (SPEC §10 faults, defect 6: stop asking a dead Redis, probe later)", () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it("lets every call through while closed", () => {
    const b = new CircuitBreaker(5000, clock);
    expect([b.permit(), b.permit(), b.permit()]).toEqual([true, true, true]);
    expect(b.state).toBe("closed");
  });

  it("opens on a failure and refuses every call for openMs", () => {
    const b = new CircuitBreaker(5000, clock);
    b.failure();
    expect(b.state).toBe("open");
    expect(b.trips).toBe(1);
    now += 4999;
    expect(Array.from({ length: 100 }, () => b.permit()).some(Boolean)).toBe(false);
  });

  it("then lets one probe through at a time; its success closes the breaker", () => {
    const b = new CircuitBreaker(5000, clock);
    b.failure();
    now += 5000;
    expect(b.permit()).toBe(true);
    expect(b.state).toBe("half-open");
    expect([b.permit(), b.permit()]).toEqual([false, false]);
    b.success();
    expect(b.state).toBe("closed");
    expect(b.permit()).toBe(true);
  });

  it("opens again for openMs when the probe fails", () => {
    const b = new CircuitBreaker(5000, clock);
    const seen: BreakerState[] = [];
    b.onChange((s) => seen.push(s));
    b.failure();
    now += 5000;
    expect(b.permit()).toBe(true);
    b.failure();
    expect(b.state).toBe("open");
    expect(b.trips).toBe(2);
    now += 1000;
    expect(b.permit()).toBe(false);
    now += 4000;
    expect(b.permit()).toBe(true);
    expect(seen).toEqual(["open", "half-open", "open", "half-open"]);
  });
});
