// Issue 3 measurements on one generated ~5 MB document, in a fresh process:
// parse alone, a one-shot tick (read + parse + edit + write), a tick inside an open session,
// and applying 1, 100 and 10 000 edits.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRunbook } from './generate.mjs';
import { parseRunbook } from './.out/parser.js';
import { Document, applyEdits, cellAnchor, taskAnchor } from './.out/document.js';

const kb = Number(process.argv[2] ?? 5120);
const text = generateRunbook(kb * 1024);
const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-'));
const path = join(dir, 'doc.md');
writeFileSync(path, text);
parseRunbook(generateRunbook(50 * 1024, 7)); // warm up

const t0 = performance.now();
parseRunbook(text);
const parseMs = performance.now() - t0;

const t1 = performance.now();
const doc = Document.open(path);
const middle = Math.floor(doc.model.tasks.length / 2);
doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, middle), checked: !doc.model.tasks[middle].checked }]);
const oneShotMs = performance.now() - t1;

const session = [];
const updates = [];
for (let i = 0; i < 7; i++) {
  const index = Math.floor(((i + 1) * doc.model.tasks.length) / 9);
  const start = performance.now();
  doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, index), checked: !doc.model.tasks[index].checked }]);
  session.push(performance.now() - start);
  updates.push(doc.lastTimings.updateMs);
}
session.sort((a, b) => a - b);
updates.sort((a, b) => a - b);

// A fill changes a cell's length: the piece holding it is re-parsed.
const fills = [];
const fillUpdates = [];
const rows = doc.model.tables.flatMap((t) => t.rows.map((row, r) => ({ t: t.index, r, c: row.cells.findIndex((cell) => cell.kind === 'fillable' && !cell.missing) }))).filter((x) => x.c > 0);
for (let i = 0; i < 7 && rows.length; i++) {
  const { t, r, c } = rows[Math.floor(((i + 1) * rows.length) / 9)];
  const start = performance.now();
  doc.apply([{ kind: 'fill', anchor: cellAnchor(doc.model, t, r, c), value: `filled ${i}` }]);
  fills.push(performance.now() - start);
  fillUpdates.push(doc.lastTimings.updateMs);
}
fills.sort((a, b) => a - b);
fillUpdates.sort((a, b) => a - b);

const editsMs = {};
for (const k of [1, 100, 10000]) {
  const step = Math.floor(text.length / (k + 1));
  const edits = Array.from({ length: k }, (_, i) => ({ start: (i + 1) * step, end: (i + 1) * step, text: 'x' }));
  const times = [];
  for (let r = 0; r < 7; r++) {
    const s = performance.now();
    // Read the result once, so the engine's deferred concatenation is paid inside the timing.
    applyEdits(text, edits).indexOf('\u0000');
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  editsMs[k] = times[3];
}
console.log(JSON.stringify({ parseMs, oneShotMs, sessionTickMs: session[3], sessionUpdateMs: updates[3], sessionFillMs: fills[3], sessionFillUpdateMs: fillUpdates[3], editsMs, bytes: text.length, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
