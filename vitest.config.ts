import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Heavy generated inputs run in the stress tier (vitest.stress.config.ts, `npm run test:stress`).
    exclude: ['**/node_modules/**', 'test/**/*.stress.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // GitHub's action and workflow parser imports its schema as JSON without an import
    // attribute, which Node 20 refuses; Vite's transform reads it.
    server: { deps: { inline: [/@actions[\\/]workflow-parser/] } },
    // The screen tests drive Ink as a terminal would; Ink draws only a last frame under CI=true.
    env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false' },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
