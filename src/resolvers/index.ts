import { ClientResolver, PortraitResolver, RiskAssessmentResolver } from "./client.resolver";
import { ClientHistoryResolver } from "./client-history.resolver";
import { AlertResolver, CreditFacilityResolver, PostLoanReviewResolver, ProductResolver } from "./facility.resolver";
import { CatalogueMutations } from "./catalogue.mutations";
import { EventResolver } from "./event.resolver";
import { ClientFitResolver, SimulationResolver } from "./fit.resolver";
import { LifecycleMutations } from "./lifecycle.mutations";
import { PersonalDataResolver } from "./personal-data.resolver";
import { ProfileMutations } from "./profile.mutations";
import { QueryResolver } from "./query.resolver";
import { SatisfactionResolver } from "./satisfaction.resolver";
import { SegmentResolver } from "./segment.resolver";
import { SegmentTrackingResolver, TrackingResolver } from "./tracking.resolver";
import { SubscriptionResolver } from "./subscription.resolver";

export const RESOLVERS = [
  QueryResolver,
  ClientResolver,
  ClientHistoryResolver,
  RiskAssessmentResolver,
  PortraitResolver,
  CreditFacilityResolver,
  PostLoanReviewResolver,
  AlertResolver,
  ProductResolver,
  ProfileMutations,
  ClientFitResolver,
  SimulationResolver,
  SegmentResolver,
  CatalogueMutations,
  LifecycleMutations,
  EventResolver,
  PersonalDataResolver,
  SubscriptionResolver,
  SatisfactionResolver,
  TrackingResolver,
  SegmentTrackingResolver,
] as const;
