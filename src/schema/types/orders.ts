import { Field, InputType, registerEnumType } from "type-graphql";
import {
  AlertOrderField,
  ClientOrderField,
  FacilityOrderField,
  OrderDirection,
  ReviewOrderField,
} from "../../domain/order";

// SPEC §11 Lists: every order pages by its key, then by id; NULL keys sort lowest.

registerEnumType(OrderDirection, {
  name: "OrderDirection",
  description: "Ascending or descending; rows without a value (null) come first ascending, last descending.",
  valuesConfig: {
    ASC: { description: "Lowest first." },
    DESC: { description: "Highest first." },
  },
});

registerEnumType(ClientOrderField, {
  name: "ClientOrderField",
  description: "What a client list is sorted by, then by id.",
  valuesConfig: {
    CLIENT_NO: { description: "Client number (the default)." },
    OPENED_AT: { description: "Date the account was opened." },
    AVG_DAILY_ASSETS: { description: "The latest portrait's 20-day average daily assets; null without a portrait." },
    CREDIT_SCORE: { description: "The latest portrait's credit score; null without a portrait." },
  },
});

registerEnumType(FacilityOrderField, {
  name: "FacilityOrderField",
  description: "What a facility list is sorted by, then by id.",
  valuesConfig: {
    CREATED_AT: { description: "When the application was made (the default)." },
    MATURITY_DATE: { description: "Maturity date; null until the facility is signed." },
    APPROVED_LIMIT: { description: "Approved limit; null until the facility is approved." },
  },
});

registerEnumType(AlertOrderField, {
  name: "AlertOrderField",
  description: "What an alert list is sorted by, then by id (without orderBy: by creation).",
  valuesConfig: {
    RAISED_AT: { description: "When the alert was raised." },
    SEVERITY: { description: "Severity by rank: INFO, WARNING, CRITICAL." },
  },
});

registerEnumType(ReviewOrderField, {
  name: "ReviewOrderField",
  description: "What a review list is sorted by, then by id.",
  valuesConfig: {
    CREATED_AT: { description: "When the review was opened (the default)." },
    DUE_DATE: { description: "Date the review is due." },
  },
});

const DIRECTION = "Ascending unless given.";

@InputType("ClientOrder", { description: "Sort order of a client list; cursors belong to one order." })
export class ClientOrderInput {
  @Field(() => ClientOrderField, { description: "The sort key." })
  field!: ClientOrderField;

  @Field(() => OrderDirection, { nullable: true, defaultValue: OrderDirection.ASC, description: DIRECTION })
  direction?: OrderDirection | null;
}

@InputType("FacilityOrder", { description: "Sort order of a facility list; cursors belong to one order." })
export class FacilityOrderInput {
  @Field(() => FacilityOrderField, { description: "The sort key." })
  field!: FacilityOrderField;

  @Field(() => OrderDirection, { nullable: true, defaultValue: OrderDirection.ASC, description: DIRECTION })
  direction?: OrderDirection | null;
}

@InputType("AlertOrder", { description: "Sort order of an alert list; cursors belong to one order." })
export class AlertOrderInput {
  @Field(() => AlertOrderField, { description: "The sort key." })
  field!: AlertOrderField;

  @Field(() => OrderDirection, { nullable: true, defaultValue: OrderDirection.ASC, description: DIRECTION })
  direction?: OrderDirection | null;
}

@InputType("ReviewOrder", { description: "Sort order of a review list; cursors belong to one order." })
export class ReviewOrderInput {
  @Field(() => ReviewOrderField, { description: "The sort key." })
  field!: ReviewOrderField;

  @Field(() => OrderDirection, { nullable: true, defaultValue: OrderDirection.ASC, description: DIRECTION })
  direction?: OrderDirection | null;
}
