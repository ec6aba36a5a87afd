import { ClientResolver, PortraitResolver, RiskAssessmentResolver } from "./client.resolver";
import { AlertResolver, CreditFacilityResolver, PostLoanReviewResolver, ProductResolver } from "./facility.resolver";
import { ProfileMutations } from "./profile.mutations";
import { QueryResolver } from "./query.resolver";

export const RESOLVERS = [
  QueryResolver,
  ClientResolver,
  RiskAssessmentResolver,
  PortraitResolver,
  CreditFacilityResolver,
  PostLoanReviewResolver,
  AlertResolver,
  ProductResolver,
  ProfileMutations,
] as const;
