// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "deploy/", "**/*.generated.ts", ".cache/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      // Every promise is either awaited or explicitly voided: a dropped rejection in a controller is a silent hang.
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "describe", "it", "suite", "before", "after", "beforeEach", "afterEach"] }] },
      ],
      "@typescript-eslint/require-await": "off",
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  {
    // src/lib holds libraries that reproduce Go behaviour (the template engine, gjson, Go regexps): used by
    // sync today and PushSecret next, they know nothing of Kubernetes or of Ferry's controllers (issue 11).
    files: ["src/lib/**"],
    ignores: ["src/lib/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { group: ["@kubernetes/*", "**/runtime/**", "**/sync/**", "**/apis/**", "**/pushsecret/**", "**/providers/**", "**/cli/**"], message: "src/lib knows nothing of Kubernetes or of Ferry's controllers." },
        ],
      }],
    },
  },
  {
    // ADR 13: a value import of @kubernetes/client-node loads all its generated APIs and models (~46 MiB of
    // RSS), whatever is used; the runtime's own client is in src/runtime/kube/, and exec/auth-provider users
    // load client-node there with import(). Type imports cost nothing.
    files: ["src/**/*.ts"],
    ignores: ["src/**/*.test.ts", "src/**/testing/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", {
        paths: [{ name: "@kubernetes/client-node", allowTypeImports: true, message: "Use src/runtime/kube/ (ADR 13); only `import type` from client-node." }],
      }],
    },
  },
  {
    files: ["test/**", "bench/**", "tools/**", "scripts/**", "src/cli/**"],
    rules: { "no-console": "off" },
  },
  {
    files: ["eslint.config.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
