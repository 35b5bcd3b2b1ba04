import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const services = ['outbound', 'inbound', 'events', 'api'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.serverless/**', '**/.esbuild/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Plain Node scripts (the serverless plugin, the fauxqs wrapper).
  {
    files: ['**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    // osls loads plugins with require(): CommonJS only.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Dependency rule (docs/conventions.md): core never imports a service or the local cloud; services never import each other.
  {
    files: ['packages/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@mailroom/local', ...services.map((s) => `@mailroom/${s}`), '**/services/**'] },
      ],
    },
  },
  ...services.map((service) => ({
    files: [`services/${service}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@mailroom/local',
            ...services
              .filter((s) => s !== service)
              .flatMap((s) => [`@mailroom/${s}`, `**/services/${s}/**`]),
          ],
        },
      ],
    },
  })),
);
