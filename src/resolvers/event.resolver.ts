import { Args, ArgsType, Authorized, Ctx, Field, Int, Query, Resolver } from "type-graphql";
import { MaxLength, ValidateNested } from "class-validator";
import type { Context } from "../schema/context";
import { presentEvent } from "../schema/event-presenter";
import { toConnection } from "../schema/types/connection";
import { EventConnection, EventFilterInput } from "../schema/types/event";
import { Ability } from "../services/access/abilities";

@ArgsType()
class EventsArgs {
  @Field(() => String, {
    description: "Opaque cursor (an edge's `cursor` or `pageInfo.endCursor`): the page starts after it.",
    nullable: true,
  })
  @MaxLength(512)
  after?: string | null;

  @Field(() => Int, {
    description: "Page size, 1 to 500 (outside that range: BAD_USER_INPUT).",
    nullable: true,
    defaultValue: 50,
  })
  first!: number;

  @Field(() => EventFilterInput, {
    description: "Narrows the stream; every given criterion must hold.",
    nullable: true,
  })
  @ValidateNested()
  filter?: EventFilterInput | null;
}

/** The outbox as a query: the same stream the relay publishes to RabbitMQ (SPEC §12). */
@Resolver()
export class EventResolver {
  @Authorized(Ability.READ_EVENTS)
  @Query(() => EventConnection, {
    description:
      "The outbox: every committed change as an event, in commit order (SPEC §12). Oldest first, keyset-paged (first ≤ 500). RISK_OFFICER, COMPLIANCE, ADMIN; others: FORBIDDEN.",
  })
  async events(@Args() { first, after, filter }: EventsArgs, @Ctx() ctx: Context): Promise<EventConnection> {
    const page = await ctx.services.reads.events({ first, after }, filter);
    return toConnection(EventConnection, page, presentEvent);
  }
}
