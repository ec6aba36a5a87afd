import type { DataSource } from "typeorm";
import { SealedValueError, type KeyRing } from "./sealing";

/** Every column that holds sealed personal data (SPEC §14), by table: the start check and rotate-keys walk these. */
export const SEALED_COLUMNS: readonly { table: string; columns: readonly string[] }[] = [
  { table: "client", columns: ["name", "idNumber", "phone", "annualIncome", "financialAssets"] },
  { table: "portrait", columns: ["financialAssets", "annualIncome"] },
  { table: "satisfaction_response", columns: ["comment"] },
];

/** The key versions the stored values are sealed under (one DISTINCT over the version prefix per column). */
export async function storedKeyVersions(ds: DataSource): Promise<Set<string>> {
  const versions = new Set<string>();
  for (const { table, columns } of SEALED_COLUMNS) {
    const union = columns
      .map(
        (c) =>
          `SELECT DISTINCT SUBSTR(\`${c}\`, 1, INSTR(\`${c}\`, ':') - 1) AS v FROM \`${table}\` WHERE \`${c}\` IS NOT NULL`,
      )
      .join(" UNION ");
    for (const row of (await ds.query(union)) as { v: string | null }[]) {
      if (row.v !== null && row.v !== "") versions.add(row.v);
    }
  }
  return versions;
}

/**
 * At start (SPEC §14): a value sealed under a key version DATA_KEYS no longer configures stops the
 * start, naming the version (never a value).
 */
export async function assertKeyVersionsConfigured(ds: DataSource, ring: KeyRing): Promise<void> {
  for (const version of [...(await storedKeyVersions(ds))].sort()) {
    if (!ring.hasVersion(version)) throw new SealedValueError("UNKNOWN_KEY_VERSION", version);
  }
}
