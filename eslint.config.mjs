// ESLint (flat config) with typescript-eslint: `npm run lint`, run by `npm test`'s type-check step.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // generated trees (cdk8s import, npm run synth, npm run import) and git-ignored ones
  {
    ignores: [
      'imports/**',
      'dist/**',
      'host-bootstrap/**',
      'docs/sites/**',
      'node_modules/**',
      '.build/**',
      'host-config/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // no unused variables or imports; a leading `_` marks a binding kept on purpose (a tuple position)
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'all' },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // no `any`, written or flowing in from an untyped value (an external library's `any`, JSON.parse,
      // Array.isArray on unknown): take `unknown` and narrow (lib/core/records.ts)
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
    },
  },
  {
    // Tests read rendered YAML and cdk8s' `Testing.synth()` output (typed `any` by cdk8s) field by
    // field, as `as any`: a wrong path reads undefined and the assertion fails, which is the check.
    // Typing every rendered document for the tests would restate the imports' types, so `any` is
    // allowed in test/ (the unused-variable rule still applies) and its type-aware rules are off.
    files: ['test/**/*.ts'],
    ...tseslint.configs.disableTypeChecked,
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // test/unit/ looks objects up by kind with the imports' types (test/unit/support/render.ts): no `any` there
    files: ['test/unit/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    // plain CommonJS (scripts/synth.cjs runs before any TypeScript is built): require is its import
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
