import type { PersonalDataAccessEntity } from "../entities/personal-data-access.entity";
import { PersonalDataAccessGql } from "./types/personal-data";

/** An access record as the PersonalDataAccess type: the client id stays inside (the query names it). */
export function presentAccess(a: PersonalDataAccessEntity): PersonalDataAccessGql {
  return Object.assign(new PersonalDataAccessGql(), {
    viewer: a.subject,
    fields: a.fields === "" ? [] : a.fields.split(","),
    requestId: a.requestId,
    at: a.at,
  });
}
