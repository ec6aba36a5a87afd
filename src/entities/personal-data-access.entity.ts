import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { codeColumn, instantColumn } from "./columns";

/**
 * The access trail (SPEC §14): one row per client per response that carried that client's personal
 * data in clear — who (the token subject), which fields, the request id, when. Appended in bulk, one
 * INSERT per request; read by client, latest first (`id` grows with every insert).
 */
@Entity("personal_data_access")
@Index("IDX_personal_data_access_client", ["clientId", "id"])
export class PersonalDataAccessEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "int" })
  clientId!: number;

  /** The token subject that received the data (normalised, at most 64 characters). */
  @Column(codeColumn(64))
  subject!: string;

  /** The personal fields it carried, comma-separated in a fixed order, e.g. `name,idNumber,phone`. */
  @Column(codeColumn(128))
  fields!: string;

  @Column(codeColumn(64))
  requestId!: string;

  @Column(instantColumn())
  at!: Date;
}
