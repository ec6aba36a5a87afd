/**
 * Admission control for GraphQL operations: at most `limit` run at once, the rest wait in arrival
 * order, and beyond `maxQueue` waiting a request is refused at once. The event loop has one core:
 * more operations interleaved do not finish sooner, they only hold more memory each, long enough
 * for their garbage to outlive the young generation.
 */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Operations taking their slot back after `outside`: served before the queue, in order. */
  private readonly returning: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly maxQueue: number,
  ) {}

  /** Runs `work` when a slot is free; null (without running it) when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<{ value: T } | null> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxQueue) return null;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return { value: await work() };
    } finally {
      this.release();
    }
  }

  /**
   * Inside `run`: gives the caller's slot up while `wait` runs — a call to another service, which
   * costs this process nothing but would hold the slot for as long as that service takes — and takes
   * a slot back after it, ahead of the queue. Never refused: the operation was admitted already.
   */
  async outside<T>(wait: () => Promise<T>): Promise<T> {
    this.release();
    try {
      return await wait();
    } finally {
      if (this.running >= this.limit) await new Promise<void>((resolve) => this.returning.push(resolve));
      else this.running += 1;
    }
  }

  private release(): void {
    const next = this.returning.shift() ?? this.waiting.shift();
    // The slot passes straight to the next in line, so `running` stays as it is.
    if (next !== undefined) next();
    else this.running -= 1;
  }

  get queued(): number {
    return this.waiting.length + this.returning.length;
  }

  get active(): number {
    return this.running;
  }
}
