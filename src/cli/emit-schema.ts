import "reflect-metadata";
import fs from "node:fs";
import { buildApiSchema } from "../schema/build";
import { printApiSchema } from "../schema/print";

/** Writes the emitted schema to ./schema.graphql (committed; a test fails when it is stale). */
buildApiSchema()
  .then((schema) => {
    fs.writeFileSync("schema.graphql", printApiSchema(schema));
    console.log("wrote schema.graphql");
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
