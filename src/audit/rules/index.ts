import type { Rule } from '../types.js';
import { blockResult } from './block-result.js';
import { evidenceChanged, evidenceMissing } from './evidence.js';
import { frontMatter } from './front-matter.js';
import { gateBreach } from './gate-breach.js';
import { inlineLimit } from './inline-limit.js';
import { nestingLimit } from './nesting-limit.js';
import { pendingMarker } from './pending-marker.js';
import { templateDrift } from './template-drift.js';
import { timeOrder } from './time-order.js';
import { unfilledCell } from './unfilled-cell.js';
import { untickedCell } from './unticked-cell.js';
import { untickedTask } from './unticked-task.js';

/** Every audit rule, in the order their findings are reported for a line. */
export const RULES: Rule[] = [frontMatter, nestingLimit, inlineLimit, untickedTask, untickedCell, unfilledCell, pendingMarker, blockResult, timeOrder, gateBreach, templateDrift, evidenceChanged, evidenceMissing];
