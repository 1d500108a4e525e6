import { describeConcurrentEdits } from '../support/concurrent-edits.js';

// The stress tier of the concurrent-edit test: 200 trials, seed 16 (see vitest.stress.config.ts).
describeConcurrentEdits(Number(process.env.RUNBOOK_STRESS_TRIALS) || 200, Number(process.env.RUNBOOK_STRESS_SEED) || 16);
