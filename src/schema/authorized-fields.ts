import { isObjectType, type GraphQLSchema } from "graphql";
import { getMetadataStorage } from "type-graphql";

/**
 * type-graphql runs a field's `@Authorized` check inside the resolver it builds for the field. A field
 * of a `simpleResolvers` type without a `@FieldResolver` gets no resolver at all, so the check on it
 * never runs and the field answers everyone. Throws, naming every such field of the built schema.
 */
export function assertAuthorizedFieldsEnforced(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const ignored: string[] = [];
  for (const type of storage.objectTypes) {
    const built = schema.getType(type.name);
    if (!isObjectType(built)) continue;
    const inherited = storage.interfaceTypes
      .filter((i) => type.interfaceClasses?.includes(i.target))
      .flatMap((i) => i.fields ?? []);
    for (const field of [...inherited, ...(type.fields ?? [])]) {
      if (field.roles === undefined) continue;
      if (built.getFields()[field.schemaName]?.resolve === undefined) ignored.push(`${type.name}.${field.schemaName}`);
    }
  }
  if (ignored.length > 0) {
    throw new Error(
      `@Authorized is ignored on ${ignored.join(", ")}: the type sets simpleResolvers, so guard the field ` +
        "with a @FieldResolver or drop simpleResolvers on it",
    );
  }
}
