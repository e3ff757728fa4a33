// Lint for the whole workspace.
//
// Layer order is enforced by the workspace rule `modelwire/layer-imports`
// (tools/checks/src/eslint-layer-rule.mjs): a package may import only packages of a lower
// layer (transport < protocol < client < otel < session), read from `nx.tags`. It stands in
// for `@nx/enforce-module-boundaries`, whose published versions lag the workspace's Nx 23.3
// and would install a second copy of Nx.
import tseslint from 'typescript-eslint';
import { modelwireEslintPlugin } from './tools/checks/src/eslint-layer-rule.mjs';

export const layerConstraints = [
  { sourceTag: 'layer:transport', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'layer:protocol', onlyDependOnLibsWithTags: ['layer:transport'] },
  { sourceTag: 'layer:client', onlyDependOnLibsWithTags: ['layer:transport', 'layer:protocol'] },
  {
    sourceTag: 'layer:otel',
    onlyDependOnLibsWithTags: ['layer:transport', 'layer:protocol', 'layer:client'],
  },
  {
    sourceTag: 'layer:session',
    onlyDependOnLibsWithTags: ['layer:transport', 'layer:protocol', 'layer:client', 'layer:otel'],
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
