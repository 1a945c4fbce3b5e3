// Lint rules: typescript-eslint's recommended set, plus the project's own bans.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "out/**", "build/**", ".test-build/**", ".stryker-tmp/**", "policy/node_modules/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-imports": ["error", {
        paths: [{ name: "@pulumi/azure-native", message: "Import one module, e.g. @pulumi/azure-native/iothub (the root package makes previews ~4x slower)." }],
      }],
    },
  },
  // Plain JavaScript run by Node directly: the build script (ESM) and a test fixture (CommonJS).
  { files: ["**/*.mjs", "**/*.cjs"], languageOptions: { globals: { process: "readonly", console: "readonly" } } },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
