import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import { hydrate, placeholders } from "../db/sql";

/**
 * The data sources a set of reads goes to: the primary, or the read replicas, which take statements
 * in turn. Read services choose the pool; repositories only run their SQL on it.
 */
export class ReadPool {
  private readonly sources: DataSource[];
  private turn = 0;

  constructor(sources: DataSource | DataSource[]) {
    this.sources = Array.isArray(sources) ? sources : [sources];
    if (this.sources.length === 0) throw new Error("ReadPool needs a data source");
  }

  /** The source of the next statement. */
  get ds(): DataSource {
    this.turn = (this.turn + 1) % this.sources.length;
    return this.sources[this.turn];
  }

  async query<R = ObjectLiteral>(sql: string, params: readonly unknown[]): Promise<R[]> {
    return (await this.ds.query(sql, [...params])) as R[];
  }

  async rows<T extends ObjectLiteral>(target: EntityTarget<T>, sql: string, params: readonly unknown[]): Promise<T[]> {
    const ds = this.ds;
    const raw = (await ds.query(sql, [...params])) as ObjectLiteral[];
    return hydrate(ds, target, raw);
  }

  table(target: EntityTarget<ObjectLiteral>): string {
    return `\`${this.sources[0].getMetadata(target).tableName}\``;
  }

  async byIds<T extends ObjectLiteral>(target: EntityTarget<T>, ids: readonly number[]): Promise<T[]> {
    if (ids.length === 0) return [];
    return this.rows(target, `SELECT * FROM ${this.table(target)} WHERE \`id\` IN (${placeholders(ids.length)})`, ids);
  }
}
