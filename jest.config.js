/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: 'node',
    roots: ['<rootDir>/test'],
    testMatch: ['**/*.test.ts'],
    transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
    globalSetup: '<rootDir>/test/support/globalSetup.ts',
    globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
    // Every exchange the local host serves is checked against openapi.json (dev/contract).
    // SYNC_SIGNAL console lines are dropped (quietSignals.ts).
    setupFilesAfterEnv: ['<rootDir>/test/support/apiContract.ts', '<rootDir>/test/support/quietSignals.ts'],
    testTimeout: 60000,
    maxWorkers: 2,
};
