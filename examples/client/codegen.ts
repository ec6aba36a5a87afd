import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * A typed client generated from the API's own schema (schema.graphql at the project root) and the
 * operations under src/. Custom scalars cross the wire as strings: Decimal keeps every digit (parse
 * it with a decimal library, never with Number), Date is YYYY-MM-DD, DateTime is ISO 8601 in UTC.
 */
const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/**/*.graphql"],
  generates: {
    "src/generated/graphql.ts": {
      plugins: ["typescript", "typescript-operations", "typed-document-node"],
      config: {
        scalars: { Decimal: "string", Date: "string", DateTime: "string", ID: "string" },
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
        useTypeImports: true,
      },
    },
  },
};

export default config;
