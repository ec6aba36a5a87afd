export type BreakerState = "closed" | "open" | "half-open";

/**
 * A circuit breaker in front of a remote dependency. Closed, every call goes through; one failure
 * opens it, and for `openMs` no call goes through at all (the caller answers without the dependency
 * at once instead of waiting out a timeout per call). Then it lets a single probe through
 * (half-open): its success closes the breaker, its failure opens it for another `openMs`.
 */
export class CircuitBreaker {
  private current: BreakerState = "closed";
  private openedAt = 0;
  private probing = false;
  private readonly listeners: ((state: BreakerState) => void)[] = [];
  /** How many times it has opened. */
  trips = 0;

  constructor(
    readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** May this call go to the dependency? In half-open, only the one probe may. */
  permit(): boolean {
    if (this.current === "closed") return true;
    if (this.probing || this.now() - this.openedAt < this.openMs) return false;
    this.probing = true;
    this.set("half-open");
    return true;
  }

  success(): void {
    this.probing = false;
    this.set("closed");
  }

  failure(): void {
    this.probing = false;
    this.openedAt = this.now();
    if (this.current !== "open") this.trips += 1;
    this.set("open");
  }

  onChange(listener: (state: BreakerState) => void): void {
    this.listeners.push(listener);
  }

  private set(state: BreakerState): void {
    if (state === this.current) return;
    this.current = state;
    for (const l of this.listeners) l(state);
  }
}
