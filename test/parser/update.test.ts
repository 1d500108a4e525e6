import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits, type Edit } from '../../src/document/edits.js';
import { resultLineEdits, tickTaskEdits } from '../../src/document/ops.js';
import { formatResultLine, parseRunbook, updateRunbook, type Runbook } from '../../src/parser/index.js';
import { updateLocally } from '../../src/parser/local.js';
import { documentArb } from '../support/corpus.js';

/** The model after replacing `[start, end)` of `text` with `insert`, updated and parsed afresh. */
function both(text: string, start: number, end: number, insert: string) {
  const next = text.slice(0, start) + insert + text.slice(end);
  const updated = updateRunbook(parseRunbook(text), next, [{ start, oldEnd: end, text: insert, removed: text.slice(start, end) }]);
  return { updated, fresh: parseRunbook(next) };
}

describe('updateRunbook', () => {
  it('reports a problem of a piece that runs to the end of the document once, not once more shifted', () => {
    const text = '````md\n```bash\necho nested\n```\n````\n```bash';
    const at = text.indexOf('````\n```bash') + 4;
    const { updated, fresh } = both(text, at, at, '\n*runbook:* ✅ passed · exit 0 · 0.01 s · 2026-11-23T10:05:00Z · x\n');
    expect(updated.problems).toEqual(fresh.problems);
    expect(updated.problems).toHaveLength(1);
  });

  it('matches a fresh parse when a box inside a setext heading is ticked', () => {
    const text = '- [ ] step\n  Setext\n  ======\n  - [ ] alpha\n';
    const at = text.indexOf('[ ]');
    const { updated, fresh } = both(text, at, at + 3, '[x]');
    expect(updated).toEqual(fresh);
  });
});

/** A result line as the engine writes it; `n` varies its length and its operator. */
const resultLine = (n: number, operator = `op${n}`) =>
  formatResultLine({ outcome: n % 3 ? 'passed' : 'failed', exitCode: n % 3 ? 0 : 1, durationMs: 10 ** (n % 5), at: '2026-11-23T10:00:00Z', operator });

/**
 * Applies edits as `Document.apply` does, through `updateRunbook`; returns the new text and
 * model, and whether the model was taken without parsing.
 */
function step(text: string, model: Runbook, edits: Edit[]): { text: string; model: Runbook; local: boolean } {
  const next = applyEdits(text, edits);
  const applied = edits.map((e) => ({ start: e.start, oldEnd: e.end, text: e.text, removed: text.slice(e.start, e.end) }));
  // Asked on a fresh copy of the model: the update takes ownership of the one it is given.
  const local = updateLocally(parseRunbook(text), next, applied) !== null;
  return { text: next, model: updateRunbook(model, next, applied), local };
}

/** Writes a result under every closed block in turn, ticking its task, then writes them all again. */
function playThrough(text: string, lineOf: (n: number) => string = resultLine): { local: number; steps: number } {
  let model = parseRunbook(text);
  let local = 0;
  let steps = 0;
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < model.blocks.length; i++) {
      const block = model.blocks[i]!;
      if (!block.closeSpan) continue;
      const edits = resultLineEdits(text, block, lineOf(i + round * 7), model.eol);
      if (block.task !== null) edits.push(...tickTaskEdits(text, model.tasks[block.task]!, round === 0));
      const next = step(text, model, edits);
      text = next.text;
      model = next.model;
      expect(model).toEqual(parseRunbook(text));
      if (next.local) local++;
      steps++;
    }
  }
  return { local, steps };
}

const fence = (prefix: string, body = 'true') => [`${prefix}\`\`\`bash`, `${prefix}${body}`, `${prefix}\`\`\``];

describe('result lines and ticks taken into the model without parsing', () => {
  const documents: Record<string, string> = {
    'one section of blocks': ['# Many', '', ...Array.from({ length: 12 }, (_, i) => [...fence('', `echo ${i}`), '']).flat()].join('\n'),
    'blocks with no blank line between them, and text right under a fence': ['```bash', 'a', '```', '```sh', 'b', '```', 'Text under it.', '---', '```bash', 'c', '```', '# Next', '```bash', 'd', '```'].join('\n'),
    'tasks nested in tasks, with blocks at every depth': [
      '- [ ] Outer',
      '',
      ...fence('  '),
      '  - [ ] Inner',
      '',
      ...fence('    '),
      '    - [x] Deepest',
      ...fence('      '),
      '1. [ ] Ordered',
      ...fence('   '),
      '- [ ] Last item, last block',
      ...fence('  '),
    ].join('\n'),
    'block quotes, a task in a quoted list and a quote in a list item': ['> Quoted:', '>', ...fence('> '), '> - [ ] in a quote', '>', ...fence('>   '), '', '- [ ] item', '  > ```bash', '  > x', '  > ```', '  > after'].join('\n'),
    'CRLF line endings and a BOM': '\uFEFF# Title\r\n\r\n- [ ] Step\r\n\r\n  ```bash\r\n  echo hi\r\n  ```\r\n- [ ] Next\r\n  ```sh\r\n  true\r\n  ```\r\n\r\n| Knob | Default |\r\n|---|---|\r\n| `X` | 1 |\r\n',
    'CR line endings and no final newline': '# Old Mac\r\r```bash\rtrue\r```\r- [ ] a\r  ```bash\r  b\r  ```',
    'front matter, links, tables and scenario rows after the blocks': [
      '---',
      'title: Drill',
      '---',
      '```bash',
      'echo $REGION',
      '```',
      'See [the docs](https://example.com) and <https://example.org>.',
      '',
      '| ID | Inject | Gate | Measured | Pass |',
      '|---|---|---|---|---|',
      '| A | `true` | < 10 s | | ⬜ |',
      '',
      '```bash',
      'echo ${LATER:-x}',
      '```',
      '```bash',
      'unclosed',
    ].join('\n'),
    'a fence closed at the very end of the file': '```bash\ntrue\n```',
    'a block whose next line is a heading inside a list': '- [ ] a\n  ```bash\n  x\n  ```\n  # not a section\n- [ ] b',
    // As a Markdown formatter (Prettier) leaves a session doc: a blank line before each result line.
    'result lines a blank line under their fences': `- [x] a\n\n  \`\`\`bash\n  x\n  \`\`\`\n\n  ${resultLine(1)}\n\n\`\`\`bash\ny\n\`\`\`\n\n${resultLine(3)}\n\nText.\n\n> \`\`\`bash\n> z\n> \`\`\`\n>\n> ${resultLine(2)}\n`,
  };
  for (const [name, text] of Object.entries(documents)) {
    it(`matches a fresh parse after every edit: ${name}`, () => {
      const { local, steps } = playThrough(text);
      expect(steps).toBeGreaterThan(0);
      expect(local).toBe(steps);
    });
  }

  it('parses again when a result line holds what the parser could read as more than text', () => {
    const text = '```bash\ntrue\n```\nnext line with a `code\n';
    for (const operator of ['alice@example.com', 'see www.example.com', 'x `y', '[link]', 'a | b', 'ends with \\']) {
      const { local } = playThrough(text, (n) => resultLine(n, operator));
      expect(local, operator).toBe(0);
    }
  });

  it('matches a fresh parse on generated documents after random result lines and ticks', () => {
    let local = 0;
    let total = 0;
    fc.assert(
      fc.property(documentArb, fc.array(fc.tuple(fc.nat(1000), fc.boolean()), { minLength: 1, maxLength: 8 }), (start, picks) => {
        let text = start;
        let model = parseRunbook(text);
        for (const [pick, tick] of picks) {
          const closed = model.blocks.filter((b) => b.closeSpan);
          const edits: Edit[] = [];
          if (closed.length) {
            const block = closed[pick % closed.length]!;
            edits.push(...resultLineEdits(text, block, resultLine(pick), model.eol));
            if (tick && block.task !== null) edits.push(...tickTaskEdits(text, model.tasks[block.task]!, !model.tasks[block.task]!.checked));
          } else if (model.tasks.length) {
            const task = model.tasks[pick % model.tasks.length]!;
            edits.push(...tickTaskEdits(text, task, !task.checked));
          }
          if (!edits.length) continue;
          const next = step(text, model, edits);
          text = next.text;
          model = next.model;
          expect(model).toEqual(parseRunbook(text));
          total++;
          if (next.local) local++;
        }
      }),
      { numRuns: 300, seed: 1515 },
    );
    // Most of these must take the path without parsing, or the test proves little.
    expect(local).toBeGreaterThan(total / 2);
  });
});

describe("an operator's name on a result line", () => {
  it.each(['Ann · Ops', 'ann_ops *lead*', 'pipe | name', 'back\\slash [x]', 'new\nline\ttab'])('renders as written and reads back: %j', (operator) => {
    const line = formatResultLine({ outcome: 'failed', exitCode: 1, durationMs: 310, at: '2026-11-23T10:00:00Z', operator, reason: 'curl: (7) Failed to connect' });
    const model = parseRunbook(`# R\n\n\`\`\`bash\nfalse\n\`\`\`\n${line}\n`);
    const result = model.blocks[0]!.result!;
    // The separator and control characters become plain: the rest is exactly the name.
    expect(result.operator).toBe(operator.replace(/·/g, '-').replace(/\s+/g, ' '));
    expect(result.reason).toBe('curl: (7) Failed to connect');
    // Nothing in it reads as Markdown: no emphasis, no table cell, no link (a `_` inside a word,
    // as in `ann_ops`, starts no emphasis and is left as it is).
    const tail = line.slice(line.indexOf('2026-11-23T10:00:00Z'));
    expect(tail).not.toMatch(/(?<!\\)[*|[\]]/);
    expect(tail).not.toMatch(/(?<![\\\p{L}\p{N}])_|(?<!\\)_(?![\p{L}\p{N}])/u);
  });
});
