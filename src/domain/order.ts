/** The sort orders lists offer (SPEC §11 Lists); each list pages by the chosen key then id. */

export enum OrderDirection {
  ASC = "ASC",
  DESC = "DESC",
}

export enum ClientOrderField {
  CLIENT_NO = "CLIENT_NO",
  OPENED_AT = "OPENED_AT",
  AVG_DAILY_ASSETS = "AVG_DAILY_ASSETS",
  CREDIT_SCORE = "CREDIT_SCORE",
}

export enum FacilityOrderField {
  CREATED_AT = "CREATED_AT",
  MATURITY_DATE = "MATURITY_DATE",
  APPROVED_LIMIT = "APPROVED_LIMIT",
}

export enum AlertOrderField {
  RAISED_AT = "RAISED_AT",
  SEVERITY = "SEVERITY",
}

export enum ReviewOrderField {
  CREATED_AT = "CREATED_AT",
  DUE_DATE = "DUE_DATE",
}

/** A requested order: a field of the list and a direction (ascending when absent). */
export interface ListOrder<F extends string> {
  field: F;
  direction?: OrderDirection | null;
}
