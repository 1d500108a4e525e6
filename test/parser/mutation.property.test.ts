import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taskAnchor, type Anchor } from '../../src/document/anchors.js';
import { Document } from '../../src/document/document.js';
import { UserError } from '../../src/errors.js';
import { parseRunbook, type Runbook, type Span } from '../../src/parser/index.js';
import { documentArb } from '../support/corpus.js';

/** Pieces an attacker (or a careless paste) drops into a document: markers, runs, marks, breaks. */
const junk = fc.constantFrom(
  '>',
  '> > > ',
  '- ',
  '- [ ] ',
  '1. ',
  '\uFEFF',
  '\uFEFF\uFEFF',
  '```',
  '~~~bash\n',
  '|',
  '\\',
  '[',
  '](x)',
  '[ref]: /x\n',
  '*',
  '#',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '    ',
  '<!--',
  '-->',
  '>'.repeat(120),
  '- '.repeat(120),
  `${'  '.repeat(60)}- deep\n`,
);

const mutation = fc.record({ at: fc.nat(100_000), cut: fc.nat(8), insert: fc.array(junk, { maxLength: 4 }) });

function mutate(text: string, steps: Array<{ at: number; cut: number; insert: string[] }>): string {
  let out = text;
  for (const s of steps) {
    const at = out.length ? s.at % (out.length + 1) : 0;
    out = out.slice(0, at) + s.insert.join('') + out.slice(Math.min(out.length, at + s.cut));
  }
  return out;
}

function spansInside(model: Runbook, length: number): void {
  const spans: Span[] = [...model.tasks.flatMap((t) => [t.span, t.checkboxSpan]), ...model.blocks.map((b) => b.span), ...model.tables.map((t) => t.span)];
  for (const span of spans) {
    expect(span.start).toBeGreaterThanOrEqual(0);
    expect(span.end).toBeLessThanOrEqual(length);
    expect(span.start).toBeLessThanOrEqual(span.end);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'runbook-mutate-'));
let counter = 0;
let ticked = 0;

describe('mutated documents', () => {
  it('parse without an exception, and a tick changes one byte of its box and nothing else', () => {
    fc.assert(
      fc.property(documentArb, fc.array(mutation, { minLength: 1, maxLength: 5 }), fc.nat(1000), (doc, steps, pick) => {
        const text = mutate(doc, steps);
        const model = parseRunbook(text);
        spansInside(model, text.length);
        const path = join(dir, `doc-${counter++}.md`);
        writeFileSync(path, text);
        let opened: Document;
        try {
          opened = Document.open(path);
        } catch (error) {
          // Only what the user can act on: an empty file, a document nested too deep.
          expect(error).toBeInstanceOf(UserError);
          return;
        }
        const tasks = opened.model.tasks;
        if (!tasks.length) return;
        const task = tasks[pick % tasks.length]!;
        const before = readFileSync(path, 'utf8');
        try {
          opened.apply([{ kind: 'task', anchor: taskAnchor(opened.model, task.index) as Anchor & { kind: 'task' }, checked: !task.checked }]);
        } catch (error) {
          // Two tasks of the same text in one section cannot be told apart: then nothing is written.
          expect(error).toBeInstanceOf(UserError);
          expect(readFileSync(path, 'utf8')).toBe(before);
          return;
        }
        ticked++;
        const after = readFileSync(path, 'utf8');
        expect(after.length).toBe(before.length);
        let changed = 0;
        for (let i = 0; i < after.length; i++) if (after.charCodeAt(i) !== before.charCodeAt(i)) changed++;
        expect(changed).toBe(1);
        expect(before.slice(0, task.checkboxSpan.start)).toBe(after.slice(0, task.checkboxSpan.start));
        expect(before.slice(task.checkboxSpan.end)).toBe(after.slice(task.checkboxSpan.end));
        expect(opened.model).toEqual(parseRunbook(after));
      }),
      { numRuns: 300, seed: 1616 },
    );
    expect(ticked).toBeGreaterThan(50);
  });
});
