import { Args, ArgsType, Authorized, Ctx, Field, ID, Query, Resolver } from "type-graphql";
import { MaxLength } from "class-validator";
import { idOf } from "../domain/global-id";
import { BadInputError } from "../errors";
import type { Context } from "../schema/context";
import { presentAccess } from "../schema/personal-data-presenter";
import { PageArgs, toConnection } from "../schema/types/connection";
import { PersonalDataAccessConnection } from "../schema/types/personal-data";
import { Ability } from "../services/access/abilities";

@ArgsType()
class PersonalDataAccessArgs extends PageArgs {
  @Field(() => ID, { description: "The client's global ID." })
  @MaxLength(128)
  clientId!: string;
}

/** The access trail as a query (SPEC §14 "who read what"). */
@Resolver()
export class PersonalDataResolver {
  @Authorized(Ability.READ_PERSONAL_DATA_ACCESS)
  @Query(() => PersonalDataAccessConnection, {
    description:
      "Who received this client's personal data in clear, latest first (SPEC §14; COMPLIANCE, ADMIN). Keyset-paged (first ≤ 500); an unknown client has no records; others: FORBIDDEN.",
  })
  async personalDataAccess(
    @Args() { clientId, first, after }: PersonalDataAccessArgs,
    @Ctx() ctx: Context,
  ): Promise<PersonalDataAccessConnection> {
    const id = idOf(clientId, "Client");
    if (id === null) throw new BadInputError("clientId is not a Client ID", "clientId");
    const page = await ctx.services.accessTrail.ofClient(id, { first, after });
    return toConnection(PersonalDataAccessConnection, page, presentAccess);
  }
}
