import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockAnchor, taskAnchor, type Anchor } from '../../src/document/anchors.js';
import { carryEdit } from '../../src/document/carry.js';
import { ConflictError } from '../../src/document/conflict.js';
import { Document } from '../../src/document/document.js';
import { changedSource } from '../../src/document/source.js';
import { stampOf } from '../../src/document/stamp.js';
import { readWhole } from '../../src/document/whole.js';
import { replaceFile } from '../../src/document/write.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-concurrent-'));
const drill = '# Drill\n\n- [ ] first\n- [ ] second\n\nNotes: none yet.\n';

/** Opens `text` as a document, and the anchor of its task `index`. */
function open(name: string, text: string, index = 1) {
  const path = join(dir, name);
  writeFileSync(path, text);
  const doc = Document.open(path);
  return { path, doc, anchor: taskAnchor(doc.model, index) as Anchor & { kind: 'task' } };
}

/**
 * Someone else's edit that lands after the document's last look at the file and before its
 * write: the edit is made, and the document is told the file is as it last saw it.
 */
function afterTheCheck(doc: Document, edit: () => void): void {
  edit();
  doc.source = changedSource(doc.source, { stamp: stampOf(doc.path) });
}

describe('the version a write replaces', () => {
  it('is handed back, and a write into it after the swap can still be read', () => {
    const path = join(dir, 'swap.md');
    writeFileSync(path, 'old\n');
    const late = openSync(path, 'a');
    const { replaced } = replaceFile(path, Buffer.from('new\n'), 0o644);
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(replaced!.bytes.toString()).toBe('old\n');
    writeSync(late, 'late\n');
    closeSync(late);
    const again = Buffer.alloc(64);
    const n = readSync(replaced!.fd, again);
    closeSync(replaced!.fd);
    expect(again.subarray(0, n).toString()).toBe('old\nlate\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('.swap.md'))).toEqual([]);
  });
});

describe('the versions a session writes', () => {
  it('leave the version being replaced as it was, and are spliced into two buffers however many are written', () => {
    const steps = 12;
    const path = join(dir, 'versions.md');
    writeFileSync(path, `# Steps\n\n${'```bash\ntrue\n```\n\n'.repeat(steps)}`);
    const doc = Document.open(path);
    const buffers = new Set<ArrayBufferLike>();
    for (let i = 0; i < steps; i++) {
      const replaced = doc.source.bytes;
      const copy = Buffer.from(replaced);
      doc.apply([{ kind: 'result', anchor: blockAnchor(doc.model, i) as Anchor & { kind: 'block' }, line: `*runbook:* ✅ passed · exit 0 · 0.0${i % 10} s · 2026-12-04T10:00:0${i % 10}Z · tester` }]);
      // The version replaced is compared with what the swap took out: it must not have moved.
      expect(Buffer.compare(replaced, copy)).toBe(0);
      expect(Buffer.compare(doc.source.bytes, readFileSync(path))).toBe(0);
      buffers.add(doc.source.bytes.buffer);
    }
    expect(readFileSync(path, 'utf8').match(/✅ passed · exit 0/g)).toHaveLength(steps);
    expect(buffers.size).toBeLessThanOrEqual(2);
  });
});

describe('an edit by someone else that lands between the check and the write', () => {
  it('is kept when it is an append', () => {
    const { path, doc, anchor } = open('append.md', drill);
    afterTheCheck(doc, () => appendFileSync(path, 'Added by hand.\n'));
    doc.apply([{ kind: 'task', anchor, checked: true }]);
    expect(readFileSync(path, 'utf8')).toBe(drill.replace('[ ] second', '[x] second') + 'Added by hand.\n');
    // The document goes on from the merged text.
    doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, 0) as Anchor & { kind: 'task' }, checked: true }]);
    expect(readFileSync(path, 'utf8')).toBe(drill.replace(/\[ \]/g, '[x]') + 'Added by hand.\n');
    doc.close();
  });

  it("is kept when it is an editor's write-temp-and-rename", () => {
    const { path, doc, anchor } = open('rename.md', drill);
    afterTheCheck(doc, () => {
      writeFileSync(`${path}.swp`, drill.replace('none yet', 'primary was slow'));
      renameSync(`${path}.swp`, path);
    });
    doc.apply([{ kind: 'task', anchor, checked: true }]);
    expect(readFileSync(path, 'utf8')).toBe(drill.replace('none yet', 'primary was slow').replace('[ ] second', '[x] second'));
    doc.close();
  });

  it('is kept when it is a write in place into the file the write replaced, landing after the swap', () => {
    const { path, doc, anchor } = open('late.md', drill);
    // A program opened the file before the write, and writes into it after.
    const late = openSync(path, 'r+');
    doc.apply([{ kind: 'task', anchor, checked: true }]);
    writeSync(late, 'Notes: all well.', Buffer.byteLength(drill) - 'Notes: none yet.\n'.length);
    closeSync(late);
    doc.close();
    expect(readFileSync(path, 'utf8')).toBe(drill.replace('[ ] second', '[x] second').replace('none yet.', 'all well.'));
  });

  it('carries a late append into a version someone else wrote before it was found', () => {
    const { path, doc, anchor } = open('late-append.md', drill);
    const late = openSync(path, 'a');
    doc.apply([{ kind: 'task', anchor, checked: true }]);
    // The append lands in the replaced file; then an editor saves its own version of the document.
    writeSync(late, 'Added by hand.\n');
    closeSync(late);
    const edited = readFileSync(path, 'utf8').replace('none yet', 'primary was slow');
    writeFileSync(`${path}.swp`, edited);
    renameSync(`${path}.swp`, path);
    doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, 0) as Anchor & { kind: 'task' }, checked: true }]);
    expect(readFileSync(path, 'utf8')).toBe(drill.replace(/\[ \]/g, '[x]').replace('none yet', 'primary was slow') + 'Added by hand.\n');
    doc.close();
  });

  it("keeps this session's version beside the file when the change no longer finds its target, and says so", () => {
    const { path, doc, anchor } = open('conflict.md', drill);
    const theirs = drill.replace('[ ] second', '[ ] renamed second');
    afterTheCheck(doc, () => writeFileSync(path, theirs));
    const error = (() => {
      try {
        doc.apply([{ kind: 'task', anchor, checked: true }]);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConflictError);
    const { conflict } = error as ConflictError;
    expect(conflict.kept).toMatch(/conflict\.md\.conflict-\d{8}T\d{6}Z$/);
    expect(conflict.changes).toEqual(['task "second"']);
    expect(conflict.reason).toBe('the task "second" is no longer there');
    expect((error as ConflictError).exitCode).toBe(1);
    expect((error as Error).message).toContain(`Their version stays in ${path}; runbook's version (with task "second") was kept in ${conflict.kept}`);
    expect(readFileSync(path, 'utf8')).toBe(theirs);
    expect(readFileSync(conflict.kept, 'utf8')).toBe(drill.replace('[ ] second', '[x] second'));
    expect(doc.conflicts).toEqual([conflict]);
    // The session goes on with their version.
    doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, 0) as Anchor & { kind: 'task' }, checked: true }]);
    expect(readFileSync(path, 'utf8')).toBe(theirs.replace('[ ] first', '[x] first'));
    doc.close();
  });
});

describe('carrying an edit to another version', () => {
  const base = Buffer.from('# T\n\nNote: aaaa.\n\n- [ ] one\n- [ ] two\n');
  const grown = Buffer.from('# T\n\nNote: aaaa.\n\n- [x] one\n  *ok*\n- [ ] two\n');

  it('puts an append at the end of the other version', () => {
    expect(carryEdit(base, Buffer.concat([base, Buffer.from('more\n')]), grown)?.toString()).toBe(`${grown}more\n`);
  });

  it('puts a change before every difference at the same offset, and one after them as far from the end', () => {
    expect(carryEdit(base, Buffer.from(base.toString().replace('aaaa', 'bbbb')), grown)?.toString()).toBe(grown.toString().replace('aaaa', 'bbbb'));
    expect(carryEdit(base, Buffer.from(base.toString().replace('two', 'three')), grown)?.toString()).toBe(grown.toString().replace('two', 'three'));
  });

  it('gives up where the other version changed the same place', () => {
    expect(carryEdit(base, Buffer.from(base.toString().replace('[ ] one', '[-] one')), grown)).toBeNull();
  });
});

describe('reading a file that is being written', () => {
  it('waits for the writer instead of taking an emptied file as the document', async () => {
    const path = join(dir, 'torn.md');
    writeFileSync(path, drill);
    // Truncate, then write the new text a moment later, as `cat > file` does with a slow producer.
    const writer = spawn('bash', ['-c', `: > "${path}"; sleep 0.3; printf '%s' "$1" > "${path}"`, 'bash', drill.replace('none yet', 'rewritten')]);
    while (statSync(path).size !== 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(readWhole(path).bytes.toString()).toBe(drill.replace('none yet', 'rewritten'));
    await new Promise((resolve) => writer.once('exit', resolve));
  });
});
