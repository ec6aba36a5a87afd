import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from "graphql";
import { buildApiSchema } from "../../src/schema/build";

const described = (text: string | null | undefined): boolean =>
  text !== undefined && text !== null && text.trim() !== "";

/**
 * Every schema element a front-end developer reads in GraphiQL or codegen output, as a path
 * (`Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`, `Input.field`), when it has no description.
 */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!described(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!described(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) {
          if (!described(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!described(field.description)) missing.push(`${type.name}.${field.name}`);
      }
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) {
        if (!described(value.description)) missing.push(`${type.name}.${value.name}`);
      }
    }
  }
  return missing.sort();
}

describe("the schema is described (SPEC §11)", () => {
  it("every type, field, argument, enum value and input field has a description", async () => {
    expect(undescribed(await buildApiSchema())).toEqual([]);
  });
});
