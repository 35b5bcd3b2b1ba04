import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const services = ['outbound', 'inbound', 'events', 'api'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.serverless/**',
      '**/.esbuild/**',
      'bench/results/**',
      'packages/console/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Plain Node scripts (the serverless plugin, the fauxqs wrapper).
  {
    files: ['**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    // osls loads plugins with require(): CommonJS only.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The console runs in the browser (packages/console/src), its build script in Node.
  {
    files: ['packages/console/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Dependency rule (docs/conventions.md): core never imports a service, the local cloud or the CLI; services never
  // import each other or the CLI.
  {
    files: ['packages/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@mailroom/local',
            '@mailroom/cli',
            ...services.map((s) => `@mailroom/${s}`),
            '**/services/**',
          ],
        },
      ],
    },
  },
  // The CLI runs services' use cases with its own adapters: never a service's wiring, config or handlers, which
  // would build clients from a Lambda's env.
  {
    files: ['cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@mailroom/*/src/wiring*', '@mailroom/*/src/config*', '@mailroom/*/src/functions/**'] },
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
            '@mailroom/cli',
            ...services
              .filter((s) => s !== service)
              .flatMap((s) => [`@mailroom/${s}`, `**/services/${s}/**`]),
          ],
        },
      ],
    },
  })),
);
