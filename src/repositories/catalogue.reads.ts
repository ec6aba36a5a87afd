import type { ObjectLiteral } from "typeorm";
import { hydrate, placeholders } from "../db/sql";
import { ProductEntity, ProductSegmentEntity, SegmentEntity } from "../entities";
import type { ReadPool } from "./read-pool";

/** Segments by priority, then code; every one, or the active ones only. */
export function segments(db: ReadPool, activeOnly: boolean): Promise<SegmentEntity[]> {
  return db.rows(
    SegmentEntity,
    `SELECT * FROM \`segment\` ${activeOnly ? "WHERE `active` = ?" : ""} ORDER BY \`priority\`, \`code\``,
    activeOnly ? [1] : [],
  );
}

export function segmentsByIds(db: ReadPool, ids: readonly number[]): Promise<SegmentEntity[]> {
  return db.byIds(SegmentEntity, ids);
}

export async function segmentByCode(db: ReadPool, code: string): Promise<SegmentEntity | null> {
  const [row] = await db.rows(SegmentEntity, "SELECT * FROM `segment` WHERE `code` = ?", [code]);
  return row ?? null;
}

export function products(db: ReadPool, activeOnly: boolean): Promise<ProductEntity[]> {
  return db.rows(
    ProductEntity,
    `SELECT * FROM \`product\` ${activeOnly ? "WHERE `active` = ?" : ""} ORDER BY \`code\``,
    activeOnly ? [1] : [],
  );
}

/** A product with the ids of the segments it is offered to. */
export interface ProductWithSegmentIds {
  product: ProductEntity;
  segmentIds: number[];
}

/** Products with the ids of their segments, in one statement (a product row per link, folded). */
export async function productsWithSegmentIds(db: ReadPool, activeOnly: boolean): Promise<ProductWithSegmentIds[]> {
  const ds = db.ds;
  const raw = (await ds.query(
    `SELECT p.*, ps.\`segmentId\` AS linkSegmentId_ FROM \`product\` p
       LEFT JOIN \`product_segment\` ps ON ps.\`productId\` = p.\`id\`
       ${activeOnly ? "WHERE p.`active` = ?" : ""} ORDER BY p.\`code\`, ps.\`segmentId\``,
    activeOnly ? [1] : [],
  )) as ObjectLiteral[];
  const out: ProductWithSegmentIds[] = [];
  for (const row of raw) {
    const last = out[out.length - 1];
    const id = Number(row.id);
    const entry = last !== undefined && last.product.id === id ? last : null;
    const target = entry ?? { product: hydrate(ds, ProductEntity, [row])[0], segmentIds: [] };
    if (entry === null) out.push(target);
    if (row.linkSegmentId_ !== null && row.linkSegmentId_ !== undefined)
      target.segmentIds.push(Number(row.linkSegmentId_));
  }
  return out;
}

export function productsByIds(db: ReadPool, ids: readonly number[]): Promise<ProductEntity[]> {
  return db.byIds(ProductEntity, ids);
}

export async function productByCode(db: ReadPool, code: string): Promise<ProductEntity | null> {
  const [row] = await db.rows(ProductEntity, "SELECT * FROM `product` WHERE `code` = ?", [code]);
  return row ?? null;
}

export async function productSegments(db: ReadPool, productIds: readonly number[]): Promise<ProductSegmentEntity[]> {
  if (productIds.length === 0) return [];
  return db.rows(
    ProductSegmentEntity,
    `SELECT * FROM \`product_segment\` WHERE \`productId\` IN (${placeholders(productIds.length)})`,
    productIds,
  );
}
