import type { Config } from 'jest';

// One jest project per package and service. TypeScript and middy's ESM build are
// transformed by swc; everything else in node_modules is left as it is.
const transform: Config['transform'] = {
  '^.+\\.(t|j|mj)s$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};

const project = (dir: string): Config => ({
  displayName: dir.split('/').pop(),
  rootDir: `<rootDir>/${dir}`,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
  transform,
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/)?(@middy|@seriousme))'],
  setupFiles: [`${__dirname}/scripts/jest/quiet-logs.ts`],
});

const config: Config = {
  projects: [
    'packages/core',
    'packages/local',
    // The console's pure modules (its pages are tested in a browser: test/console).
    'packages/console',
    'cli',
    'services/outbound',
    'services/inbound',
    'services/events',
    'services/api',
    'scripts',
  ]
    .map(project)
    // Tests across services (every HTTP endpoint of every service): test/**/*.test.ts.
    .concat({ ...project('test'), displayName: 'cross-service', testMatch: ['<rootDir>/**/*.test.ts'] }),
  // Integration tests start emulators; give them room on a 2-core machine.
  testTimeout: 60_000,
};

export default config;
