// One lint configuration for the whole repository (`npm run lint`): Grafana's shared rules (@grafana/eslint-config,
// flat config) for the plugin, the runner and the scripts and tests in JavaScript. Formatting is Prettier's job
// (.prettierrc.json); @grafana/eslint-config already turns the rules off that would fight it (eslint-config-prettier).
// Not enabled: @grafana/eslint-plugin-plugins' `import-is-compatible`, which fetches Grafana's API list from a CDN
// at lint time (offline here and in CI).
import grafanaConfig from '@grafana/eslint-config';
import globals from 'globals';

const CODE = ['**/*.{ts,tsx,js,mjs,cjs}'];

export default [
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      // Scaffold-managed by @grafana/create-plugin; its own README says not to edit it.
      'plugin/.config/**',
      'plugin/playwright-report/**',
      'plugin/test-results/**',
      '**/coverage/**',
    ],
  },
  // @grafana/eslint-config's entries carry no `files`: keep them to code (not JSON or YAML).
  ...grafanaConfig.map((entry) => ({ ...entry, files: CODE })),
  {
    files: CODE,
    languageOptions: {
      // Node 24 and the browsers Grafana supports: modern syntax everywhere (the config's 2019 is for old parsers).
      ecmaVersion: 2024,
      globals: { ...globals.node },
    },
    rules: {
      // The house style writes one-line guards without braces (`if (!x) return;`); a body on another line needs them.
      curly: ['error', 'multi-line'],
      // `import type { A }` beside `import { b }` from one module is how the code keeps types out of the output.
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
    },
  },
  {
    files: ['plugin/src/**/*.{ts,tsx}', 'plugin/tests/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Playwright fixtures call their `use` argument, which is not React's `use` hook.
    files: ['plugin/tests/**/*.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    files: ['**/*.test.{ts,tsx}', 'plugin/jest-setup.js', 'plugin/jest.config.js'],
    languageOptions: { globals: { ...globals.jest } },
  },
];
