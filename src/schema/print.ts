import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";

/** The committed `schema.graphql`: sorted, so a diff shows only real changes. */
export function printApiSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
