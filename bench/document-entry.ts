// What the benchmarks call directly from src/document.
export { readSource } from '../src/document/source.js';
export { Document } from '../src/document/document.js';
export { applyEdits } from '../src/document/edits.js';
export { taskAnchor, cellAnchor } from '../src/document/anchors.js';
export { ShellSession } from '../src/executor/session.js';
export { Player } from '../src/session/player.js';
export { auditDocument } from '../src/audit/audit.js';
export { loadConfig } from '../src/audit/config.js';
export { CHECKS, checkDocuments } from '../src/check/checks.js';
export { pollUntil } from '../src/session/poll.js';
