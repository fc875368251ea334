// lockgate's default ESLint config, used only for projects without an eslint.config.* of their own:
// ESLint's recommended rules for JavaScript (JSX allowed, CommonJS or modules), plus
// typescript-eslint's recommended rules (no type information needed) for TypeScript; browser and
// Node globals. Installed next to its packages in .venv-tools/lint-js by scripts/bootstrap.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const languageOptions = { globals: { ...globals.browser, ...globals.node } };

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/build/**", "**/coverage/**", "**/*.min.js"] },
  {
    files: ["**/*.{js,jsx,mjs,cjs}"],
    extends: [js.configs.recommended],
    languageOptions: { ...languageOptions, parserOptions: { ecmaFeatures: { jsx: true } } },
  },
  {
    files: ["**/*.{ts,tsx,mts,cts}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions,
  },
);
