import { validate } from "class-validator";
import {
  Arg,
  ArgumentValidationError,
  Ctx,
  ID,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from "type-graphql";
import { idOf } from "../domain/global-id";
import { BadInputError } from "../errors";
import type { Context } from "../schema/context";
import { presentAlert, presentFacility, presentReview } from "../schema/presenters";
import { CreditFacilityGql, PostLoanReviewGql, AlertGql } from "../schema/types/facility";
import { AlertFilterInput } from "../schema/types/filters";
import type { LiveCriteria, LiveItem, LiveKind } from "../services/events/live-feed";

type Item<K extends LiveKind> = Extract<LiveItem, { kind: K }>;

/** The client a subscription narrows to: a client's global ID, or BAD_USER_INPUT (never echoed). */
function clientIdOf(id: string | null | undefined): number | null {
  if (id === null || id === undefined) return null;
  const dbId = idOf(id, "Client");
  if (dbId === null) throw new BadInputError("clientId is not a client's ID", "clientId");
  return dbId;
}

/**
 * An argument checked as the resolver would check it (class-validator), but as the subscription starts:
 * a filter breaking its rules is refused there, as the matching query would be, not at every event.
 */
async function checked<T extends object>(input: new () => T, value: T | null | undefined): Promise<T | null> {
  if (value === null || value === undefined) return null;
  const instance = Object.assign(new input(), value);
  // The options type-graphql validates arguments with (schema/build.ts `validate`, and absent fields skipped).
  const errors = await validate(instance, { forbidUnknownValues: false, skipMissingProperties: true });
  if (errors.length > 0) throw new ArgumentValidationError(errors);
  return instance;
}

function follow(context: Context, kind: LiveKind, criteria: LiveCriteria): AsyncIterable<LiveItem> {
  return context.services.live.subscribe(kind, context.viewer, criteria, (reason) => context.live?.ended(reason));
}

/**
 * Each event is executed like a query of its own, once for every subscriber sharing its document and
 * its view (server/live-execution.ts: fresh loaders, a fresh access trail), here primed with the row's
 * client (and an alert's facility), which the feed read once and whose branch it already checked
 * against the subscribers' scope.
 */
function asQuery(ctx: Context, item: LiveItem): void {
  ctx.loaders.client.prime(item.client.id, item.client);
  if (item.kind === "alert" && item.facility !== null) ctx.loaders.facility.prime(item.facility.id, item.facility);
}

/**
 * SPEC §12 subscriptions over graphql-ws on /graphql (server/subscriptions.ts): the token in
 * `connection_init`; each event scoped by the viewer's branch and masked for it exactly as the matching
 * query (services/events/live-feed.ts decides who receives what; the presenters mask).
 */
@Resolver()
export class SubscriptionResolver {
  @Subscription(() => AlertGql, {
    description: "Alerts as they are raised, scoped and masked as the alerts query.",
    subscribe: async ({
      args,
      context,
    }: SubscribeResolverData<unknown, { filter?: AlertFilterInput | null }, Context>) => {
      const filter = await checked(AlertFilterInput, args.filter);
      return follow(context, "alert", {
        kinds: filter?.kinds,
        severities: filter?.severities,
        openOnly: filter?.openOnly,
      });
    },
  })
  alertRaised(
    @Root() item: Item<"alert">,
    @Arg("filter", () => AlertFilterInput, {
      nullable: true,
      description: "Only alerts meeting these criteria (open ones by default, as the alerts query).",
    })
    _filter: AlertFilterInput | null,
    @Ctx() ctx: Context,
  ): AlertGql {
    asQuery(ctx, item);
    return presentAlert(item.row);
  }

  @Subscription(() => CreditFacilityGql, {
    description: "Facilities as their state, limits or valuation change.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { clientId?: string | null }, Context>) =>
      follow(context, "facility", { clientId: clientIdOf(args.clientId) }),
  })
  facilityChanged(
    @Root() item: Item<"facility">,
    @Arg("clientId", () => ID, { nullable: true, description: "Only this client's facilities (global ID)." })
    _clientId: string | null,
    @Ctx() ctx: Context,
  ): CreditFacilityGql {
    asQuery(ctx, item);
    return presentFacility(item.row);
  }

  @Subscription(() => PostLoanReviewGql, {
    description: "Reviews as they are created, started, completed or cancelled.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { clientId?: string | null }, Context>) =>
      follow(context, "review", { clientId: clientIdOf(args.clientId) }),
  })
  reviewChanged(
    @Root() item: Item<"review">,
    @Arg("clientId", () => ID, { nullable: true, description: "Only this client's reviews (global ID)." })
    _clientId: string | null,
    @Ctx() ctx: Context,
  ): PostLoanReviewGql {
    asQuery(ctx, item);
    return presentReview(item.row);
  }
}
