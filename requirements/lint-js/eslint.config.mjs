// lockgate's default ESLint config, used only for projects without an eslint.config.* of their own:
// ESLint's and typescript-eslint's recommended rules (no type information needed), browser and
// Node globals. Installed next to its packages in .venv-tools/lint-js by scripts/bootstrap.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/build/**", "**/coverage/**"] },
  {
    files: ["**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
);
