import { describeConcurrentEdits } from '../support/concurrent-edits.js';

// A few trials of the stress tier's concurrent-edit test, in every `npm test`.
describeConcurrentEdits(10, Number(process.env.RUNBOOK_STRESS_SEED) || 16);
