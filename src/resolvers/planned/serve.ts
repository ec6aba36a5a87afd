import { isObjectType, type GraphQLSchema } from "graphql";

/** Where a planned client keeps the values of its nested fields, by response key. */
export const PLANNED = Symbol("planned");

export interface PlannedClient {
  [PLANNED]: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * A planned client (resolvers/planned/) already holds the value of each nested field it was asked for:
 * the Client type's field resolvers hand that value over as it is, and run as before for a client
 * presented field by field.
 */
export function servePlannedClients(schema: GraphQLSchema): void {
  const type = schema.getType("Client");
  if (!isObjectType(type)) throw new Error("the schema has no Client type");
  for (const field of Object.values(type.getFields())) {
    const resolve = field.resolve;
    if (resolve === undefined) continue;
    field.resolve = (source, args, context, info) => {
      const planned = (source as Partial<PlannedClient>)[PLANNED];
      return planned !== undefined && info.path.key in planned
        ? planned[info.path.key]
        : resolve(source, args, context, info);
    };
  }
}
