import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    reporters: ['default', './test/helpers/engine-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only add PGlite memory and contention.
    maxWorkers: 2,
  },
});
