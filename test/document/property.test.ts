import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockAnchor, cellAnchor, taskAnchor, type Anchor } from '../../src/document/anchors.js';
import { Document, type Change } from '../../src/document/document.js';
import { formatResultLine, parseRunbook, type Runbook, type Span } from '../../src/parser/index.js';
import { cmarkFacts } from '../support/cmark.js';
import { documentArb } from '../support/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-prop-'));
let counter = 0;
let refused = 0;
const applied: Record<string, number> = { task: 0, checkbox: 0, fill: 0, result: 0 };

const step = fc.record({
  kind: fc.constantFrom('task', 'checkbox', 'fill', 'result'),
  pick: fc.nat(1000),
  flag: fc.boolean(),
  value: fc.constantFrom('10:05', 'a | b', 'ünï ✅', '`x|y`', 'ends with \\', '', '[x]', '— N/A', '2026-11-23T10:00:00Z'),
});

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function commonSuffix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

/** Plans one random change on the current model; returns it with the span it may touch. */
function planStep(model: Runbook, s: { kind: string; pick: number; flag: boolean; value: string }): { change: Change; region: Span } | null {
  if (s.kind === 'task' && model.tasks.length) {
    const task = model.tasks[s.pick % model.tasks.length]!;
    return { change: { kind: 'task', anchor: taskAnchor(model, task.index) as Anchor & { kind: 'task' }, checked: !task.checked }, region: task.checkboxSpan };
  }
  const cells = model.tables.flatMap((t) => t.rows.flatMap((r, ri) => r.cells.map((c, ci) => ({ t, r, ri, c, ci }))));
  if ((s.kind === 'checkbox' || s.kind === 'fill') && cells.length) {
    const boxes = cells.filter((x) => x.c.kind === 'checkbox');
    const pool = s.kind === 'checkbox' && boxes.length ? boxes : cells;
    const { t, r, ri, c, ci } = pool[s.pick % pool.length]!;
    const anchor = cellAnchor(model, t.index, ri, ci) as Anchor & { kind: 'cell' };
    // Rows whose first cell repeats, or headers that repeat, cannot be told apart: skip them.
    if (t.rows.filter((o) => o.cells[0]!.text === r.cells[0]!.text).length > 1 || new Set(t.header).size !== t.header.length) return null;
    const region = c.missing ? { start: r.span.end, end: r.span.end } : c.outer;
    if (s.kind === 'checkbox' && c.kind === 'checkbox') {
      return { change: { kind: 'checkbox', anchor, state: s.flag ? 'failed' : c.checkbox === 'checked' ? 'unchecked' : 'checked' }, region };
    }
    return { change: { kind: 'fill', anchor, value: s.value }, region };
  }
  const closed = model.blocks.filter((b) => b.closeSpan);
  if (s.kind === 'result' && closed.length) {
    const block = closed[s.pick % closed.length]!;
    const line = formatResultLine({ outcome: s.flag ? 'passed' : 'failed', exitCode: s.flag ? 0 : 1, durationMs: 1234, at: '2026-11-23T10:00:00Z', operator: 'prop' });
    const region = block.result ? block.result.span : { start: block.closeSpan!.end, end: block.closeSpan!.end };
    return { change: { kind: 'result', anchor: blockAnchor(model, block.index) as Anchor & { kind: 'block' }, line }, region };
  }
  return null;
}

/**
 * Applies `change`; false when it was refused as it may be — unnamed blocks with identical code in
 * one section are ambiguous by design, and a change that would alter the structure is refused —
 * after checking that the file (which held `before`) was then left untouched.
 */
function applies(doc: Document, change: Change, before: string): boolean {
  try {
    doc.apply([change]);
    return true;
  } catch (error) {
    if (!/ambiguous|alter the document's structure/.test(String(error))) throw error;
    expect(readFileSync(doc.path, 'utf8')).toBe(before);
    return false;
  }
}

describe('random edit sequences on generated documents', () => {
  it('change only the edited spans, keep the model exact, and render as intended', () => {
    fc.assert(
      fc.property(documentArb, fc.array(step, { minLength: 1, maxLength: 6 }), (text, steps) => {
        const path = join(dir, `doc-${counter++}.md`);
        writeFileSync(path, text);
        const doc = Document.open(path);
        for (const s of steps) {
          const before = doc.source.text;
          const oldModel = doc.model;
          // A flipped box may be updated in place: keep what the tasks said before.
          const checkedBefore = oldModel.tasks.map((t) => t.checked);
          const planned = planStep(oldModel, s);
          if (!planned) continue;
          if (!applies(doc, planned.change, before)) {
            refused++;
            continue;
          }
          applied[planned.change.kind]!++;
          const after = readFileSync(path, 'utf8');
          expect(after).toBe(doc.source.text);
          // Bytes outside the edited span are identical.
          expect(commonPrefix(before, after)).toBeGreaterThanOrEqual(planned.region.start);
          expect(commonSuffix(before, after)).toBeGreaterThanOrEqual(before.length - planned.region.end);
          // The incrementally updated model is exactly a fresh parse.
          const fresh = parseRunbook(after);
          expect(doc.model).toEqual(fresh);
          // Exactly the intended change: same number of tasks, blocks, tables and rows.
          expect(fresh.tasks.length).toBe(oldModel.tasks.length);
          expect(fresh.blocks.length).toBe(oldModel.blocks.length);
          expect(fresh.tables.map((t) => t.rows.length)).toEqual(oldModel.tables.map((t) => t.rows.length));
          if (planned.change.kind === 'task') {
            const flipped = fresh.tasks.map((t, i) => t.checked !== checkedBefore[i]);
            expect(flipped.filter(Boolean)).toHaveLength(1);
          }
        }
        const facts = cmarkFacts(doc.source.text);
        expect(doc.model.tasks.filter((t) => t.kind === 'task').map((t) => [t.line, t.checked])).toEqual(facts.tasks);
      }),
      { numRuns: 250, seed: 4242 },
    );
    // The generator must reach every kind of change often enough to mean something.
    for (const kind of Object.keys(applied)) expect(applied[kind], kind).toBeGreaterThan(30);
  });
});

describe('random edit sequences on documents held in many pieces', () => {
  // A session holds the text in pieces of 16 K code units (document/pieces.ts): the generated
  // document is put between two-byte filler so that a piece boundary falls at a random place
  // inside it, and every edit and model update crosses or meets boundaries as a long runbook's do.
  const PIECE = 16 * 1024;
  const filler = (length: number) => 'Filler ✅ text.\n\n'.repeat(Math.ceil(length / 16)).slice(0, length).replace(/\n?$/, '\n\n');
  it('keep the file and the model exact, as a fresh parse reads them', () => {
    fc.assert(
      fc.property(documentArb, fc.nat(), fc.array(step, { minLength: 1, maxLength: 6 }), (body, at, steps) => {
        // Front matter must open the file: such documents get filler after them only.
        const lead = body.startsWith('---') ? '' : filler(PIECE - (at % Math.max(1, body.length)));
        const text = `${lead}${body}${body.endsWith('\n') ? '' : '\n'}\n${filler(2 * PIECE + 1024)}`;
        const path = join(dir, `pieces-${counter++}.md`);
        writeFileSync(path, text);
        const doc = Document.open(path);
        for (const s of steps) {
          const before = doc.source.text;
          const planned = planStep(doc.model, s);
          if (!planned) continue;
          if (!applies(doc, planned.change, before)) continue;
          const after = readFileSync(path, 'utf8');
          expect(after).toBe(doc.source.text);
          expect(commonPrefix(before, after)).toBeGreaterThanOrEqual(planned.region.start);
          expect(commonSuffix(before, after)).toBeGreaterThanOrEqual(before.length - planned.region.end);
          expect(doc.model).toEqual(parseRunbook(after));
        }
      }),
      { numRuns: 25, seed: 2412 },
    );
  });
});
