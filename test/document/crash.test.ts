import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { Document } from '../../src/document/document.js';
import { cellAnchor, taskAnchor, type Anchor } from '../../src/document/anchors.js';
import { UserError } from '../../src/errors.js';
import { acquireLock } from '../../src/document/lock.js';
import { stampOf } from '../../src/document/stamp.js';
import { writeInPlace } from '../../src/document/write.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-crash-'));

/**
 * Bundles `source` (a script importing the project's TypeScript) into `dir/name`: a real
 * process to kill. The script prints a line once it is about to write, then writes forever.
 */
function writerScript(name: string, source: string): string {
  const outfile = join(dir, name);
  buildSync({ stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'error' });
  return outfile;
}

/** Starts `script` with `args`, kills it with SIGKILL at a random moment within `maxDelayMs` of its first line. */
async function killMidWrite(script: string, args: string[], maxDelayMs: number): Promise<void> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before it started`)));
  });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * maxDelayMs));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('atomic writes', () => {
  it('leave the old or the new file, never a mix, when the writer is killed at any moment (200 runs)', async () => {
    // A real process that rewrites a 1 MB document in a loop through writeAtomic, killed with
    // SIGKILL at a random moment.
    const writer = writerScript(
      'writer.mjs',
      `import { readFileSync } from 'node:fs';
      import { writeAtomic } from './src/document/write.ts';
      const [path, a, b] = process.argv.slice(2);
      const texts = [a, b].map((f) => readFileSync(f, 'utf8'));
      process.stdout.write('ready\\n');
      for (let i = 0; ; i++) writeAtomic(path, texts[i % 2], 0o644);`,
    );
    const a = join(dir, 'a.md');
    const b = join(dir, 'b.md');
    const old = `# Old\n\n${'- [ ] step\n'.repeat(100_000)}`;
    const neu = `# New\n\n${'- [x] step\n'.repeat(100_000)}`;
    writeFileSync(a, old);
    writeFileSync(b, neu);
    const target = join(dir, 'doc.md');
    writeFileSync(target, old);
    let seenNew = 0;
    for (let run = 0; run < 200; run++) {
      await killMidWrite(writer, [target, a, b], 25);
      const now = readFileSync(target, 'utf8');
      expect(now === old || now === neu).toBe(true);
      if (now === neu) seenNew++;
    }
    // The kills landed both before and after renames.
    expect(seenNew).toBeGreaterThan(0);
    expect(seenNew).toBeLessThan(200);
    // Killed writers leave temporary files; the next session that takes the lock removes them.
    const leftovers = () => readdirSync(dir).filter((f) => f.startsWith('.doc.md.') && f.endsWith('.tmp'));
    expect(leftovers().length).toBeGreaterThan(0);
    Document.open(target, { lock: 'runbook tick' }).close();
    expect(leftovers()).toEqual([]);
  }, 180_000);
});

describe('a box flipped in place', () => {
  const inode = (path: string) => statSync(path).ino;

  it('overwrites only its bytes, in the same file, when they lie within one disk sector', () => {
    const path = join(dir, 'in-place.md');
    const text = `# Drill\n\n${'- [ ] step ☐\n'.repeat(2000)}`;
    writeFileSync(path, text);
    const doc = Document.open(path);
    const before = inode(path);
    const expected = (t: string, index: number) => t.split('\n').map((line, i) => (i === index + 2 ? line.replace('[ ]', '[x]') : line)).join('\n');
    doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, 1500) as Anchor & { kind: 'task' }, checked: true }]);
    expect(inode(path)).toBe(before);
    expect(readFileSync(path, 'utf8')).toBe(expected(text, 1500));
    // The model and the next change follow the file as written.
    expect(doc.model.tasks[1500]!.checked).toBe(true);
    doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, 3) as Anchor & { kind: 'task' }, checked: true }]);
    expect(readFileSync(path, 'utf8')).toBe(expected(expected(text, 1500), 3));
    expect(inode(path)).toBe(before);
  });

  it('replaces the file instead when the box straddles a sector or two boxes change', () => {
    const path = join(dir, 'straddle.md');
    // The Done cell's ☐ (3 bytes) is at bytes 511–513: across the 512-byte boundary.
    const head = `# ${'x'.repeat(475)}\n\n| Step | Done |\n|---|---|\n| a | `;
    const table = `${head}☐ |\n| b | ☐ |\n`;
    writeFileSync(path, table);
    expect(Buffer.byteLength(head)).toBe(511);
    const doc = Document.open(path);
    const cell = (row: number) => cellAnchor(doc.model, 0, row, 1) as Anchor & { kind: 'cell' };
    let before = inode(path);
    doc.apply([{ kind: 'checkbox', anchor: cell(0), state: 'checked' }]);
    expect(inode(path)).not.toBe(before);
    expect(readFileSync(path, 'utf8')).toBe(`${head}☑ |\n| b | ☐ |\n`);
    before = inode(path);
    doc.apply([
      { kind: 'checkbox', anchor: cell(0), state: 'unchecked' },
      { kind: 'checkbox', anchor: cell(1), state: 'checked' },
    ]);
    expect(inode(path)).not.toBe(before);
    expect(readFileSync(path, 'utf8')).toBe(`${head}☐ |\n| b | ☑ |\n`);
    // One box within a sector: in place again.
    before = inode(path);
    doc.apply([{ kind: 'checkbox', anchor: cell(1), state: 'unchecked' }]);
    expect(inode(path)).toBe(before);
    expect(readFileSync(path, 'utf8')).toBe(table);
  });

  it('leaves the old box or the new one when the writer is killed at any moment (100 runs)', async () => {
    const writer = writerScript(
      'flipper.mjs',
      `import { writeInPlace } from './src/document/write.ts';
      import { stampOf } from './src/document/stamp.ts';
      const [path, at] = process.argv.slice(2);
      const glyphs = [Buffer.from('☐'), Buffer.from('☑')];
      process.stdout.write('ready\\n');
      for (let i = 0; ; i++) if (writeInPlace(path, Number(at), glyphs[i % 2], stampOf(path)) === null) throw new Error('not in place');`,
    );
    const path = join(dir, 'flip.md');
    const head = '| Step | Done |\n|---|---|\n| a | ';
    writeFileSync(path, `${head}☐ |\n`);
    const seen = new Set<string>();
    for (let run = 0; run < 100; run++) {
      await killMidWrite(writer, [path, String(Buffer.byteLength(head))], 10);
      const now = readFileSync(path, 'utf8');
      expect([`${head}☐ |\n`, `${head}☑ |\n`]).toContain(now);
      seen.add(now);
    }
    expect(seen.size).toBe(2);
  }, 120_000);

  it('writes nothing where the file is no longer the one it was told of', () => {
    const path = join(dir, 'stale.md');
    writeFileSync(path, '- [ ] x\n');
    const stamp = stampOf(path);
    writeFileSync(path, '- [ ] y\n');
    expect(writeInPlace(path, 3, Buffer.from('x'), stamp)).toBeNull();
    expect(readFileSync(path, 'utf8')).toBe('- [ ] y\n');
    expect(writeInPlace(path, 3, Buffer.from('x'), stampOf(path))).toBe(stampOf(path));
    expect(readFileSync(path, 'utf8')).toBe('- [x] y\n');
  });
});

describe('a file changed by someone else', () => {
  it('keeps both changes when another process edits an unrelated line between parse and write', () => {
    const path = join(dir, 'concurrent.md');
    writeFileSync(path, '# Drill\n\n- [ ] first\n- [ ] second\n\nNotes: none yet.\n');
    const doc = Document.open(path);
    const anchor = taskAnchor(doc.model, 1) as Anchor & { kind: 'task' };
    // Someone else, in another process, edits the notes and adds a task above ours.
    const other = spawnSync('bash', ['-c', `sed -i -e 's/none yet/primary was slow/' -e 's/^- \\[ \\] first$/- [ ] zeroth\\n- [ ] first/' "${path}"`]);
    expect(other.status).toBe(0);
    doc.apply([{ kind: 'task', anchor, checked: true }]);
    expect(readFileSync(path, 'utf8')).toBe('# Drill\n\n- [ ] zeroth\n- [ ] first\n- [x] second\n\nNotes: primary was slow.\n');
  });

  it('stops with a clear message and writes nothing when the target is gone', () => {
    const path = join(dir, 'gone.md');
    writeFileSync(path, '# Drill\n\n- [ ] first\n- [ ] second\n');
    const doc = Document.open(path);
    const anchor = taskAnchor(doc.model, 1) as Anchor & { kind: 'task' };
    writeFileSync(path, '# Drill\n\n- [ ] first\n- [ ] renamed second\n');
    expect(() => doc.apply([{ kind: 'task', anchor, checked: true }])).toThrow(UserError);
    expect(() => doc.apply([{ kind: 'task', anchor, checked: true }])).toThrow(/changed on disk since it was read, and the task "second" is no longer there; nothing was written/);
    expect(readFileSync(path, 'utf8')).toBe('# Drill\n\n- [ ] first\n- [ ] renamed second\n');
  });

  it('keeps the file mode and leaves no temporary file behind', () => {
    const path = join(dir, 'mode.md');
    writeFileSync(path, '- [ ] x\n', { mode: 0o640 });
    const doc = Document.open(path);
    doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, 0) as Anchor & { kind: 'task' }, checked: true }]);
    expect(spawnSync('stat', ['-c', '%a', path], { encoding: 'utf8' }).stdout.trim()).toBe('640');
    expect(readdirSync(dir).filter((f) => f.startsWith('.mode.md'))).toEqual([]);
  });
});

describe('the advisory lock', () => {
  it('refuses a second writer, naming the holder', () => {
    const path = join(dir, 'locked.md');
    writeFileSync(path, '- [ ] x\n');
    const first = Document.open(path, { lock: 'runbook play' });
    expect(() => Document.open(path, { lock: 'runbook tick' })).toThrow(new RegExp(`being edited by \`runbook play\` \\(pid ${process.pid} on `));
    first.close();
    Document.open(path, { lock: 'runbook tick' }).close();
  });

  it('takes over a stale lock whose process is gone', () => {
    const path = join(dir, 'stale.md');
    writeFileSync(path, '- [ ] x\n');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: Number(dead.stdout), host: hostname(), since: '2026-01-01T00:00:00Z', command: 'runbook play' }));
    const release = acquireLock(path, 'runbook tick');
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid).toBe(process.pid);
    release();
  });
});
