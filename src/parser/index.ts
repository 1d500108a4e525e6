/** The parser: Markdown in, the runbook model out. It never runs anything. */
export * from './types.js';
export { LineIndex, dominantLineEnding } from './lines.js';
export { formatResultLine, formatSeconds, readResultLine } from './results.js';
export { checkboxOf, classifyCell } from './cells.js';
export { declaredSecrets, isSecretName, knobColumns, scenarioReferences, SECRET_NAME, type ScenarioReference } from './variables.js';
export { SHELLS } from './walk.js';
export { parseRunbook } from './parse.js';
export { NESTING_RULE } from './nesting.js';
export { isTranscript, runnableScript } from './prompts.js';
export { placeholderVariable, type Placeholder } from './placeholders.js';
export { findPlaceholders } from './shellvars.js';
export { updateRunbook, type AppliedChange } from './update.js';
export { renderProse } from './prose.js';
export { meetsGate, parseGate, type Gate } from './gates.js';
export { DURATION_EXAMPLES, durationMs, notADuration, parseDurationText, wholeDuration } from './duration.js';
export { DURATION_COLUMN, GATE_COLUMN, scenarioColumns, TIME_COLUMN } from './scenarios.js';
export { blockProblems, describeProblem } from './problems.js';
export { TIMELINE_CLOSE, TIMELINE_CLOSE_LINE, TIMELINE_OPEN, TIMELINE_OPEN_LINE } from './timeline.js';
