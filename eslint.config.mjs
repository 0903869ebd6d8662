// Flat config: typescript-eslint's recommended rules (syntax-only, so `npm run lint` stays fast) plus a
// few rules that keep secrets and stray debugging out of the service code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    { ignores: ['dist/**', 'node_modules/**', '.local/**', '.bicep/**', 'coverage/**', 'test-results/**'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ['**/*.ts'],
        rules: {
            '@typescript-eslint/no-explicit-any': 'error',
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
            '@typescript-eslint/no-require-imports': 'off',
            'no-console': 'off',
        },
    },
    {
        files: ['functions/**/*.ts', 'lib/**/*.ts'],
        rules: {
            // The service logs through the InvocationContext (structured, redacted), never console.
            'no-console': 'error',
        },
    },
    {
        files: ['**/*.js', '**/*.cjs'],
        languageOptions: {
            globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' },
        },
    },
);
