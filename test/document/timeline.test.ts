import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { applyEdits } from '../../src/document/edits.js';
import { findTimeline, removeTimelineEdits, timelineEdit } from '../../src/document/timeline.js';
import { parseRunbook } from '../../src/parser/index.js';

const write = (text: string, body: string, eol: '\n' | '\r\n' = '\n') => applyEdits(text, [timelineEdit(text, 'mermaid', body, eol)]);
const remove = (text: string) => applyEdits(text, removeTimelineEdits(text));

describe('the timeline block in a document', () => {
  const docs: Array<[string, string, '\n' | '\r\n']> = [
    ['a final newline', '# Drill\n\n```bash\ntrue\n```\n', '\n'],
    ['no final newline', '# Drill\n\n```bash\ntrue\n```', '\n'],
    ['CRLF line endings', '# Drill\r\n\r\n```bash\r\ntrue\r\n```\r\n', '\r\n'],
    ['a BOM and trailing blank lines', '\uFEFF# Drill\n\n- [ ] step\n\n\n', '\n'],
  ];
  for (const [what, text, eol] of docs) {
    it(`goes at the end and comes off leaving every byte as it was: ${what}`, () => {
      const written = write(text, 'gantt\n  title t', eol);
      expect(written.startsWith(text)).toBe(true);
      expect(findTimeline(written)).not.toBeNull();
      expect(written.slice(text.length)).not.toMatch(eol === '\n' ? /\r/ : /[^\r]\n/);
      expect(remove(written)).toBe(text);
    });
  }

  it('is replaced where it stands, never stacked', () => {
    const text = '# Drill\n\nprose\n';
    const once = write(text, 'gantt\n  title one');
    const twice = write(once, 'gantt\n  title two');
    expect(twice.match(/<!-- session timeline/g)).toHaveLength(1);
    expect(twice).toContain('title two');
    expect(twice).not.toContain('title one');
    expect(remove(twice)).toBe(text);
    // Moved by someone above other content: replaced there, the rest untouched.
    const moved = `# Drill\n\n${once.slice(text.length + 1)}\nmore prose\n`;
    const replaced = write(moved, 'gantt\n  title three');
    expect(replaced).toBe(moved.replace('title one', 'title three'));
  });

  it('is not a block of the runbook, and its comment is not read as block options', () => {
    const written = write('# Drill\n\n```bash\ntrue\n```\n', 'gantt\n  title t');
    const model = parseRunbook(written);
    expect(model.blocks).toHaveLength(1);
    expect(model.problems).toEqual([]);
  });

  it('is found only as whole lines of its own', () => {
    expect(findTimeline('# Drill\n\nsee `<!-- session timeline -->` here\n<!-- /session timeline -->\n')).toBeNull();
    expect(findTimeline('<!-- session timeline: x -->\n```mermaid\ngantt\n```\n')).toBeNull();
  });
});

describe('the session timeline after a run', () => {
  it('is not written into a fence left open at the end of the document, which GitHub would render it inside', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-timeline-open-'));
    const doc = '# TL\n\n```bash\necho hi\n```\n\nNotes:\n\n```text\nfree-form notes never closed\n';
    writeFileSync(join(dir, 'doc.md'), doc);
    expect(runCli(['run', 'doc.md', '--yes'], { cwd: dir }).code).toBe(0);
    const after = readFileSync(join(dir, 'doc.md'), 'utf8');
    expect(after).not.toContain('session timeline');
    // What GitHub shows is the document as it was, with the result line under the block.
    const render = (text: string) => execFileSync('cmark-gfm', [], { input: text, encoding: 'utf8' });
    expect(render(after).replace(/<p><em>runbook:<\/em>[^\n]*<\/p>\n/, '')).toBe(render(doc));
  });
});
