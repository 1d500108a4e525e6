import { defineConfig } from 'vitest/config';

/** The stress tier: heavy generated inputs, run by `npm run test:stress`, not by `npm test`. */
export default defineConfig({
  test: {
    include: ['test/**/*.stress.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
