import { inTransaction } from "../../db/transaction";
import { lockById } from "../../db/locks";
import Decimal from "decimal.js";
import type { DataSource, EntityManager } from "typeorm";
import { violatesUniqueIndex } from "../../db/sql";
import { ClientEntity, PortraitEntity } from "../../entities";
import { today, type Clock } from "../../domain/clock";
import { ClientType, InvestorCategory, UserErrorCode, type ClientStatus } from "../../domain/enums";
import { Refusal, UserError } from "../../errors";
import { toGlobalId } from "../../domain/global-id";
import { assertMayWriteForBranch } from "../access/policy";
import type { Viewer } from "../access/viewer";
import { recordAudit } from "../audit/audit";
import { isValidCreditCode, isValidMobile, isValidResidentId } from "./identity";
import { idNumberIndex, phoneIndex, seal, sealMoney } from "../../crypto/personal-data";

export interface RegisterClientProps {
  clientNo: string;
  type: ClientType;
  name: string;
  idNumber: string;
  phone?: string | null;
  branch: string;
  openedAt: string;
  tradingSince?: string | null;
  investorCategory?: InvestorCategory | null;
  annualIncome?: Decimal | null;
  financialAssets?: Decimal | null;
}

export interface UpdateClientProps {
  clientId: number | null;
  phone?: string | null;
  status?: ClientStatus | null;
  investorCategory?: InvestorCategory | null;
  annualIncome?: Decimal | null;
  financialAssets?: Decimal | null;
  tradingSince?: string | null;
}

const field = (name: string) => ["input", name];

function nonNegative(errors: UserError[], name: string, value: Decimal | null | undefined): void {
  if (value !== null && value !== undefined && value.isNegative()) {
    errors.push(new UserError(UserErrorCode.INVALID, `${name} must not be negative`, field(name)));
  }
}

function notFuture(errors: UserError[], name: string, value: string | null | undefined, todayDate: string): void {
  if (value && value > todayDate) {
    errors.push(new UserError(UserErrorCode.INVALID, `${name} must not be in the future`, field(name)));
  }
}

const TAKEN_CLIENT_NO = () => Refusal.of(UserErrorCode.DUPLICATE, "clientNo is already registered", field("clientNo"));
// One investor, one credit account (SPEC §10).
const TAKEN_ID_NUMBER = () =>
  Refusal.of(UserErrorCode.DUPLICATE, "This ID number already holds a credit account", field("idNumber"));

/** Two registrations racing past the checks: the unique index that fired says which one. */
function duplicateOf(err: unknown): Refusal | null {
  if (violatesUniqueIndex(err, "UQ_client_clientNo", "client", ["clientNo"])) return TAKEN_CLIENT_NO();
  if (violatesUniqueIndex(err, "UQ_client_idNumberBlindIndex", "client", ["idNumberBlindIndex"])) {
    return TAKEN_ID_NUMBER();
  }
  return null;
}

const NOT_PROFESSIONAL = () =>
  Refusal.of(
    UserErrorCode.NOT_ELIGIBLE,
    "Professional status needs the client's latest portrait to qualify the client",
    field("investorCategory"),
  );

/**
 * Professional status is earned, not declared (SPEC §10): the portrait that qualifies the client,
 * which the audit entry names. No portrait, or one that does not qualify: NOT_ELIGIBLE.
 */
async function qualifyingPortrait(manager: EntityManager, client: ClientEntity): Promise<PortraitEntity> {
  const portrait =
    client.latestPortraitId === null
      ? null
      : await manager.findOneBy(PortraitEntity, { id: client.latestPortraitId, clientId: client.id });
  if (portrait === null || !portrait.professionalEligible) throw NOT_PROFESSIONAL();
  return portrait;
}

/** Opening and maintaining a client record (SPEC §3 raw data; §6 who may). */
export class ClientIntakeService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Registers a client. Refuses (INVALID, with the field): a clientNo not of 4–32 capitals and
   * digits, a blank name, an ID number whose checksum fails (resident ID for individuals, unified
   * social credit code for institutions), a phone that is not a mainland mobile, dates in the
   * future, negative amounts; a taken clientNo or ID number is DUPLICATE; PROFESSIONAL is
   * NOT_ELIGIBLE (a new client has no portrait to earn it). Writes nothing when refused.
   */
  async registerClient(viewer: Viewer, props: RegisterClientProps): Promise<ClientEntity> {
    assertMayWriteForBranch(viewer, props.branch);
    const now = this.clock.now();
    const todayDate = today(this.clock);
    const errors: UserError[] = [];
    if (!/^[A-Z0-9]{4,32}$/.test(props.clientNo)) {
      errors.push(
        new UserError(UserErrorCode.INVALID, "clientNo must be 4–32 capital letters or digits", field("clientNo")),
      );
    }
    const name = props.name.trim();
    if (name.length === 0) errors.push(new UserError(UserErrorCode.INVALID, "name must not be blank", field("name")));
    if (props.type === ClientType.INDIVIDUAL && !isValidResidentId(props.idNumber, todayDate)) {
      errors.push(
        new UserError(UserErrorCode.INVALID, "idNumber is not a valid 18-character resident ID", field("idNumber")),
      );
    }
    if (props.type === ClientType.INSTITUTION && !isValidCreditCode(props.idNumber)) {
      errors.push(
        new UserError(
          UserErrorCode.INVALID,
          "idNumber is not a valid 18-character unified social credit code",
          field("idNumber"),
        ),
      );
    }
    if (props.phone !== null && props.phone !== undefined && !isValidMobile(props.phone)) {
      errors.push(new UserError(UserErrorCode.INVALID, "phone must be a mainland mobile number", field("phone")));
    }
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(props.branch)) {
      errors.push(new UserError(UserErrorCode.INVALID, "branch must be 1–32 letters, digits, - or _", field("branch")));
    }
    notFuture(errors, "openedAt", props.openedAt, todayDate);
    notFuture(errors, "tradingSince", props.tradingSince, todayDate);
    nonNegative(errors, "annualIncome", props.annualIncome);
    nonNegative(errors, "financialAssets", props.financialAssets);
    if (errors.length > 0) throw new Refusal(errors);
    if (props.investorCategory === InvestorCategory.PROFESSIONAL) throw NOT_PROFESSIONAL();

    try {
      return await inTransaction(this.ds, async (manager) => {
        if (await manager.existsBy(ClientEntity, { clientNo: props.clientNo })) throw TAKEN_CLIENT_NO();
        // SPEC §10 by the blind index (SPEC §14); its unique index settles a race past this check.
        const idNumberBlindIndex = idNumberIndex(props.idNumber);
        if (await manager.existsBy(ClientEntity, { idNumberBlindIndex })) throw TAKEN_ID_NUMBER();
        const phone = props.phone ?? null;
        const client = manager.create(ClientEntity, {
          clientNo: props.clientNo,
          type: props.type,
          name: seal(name),
          idNumber: seal(props.idNumber),
          idNumberBlindIndex,
          phone: phone === null ? null : seal(phone),
          phoneBlindIndex: phone === null ? null : phoneIndex(phone),
          branch: props.branch,
          openedAt: props.openedAt,
          tradingSince: props.tradingSince ?? null,
          investorCategory: props.investorCategory ?? InvestorCategory.ORDINARY,
          annualIncome: sealMoney(props.annualIncome),
          financialAssets: sealMoney(props.financialAssets),
          latestPortraitId: null,
          createdAt: now,
          updatedAt: now,
          version: 1,
        });
        await manager.save(client);
        await recordAudit(
          manager,
          viewer,
          "registerClient",
          { type: "Client", id: client.id },
          {
            at: now,
            changes: { ...props, name },
          },
        );
        return client;
      });
    } catch (err) {
      throw duplicateOf(err) ?? err;
    }
  }

  /**
   * Updates the mutable part of a client record. Unknown client: NOT_FOUND; a client of another
   * branch for a branch-scoped manager: FORBIDDEN; the same field rules as registration;
   * PROFESSIONAL without a latest portrait that qualifies the client: NOT_ELIGIBLE.
   */
  async updateClient(viewer: Viewer, props: UpdateClientProps): Promise<ClientEntity> {
    const todayDate = today(this.clock);
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      // One client, one line of writes (SPEC §10): locked, so the portrait a PROFESSIONAL status
      // relies on cannot change under this update.
      const client = await lockById(manager, ClientEntity, props.clientId);
      if (client === null) throw Refusal.of(UserErrorCode.NOT_FOUND, "No such client", field("clientId"));
      assertMayWriteForBranch(viewer, client.branch);
      const errors: UserError[] = [];
      if (props.phone !== null && props.phone !== undefined && !isValidMobile(props.phone)) {
        errors.push(new UserError(UserErrorCode.INVALID, "phone must be a mainland mobile number", field("phone")));
      }
      notFuture(errors, "tradingSince", props.tradingSince, todayDate);
      nonNegative(errors, "annualIncome", props.annualIncome);
      nonNegative(errors, "financialAssets", props.financialAssets);
      if (errors.length > 0) throw new Refusal(errors);
      const earnedOn =
        props.investorCategory === InvestorCategory.PROFESSIONAL ? await qualifyingPortrait(manager, client) : null;

      // What changed, for the audit entry (personal values masked or withheld there) …
      const changes: Record<string, unknown> = {};
      // … and the row's new columns, personal ones sealed (SPEC §14).
      const columns: Partial<ClientEntity> = {};
      if (props.phone !== undefined && props.phone !== null) {
        changes.phone = props.phone;
        columns.phone = seal(props.phone);
        columns.phoneBlindIndex = phoneIndex(props.phone);
      }
      if (props.status) changes.status = columns.status = props.status;
      if (props.investorCategory) changes.investorCategory = columns.investorCategory = props.investorCategory;
      if (props.annualIncome) {
        changes.annualIncome = props.annualIncome;
        columns.annualIncome = sealMoney(props.annualIncome);
      }
      if (props.financialAssets) {
        changes.financialAssets = props.financialAssets;
        columns.financialAssets = sealMoney(props.financialAssets);
      }
      if (props.tradingSince) changes.tradingSince = columns.tradingSince = props.tradingSince;
      if (Object.keys(changes).length === 0) return client;
      Object.assign(client, columns, { updatedAt: now, version: client.version + 1 });
      await manager.save(client);
      await recordAudit(
        manager,
        viewer,
        "updateClient",
        { type: "Client", id: client.id },
        {
          at: now,
          changes: earnedOn ? { ...changes, professionalPortrait: toGlobalId("Portrait", earnedOn.id) } : changes,
        },
      );
      return client;
    });
  }
}
