import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockAnchor, type Anchor } from '../../src/document/anchors.js';
import { Document } from '../../src/document/document.js';
import { applyEdits } from '../../src/document/edits.js';
import { resetEdits } from '../../src/document/ops.js';
import { formatEvidence, parseRunbook } from '../../src/parser/index.js';

const SOURCE = '# Incident\r\n\r\n> ```bash\r\n> tail log > api.log\r\n> ```\r\n> Keep going.\r\n\r\n```sh\r\necho two\r\n```\r\nafter';

function open(text: string): Document {
  const path = join(mkdtempSync(join(tmpdir(), 'runbook-evidence-line-')), 'doc.md');
  writeFileSync(path, text);
  return Document.open(path);
}

const result = (duration: string) => `*runbook:* ✅ passed · exit 0 · ${duration} s · 2026-12-03T10:00:00Z · alice`;
const line = (name: string) => formatEvidence([{ name: `ab12cd34ef56/${name}`, detail: '1.2 KB', sha256: '3f2a9c0d1e2f3a4b' }]);

describe('the evidence line', () => {
  it('goes under the result line as a paragraph of its own, in the container, with the file\'s line ending; it is replaced, never stacked, and the model stays a fresh parse', () => {
    const doc = open(SOURCE);
    const anchor = (i: number) => blockAnchor(doc.model, i) as Anchor & { kind: 'block' };
    for (const i of [0, 1]) {
      doc.apply([{ kind: 'result', anchor: anchor(i), line: result('0.01') }]);
      doc.apply([{ kind: 'evidence', anchor: anchor(i), line: line('api.log') }]);
    }
    // A result line of another length, then a new evidence line: both found where they are.
    doc.apply([{ kind: 'result', anchor: anchor(0), line: result('120.25') }]);
    doc.apply([{ kind: 'evidence', anchor: anchor(0), line: line('api-2.log') }]);
    const text = readFileSync(doc.path, 'utf8');
    doc.close();
    expect(text).toBe(
      '# Incident\r\n\r\n> ```bash\r\n> tail log > api.log\r\n> ```\r\n> ' + result('120.25') + '\r\n>\r\n> ' + line('api-2.log') + '\r\n>\r\n> Keep going.\r\n\r\n```sh\r\necho two\r\n```\r\n' + result('0.01') + '\r\n\r\n' + line('api.log') + '\r\n\r\nafter',
    );
    const fresh = parseRunbook(text);
    expect(doc.model.blocks.map((b) => b.evidence)).toEqual(fresh.blocks.map((b) => b.evidence));
    expect(fresh.blocks[0]!.evidence!.entries[0]).toMatchObject({ name: 'ab12cd34ef56/api-2.log', detail: '1.2 KB', sha256: '3f2a9c0d1e2f3a4b', line: 8, column: 15 });
    // Reset takes the result and evidence lines back out; the blank lines that keep a result line
    // from running into the text after it stay, as they do without evidence.
    expect(applyEdits(text, resetEdits(text, fresh))).toBe(SOURCE.replace('```\r\n> Keep', '```\r\n>\r\n> Keep').replace('```\r\nafter', '```\r\n\r\nafter'));
  });

  it('is written with the result line in one write, the same bytes as written apart', () => {
    const doc = open(SOURCE);
    for (const i of [0, 1]) doc.apply([{ kind: 'result', anchor: blockAnchor(doc.model, i) as Anchor & { kind: 'block' }, line: result('0.01'), evidence: line('api.log') }]);
    const text = readFileSync(doc.path, 'utf8');
    doc.close();
    expect(text).toBe('# Incident\r\n\r\n> ```bash\r\n> tail log > api.log\r\n> ```\r\n> ' + result('0.01') + '\r\n>\r\n> ' + line('api.log') + '\r\n>\r\n> Keep going.\r\n\r\n```sh\r\necho two\r\n```\r\n' + result('0.01') + '\r\n\r\n' + line('api.log') + '\r\n\r\nafter');
    expect(doc.model.blocks.map((b) => [b.result?.line, b.evidence])).toEqual(parseRunbook(text).blocks.map((b) => [b.result?.line, b.evidence]));
  });
});
