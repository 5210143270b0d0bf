import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'cdk.out', '.local', 'coverage', 'test-results'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The service policy stays free of AWS and Lambda plumbing (STYLE.md: no AWS SDK below app/).
    files: ['functions/domain/**/*.ts', 'functions/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*'], message: 'No AWS SDK in domain or use cases.' },
            { group: ['aws-lambda'], message: 'No Lambda types in domain or use cases.' },
            { group: ['@middy/*'], message: 'No middy in domain or use cases.' },
            { group: ['**/adapters/*', '**/http/*', '**/shared/*'], message: 'Depend on ports.' },
          ],
        },
      ],
    },
  },
);
