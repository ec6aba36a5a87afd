import { PortraitEntity } from "../entities";
import type { ReadPool } from "./read-pool";

export function portraitsByIds(db: ReadPool, ids: readonly number[]): Promise<PortraitEntity[]> {
  return db.byIds(PortraitEntity, ids);
}
