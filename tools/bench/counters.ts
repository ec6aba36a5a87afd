import mysql from "mysql2";
import type { RowDataPacket } from "mysql2/promise";

/** Statement counters: MariaDB's global Questions, the API's /metrics tally, the floor's /stats. */
export class StatusProbe {
  private overhead = 0;
  private constructor(private readonly conn: mysql.Connection) {}

  static async open(url: string): Promise<StatusProbe> {
    const conn = mysql.createConnection({ uri: url });
    const probe = new StatusProbe(conn);
    // What our own SHOW STATUS adds to the counter between two reads.
    const deltas: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const a = await probe.questions();
      const b = await probe.questions();
      deltas.push(b - a);
    }
    probe.overhead = Math.min(...deltas);
    return probe;
  }

  questions(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.conn.query("SHOW GLOBAL STATUS LIKE 'Questions'", (err, rows) =>
        err ? reject(err) : resolve(Number((rows as RowDataPacket[])[0]?.Value ?? 0)),
      ),
    );
  }

  /** Statements between two reads, less the probe's own. */
  delta(before: number, after: number): number {
    return after - before - this.overhead;
  }

  version(): Promise<string> {
    return new Promise((resolve, reject) =>
      this.conn.query("SELECT VERSION() AS v", (err, rows) =>
        err ? reject(err) : resolve(String((rows as RowDataPacket[])[0]?.v ?? "")),
      ),
    );
  }

  close(): void {
    this.conn.end();
  }
}

export interface ServerCounts {
  statements: number;
  requests: number;
  errors: number;
}

/** The API's own SQL tally per operation (Prometheus graphql_sql_statements), and its error count. */
export async function apiCounts(port: number, operation: string): Promise<ServerCounts> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  const value = (re: RegExp) => {
    let sum = 0;
    for (const m of text.matchAll(re)) sum += Number(m[1]);
    return sum;
  };
  return {
    statements: value(new RegExp(`^graphql_sql_statements_sum\\{operation="${operation}"\\} (\\S+)$`, "gm")),
    requests: value(new RegExp(`^graphql_sql_statements_count\\{operation="${operation}"\\} (\\S+)$`, "gm")),
    errors: value(/^graphql_errors_total\{[^}]*\} (\S+)$/gm),
  };
}

export async function floorCounts(port: number): Promise<ServerCounts> {
  const { statements } = (await fetch(`http://127.0.0.1:${port}/stats`).then((r) => r.json())) as {
    statements: number;
  };
  return { statements, requests: 0, errors: 0 };
}
