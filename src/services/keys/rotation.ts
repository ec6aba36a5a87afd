import type { DataSource } from "typeorm";
import { lockClients } from "../../db/locks";
import { placeholders } from "../../db/sql";
import { inTransaction } from "../../db/transaction";
import type { KeyRing } from "../../crypto/sealing";
import { sealedVersion } from "../../crypto/sealing";
import { SEALED_COLUMNS, storedKeyVersions } from "../../crypto/key-check";

export interface RotationOptions {
  /** Clients per transaction (with their portraits); short, so the API keeps serving. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RotationOutcome {
  clients: number;
  /** Values opened under an older key and sealed again under the first. */
  resealed: number;
  /** The key versions left in the database afterwards: the first key's alone when the run completes. */
  versionsAfter: string[];
  ms: number;
}

type Row = Record<string, unknown>;

/**
 * `npm run rotate-keys` (SPEC §14): every sealed value not under the first DATA_KEYS key is opened
 * and sealed again under it. Keyset batches of client ids, one short transaction each that locks its
 * clients first (db/locks.ts: the order every writer keeps), then rewrites the clients' and their
 * portraits' values; a value already under the first key is left as it is, so a run stopped part-way
 * resumes by running again. Blind indexes are under BLIND_INDEX_KEY and do not change.
 */
export async function rotateKeys(ds: DataSource, ring: KeyRing, opts: RotationOptions = {}): Promise<RotationOutcome> {
  const started = Date.now();
  const batchSize = opts.batchSize ?? 200;
  const total = Number(((await ds.query("SELECT COUNT(*) AS n FROM `client`")) as { n: unknown }[])[0].n);
  const reseal = (raw: unknown): string | null => {
    if (raw === null || raw === undefined) return null;
    const text = String(raw);
    return sealedVersion(text) === ring.currentVersion ? null : ring.seal(ring.open(text));
  };
  let after = 0;
  let done = 0;
  let resealed = 0;
  for (;;) {
    const ids = (
      (await ds.query("SELECT `id` FROM `client` WHERE `id` > ? ORDER BY `id` LIMIT ?", [after, batchSize])) as Row[]
    ).map((r) => Number(r.id));
    if (ids.length === 0) break;
    resealed += await inTransaction(ds, async (manager) => {
      await lockClients(manager, ids);
      let n = 0;
      for (const { table, columns } of SEALED_COLUMNS) {
        const owner = table === "client" ? "id" : "clientId";
        const rows = (await manager.query(
          `SELECT \`id\`, ${columns.map((c) => `\`${c}\``).join(", ")} FROM \`${table}\` WHERE \`${owner}\` IN (${placeholders(ids.length)})`,
          ids,
        )) as Row[];
        for (const r of rows) {
          const changed: [string, string][] = [];
          for (const c of columns) {
            const next = reseal(r[c]);
            if (next !== null) changed.push([c, next]);
          }
          if (changed.length === 0) continue;
          await manager.query(
            `UPDATE \`${table}\` SET ${changed.map(([c]) => `\`${c}\` = ?`).join(", ")} WHERE \`id\` = ?`,
            [...changed.map(([, v]) => v), r.id],
          );
          n += changed.length;
        }
      }
      return n;
    });
    done += ids.length;
    after = ids[ids.length - 1];
    opts.onProgress?.(done, total);
  }
  return {
    clients: done,
    resealed,
    versionsAfter: [...(await storedKeyVersions(ds))].sort(),
    ms: Date.now() - started,
  };
}
