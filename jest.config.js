/**
 * Two projects. `unit`: files named `*.unit.test.ts`, pure code in one
 * process, no database and no global set-up, so `npm run test:unit` is a
 * loop of seconds. `integration`: every other test file, against one
 * embedded FerretDB started by the global set-up (or MONGODB_URI); the
 * browser and LibreOffice tests are here too, as they drive programs outside
 * the process. `npm test` runs both.
 */
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  setupFiles: ['reflect-metadata'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.unit.test.ts'],
      // Compiled file by file, without type-checking the whole program for
      // every test file: `npm run typecheck` (in `pretest`) checks types.
      transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.test\\.ts$'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  // Jest reads the time limit from the top level only, for both projects:
  // integration tests wait for the database and the aggregator.
  testTimeout: 60000,
  // The embedded database is one process shared by all test files; two
  // workers keep it busy without exceeding FerretDB's SQLite connection pool.
  maxWorkers: 2,
};
