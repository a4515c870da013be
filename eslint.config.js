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
    files: ["test/**", "bench/**", "tools/**", "scripts/**", "src/cli/**"],
    rules: { "no-console": "off" },
  },
  {
    files: ["eslint.config.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
