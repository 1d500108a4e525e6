import { defineConfig } from 'vitest/config';

/**
 * The stress tier: heavy generated inputs and many-trial races, run by `npm run test:stress`, not
 * by `npm test`. RUNBOOK_STRESS_TRIALS and RUNBOOK_STRESS_SEED set the trials and the seed of the
 * concurrent-edit test (200 and 16 here; `npm test` runs 10 of them).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.stress.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    env: { RUNBOOK_STRESS_TRIALS: process.env.RUNBOOK_STRESS_TRIALS ?? '200', RUNBOOK_STRESS_SEED: process.env.RUNBOOK_STRESS_SEED ?? '16' },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
