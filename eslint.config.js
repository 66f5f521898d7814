// The one linter and formatter check: typescript-eslint (type-aware) plus Prettier as a lint rule,
// so `pnpm lint` fails on both kinds of problem and `eslint --fix` repairs formatting.
import prettier from 'eslint-plugin-prettier/recommended';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '.tools/**', '**/testdata/**', '**/*.d.ts'],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'No `export *`: name each export.' },
        { selector: 'ExportDefaultDeclaration', message: 'No default exports: use named exports.' },
        {
          selector: 'ExportNamedDeclaration ExportSpecifier[exported.name="default"]',
          message: 'No default exports: use named exports.',
        },
      ],
    },
  },
  {
    // Tool configs must default-export by contract.
    files: ['eslint.config.js', 'vitest.config.ts', '**/vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  prettier,
);
