import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger, QueryRunner } from "typeorm";

/**
 * Counts SQL statements per unit of work (a request, a test). TypeORM hands every statement to the
 * logger, so counting here sees exactly what reaches the driver.
 */
export interface SqlTally {
  statements: number;
}

const storage = new AsyncLocalStorage<SqlTally>();

export function withSqlTally<T>(tally: SqlTally, fn: () => T): T {
  return storage.run(tally, fn);
}

export function currentSqlTally(): SqlTally | undefined {
  return storage.getStore();
}

export interface SqlLogSink {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export class CountingLogger implements Logger {
  constructor(private readonly sink?: SqlLogSink) {}

  logQuery(_query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    const tally = storage.getStore();
    if (tally) tally.statements += 1;
  }

  // Parameters are never logged: they can carry personal data.
  logQueryError(error: string | Error, query: string): void {
    this.sink?.error({ err: error instanceof Error ? error.message : error, query: query.slice(0, 500) }, "sql error");
  }

  logQuerySlow(time: number, query: string): void {
    this.sink?.warn({ ms: time, query: query.slice(0, 500) }, "slow sql");
  }

  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
