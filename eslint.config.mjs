// Lint for the whole workspace.
//
// Layer order is enforced by the workspace rule `modelwire/layer-imports`
// (tools/checks/src/eslint-layer-rule.mjs): a package may import only packages of a lower
// layer, read from `nx.tags`:
//
//   errors < transport < client < otel < session < store
//   errors < protocol  < client < fetch < agents
//   errors < protocol  < testing (imported only by test files and their fixtures)
//
// `protocol` is pure (zod, no network library), so it depends on `errors`, not `transport`.
// `testing` (the loopback server) is a dev dependency of the packages whose tests use it; the
// rule lets only `*.test.ts` and `__fixtures__/` files import it. `store` holds the session
// stores built on a database (`@modelwire/store-postgres`), above `core-session`. `fetch` holds
// the SDK adapter `@modelwire/fetch` (a `fetch` served by a `ModelClient`), beside `otel`:
// nothing below imports it, and it needs neither telemetry nor sessions. `ai-sdk` holds the AI SDK
// provider `@modelwire/ai-sdk`, above `fetch` (it reuses the adapter building blocks: turns for
// callers that send their whole history, the retry rules, API error answers); nothing imports it.
// `agents` holds the `@openai/agents` model provider `@modelwire/agents`, above `fetch` too.
// It stands in for `@nx/enforce-module-boundaries`, whose published versions lag the
// workspace's Nx 23.3 and would install a second copy of Nx.
import tseslint from 'typescript-eslint';
import { modelwireEslintPlugin } from './tools/checks/src/eslint-layer-rule.mjs';

const testOnly = ['layer:testing'];
export const layerConstraints = [
  { sourceTag: 'layer:errors', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'layer:transport', onlyDependOnLibsWithTags: ['layer:errors'] },
  { sourceTag: 'layer:protocol', onlyDependOnLibsWithTags: ['layer:errors'] },
  { sourceTag: 'layer:testing', onlyDependOnLibsWithTags: ['layer:errors', 'layer:protocol'] },
  {
    sourceTag: 'layer:client',
    onlyDependOnLibsWithTags: ['layer:errors', 'layer:transport', 'layer:protocol'],
    testOnlyDependOnLibsWithTags: testOnly,
  },
  {
    sourceTag: 'layer:otel',
    onlyDependOnLibsWithTags: ['layer:errors', 'layer:transport', 'layer:protocol', 'layer:client'],
    testOnlyDependOnLibsWithTags: testOnly,
  },
  {
    sourceTag: 'layer:fetch',
    onlyDependOnLibsWithTags: ['layer:errors', 'layer:transport', 'layer:protocol', 'layer:client'],
    testOnlyDependOnLibsWithTags: testOnly,
  },
  {
    sourceTag: 'layer:ai-sdk',
    onlyDependOnLibsWithTags: ['layer:errors', 'layer:transport', 'layer:protocol', 'layer:client', 'layer:fetch'],
    testOnlyDependOnLibsWithTags: testOnly,
  },
  {
    sourceTag: 'layer:agents',
    onlyDependOnLibsWithTags: ['layer:errors', 'layer:transport', 'layer:protocol', 'layer:client', 'layer:fetch'],
    testOnlyDependOnLibsWithTags: testOnly,
  },
  {
    sourceTag: 'layer:session',
    onlyDependOnLibsWithTags: ['layer:errors', 'layer:transport', 'layer:protocol', 'layer:client', 'layer:otel'],
    testOnlyDependOnLibsWithTags: testOnly,
  },
  {
    sourceTag: 'layer:store',
    onlyDependOnLibsWithTags: ['layer:errors', 'layer:transport', 'layer:protocol', 'layer:client', 'layer:otel', 'layer:session'],
    testOnlyDependOnLibsWithTags: testOnly,
  },
  { sourceTag: 'layer:tools', onlyDependOnLibsWithTags: ['*'] },
];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/out-tsc/**', '**/node_modules/**', '**/.nx/**', 'reports/**'],
  },
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts', '**/*.mjs'],
    plugins: { modelwire: modelwireEslintPlugin },
    rules: {
      'modelwire/layer-imports': ['error', { depConstraints: layerConstraints }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['tools/**/*.ts', 'tools/**/*.mjs', '**/*.test.ts', '**/testing/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
