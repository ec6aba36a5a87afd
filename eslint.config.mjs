import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "dist-tools/**",
      "node_modules/**",
      "coverage/**",
      "data/**",
      "jest.config.js",
      "test/tiers.js",
      "scripts/*.js",
      "examples/client/src/generated/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  {
    // Matching is pure: it takes plain values and returns plain values with reasons (STYLE.md).
    files: ["src/services/matching/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "typeorm",
                "typeorm/*",
                "graphql",
                "graphql/*",
                "type-graphql",
                "@apollo/*",
                "mysql2",
                "better-sqlite3",
              ],
              message: "services/matching is pure: no database or GraphQL imports.",
            },
            {
              group: ["**/entities/**", "**/schema/**", "**/resolvers/**", "**/loaders/**"],
              message: "services/matching is pure: plain values only.",
            },
          ],
        },
      ],
    },
  },
  // Layers (docs/ARCHITECTURE.md): resolvers → services → repositories → database, never backwards.
  {
    files: ["src/resolvers/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/repositories", "**/repositories/**", "**/db", "**/db/**"],
              message: "Resolvers call services and loaders only: no repositories or database code.",
            },
            {
              group: ["**/entities", "**/entities/**"],
              allowTypeImports: true,
              message: "Resolvers present what services return: entities only as types.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/services/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "graphql",
                "graphql/*",
                "type-graphql",
                "@apollo/*",
                "**/server/**",
                "**/schema/**",
                "**/resolvers/**",
              ],
              message: "Services know nothing of GraphQL or HTTP: the edge maps their results and errors.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/repositories/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/services", "**/services/**"],
              allowTypeImports: true,
              message: "Repositories hold SQL and are called by services, never the other way round.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/cli/**/*.ts", "src/seed/cli.ts", "tools/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
