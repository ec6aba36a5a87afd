import type { ColumnOptions } from "typeorm";
import { decimalTransformer } from "../domain/decimal";

/** Column shapes that behave the same on MariaDB and SQLite (STACK-NOTES). */

export const moneyColumn = (options: ColumnOptions = {}): ColumnOptions => ({
  type: "decimal",
  precision: 20,
  scale: 2,
  transformer: decimalTransformer(2),
  ...options,
});

export const ratioColumn = (options: ColumnOptions = {}): ColumnOptions => ({
  type: "decimal",
  precision: 10,
  scale: 4,
  transformer: decimalTransformer(4),
  ...options,
});

/** Millisecond precision: MariaDB drops milliseconds otherwise, and keyset cursors need them. */
export const instantColumn = (options: ColumnOptions = {}): ColumnOptions => ({
  type: "datetime",
  precision: 3,
  ...options,
});

export const dateColumn = (options: ColumnOptions = {}): ColumnOptions => ({ type: "date", ...options });

export const codeColumn = (length: number, options: ColumnOptions = {}): ColumnOptions => ({
  type: "varchar",
  length,
  ...options,
});
