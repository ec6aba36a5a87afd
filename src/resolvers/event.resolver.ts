import { Args, ArgsType, Authorized, Ctx, Field, Query, Resolver } from "type-graphql";
import { ValidateNested } from "class-validator";
import type { Context } from "../schema/context";
import { presentEvent } from "../schema/event-presenter";
import { PageArgs, toConnection } from "../schema/types/connection";
import { EventConnection, EventFilterInput } from "../schema/types/event";
import { Ability } from "../services/access/abilities";

@ArgsType()
class EventsArgs extends PageArgs {
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
