import type { DataSource } from "typeorm";

/** Readiness: the database answers and every migration is applied (SPEC §1). */
export class HealthService {
  constructor(private readonly ds: DataSource) {}

  async ready(): Promise<{ ok: boolean; database: string; migrations: string }> {
    try {
      await this.ds.query("SELECT 1");
    } catch {
      return { ok: false, database: "unreachable", migrations: "unknown" };
    }
    try {
      const pending = await this.ds.showMigrations();
      return { ok: !pending, database: "ok", migrations: pending ? "pending" : "applied" };
    } catch {
      return { ok: false, database: "unreachable", migrations: "unknown" };
    }
  }
}
