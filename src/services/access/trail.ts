import type { Viewer } from "./viewer";

/**
 * The personal fields an access record names (SPEC §14), in the order it lists them: a client's (or its
 * portrait's declared figures), and a satisfaction answer's comment.
 */
export const PERSONAL_FIELDS = ["name", "idNumber", "phone", "annualIncome", "financialAssets", "comment"] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** One client's part of a response: the personal fields it carried in clear. */
export interface AccessRecord {
  clientId: number;
  fields: PersonalField[];
}

/**
 * What one request served in clear (SPEC §14 "who read what"), gathered as the response is built and
 * written once at its end (AccessTrailService.write: one INSERT for the whole request).
 *
 * A presenter that unmasks a client's personal data hands its output to `watch`: each clear field
 * becomes a getter that notes the client and the field when the executor reads it into the response.
 * So a field is recorded only when a client selected it and it had a value — `clients { clientNo }`
 * read by COMPLIANCE records nothing — and a masked field is never watched.
 */
export class AccessTrail {
  private readonly seen = new Map<number, Set<PersonalField>>();

  constructor(
    readonly viewer: Viewer,
    readonly requestId: string,
  ) {}

  /** Notes that this response carries the client's field in clear. */
  note(clientId: number, field: PersonalField): void {
    let fields = this.seen.get(clientId);
    if (fields === undefined) {
      fields = new Set();
      this.seen.set(clientId, fields);
    }
    fields.add(field);
  }

  /** Turns the given clear fields of a presented object into getters that note their reading. */
  watch<T extends object>(target: T, clientId: number, fields: readonly PersonalField[]): T {
    const values = target as Record<string, unknown>;
    for (const field of fields) {
      const value = values[field];
      if (value !== null && value !== undefined) this.watchOpening(target, clientId, field, () => value, true);
    }
    return target;
  }

  /**
   * Makes `field` of a presented object a getter that works its value out on first read (`open`: a
   * sealed value is opened only when the executor reads it) and, when it is served in clear and not
   * null, notes it as watch does.
   */
  watchOpening(target: object, clientId: number, field: PersonalField, open: () => unknown, clear: boolean): void {
    let value: unknown;
    let opened = false;
    Object.defineProperty(target, field, {
      configurable: true,
      enumerable: true,
      get: () => {
        if (!opened) {
          value = open();
          opened = true;
        }
        if (clear && value !== null && value !== undefined) this.note(clientId, field);
        return value;
      },
    });
  }

  /** The records to write, one per client, fields in PERSONAL_FIELDS order; empty when nothing was served in clear. */
  records(): AccessRecord[] {
    return [...this.seen].map(([clientId, fields]) => ({
      clientId,
      fields: PERSONAL_FIELDS.filter((f) => fields.has(f)),
    }));
  }

  get empty(): boolean {
    return this.seen.size === 0;
  }
}
