/** Where a seed's time went: one line per phase, its wall-clock milliseconds and the rows it wrote. */
export interface SeedPhase {
  phase: string;
  ms: number;
  rows: number;
}

/** Accumulates time and rows per phase, in the order phases first appear. */
export class PhaseTimer {
  private readonly phases = new Map<string, SeedPhase>();

  add(phase: string, ms: number, rows = 0): void {
    const p = this.phases.get(phase) ?? { phase, ms: 0, rows: 0 };
    p.ms += ms;
    p.rows += rows;
    this.phases.set(phase, p);
  }

  async time<T>(phase: string, work: () => Promise<T>, rowsOf: (result: T) => number = () => 0): Promise<T> {
    const started = performance.now();
    const result = await work();
    this.add(phase, performance.now() - started, rowsOf(result));
    return result;
  }

  list(): SeedPhase[] {
    return [...this.phases.values()].map((p) => ({ ...p, ms: Math.round(p.ms) }));
  }
}
