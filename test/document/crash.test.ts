import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { Document } from '../../src/document/document.js';
import { cellAnchor, taskAnchor, type Anchor } from '../../src/document/anchors.js';
import { ConflictError } from '../../src/document/conflict.js';
import { acquireLock } from '../../src/document/lock.js';

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

/**
 * Starts `script` with `args`, kills it with SIGKILL at a random moment within `maxDelayMs` of its
 * first line, or within three of its writes when one takes longer on this machine (the line says
 * how long its first write took): the kills land before and after a version is put in place
 * however fast the machine is.
 */
async function killMidWrite(script: string, args: string[], maxDelayMs: number): Promise<void> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstWriteMs = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (line: Buffer) => resolve(Number(/ready ([\d.]+)/.exec(line.toString())?.[1] ?? 0)));
    child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before it started`)));
  });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.max(maxDelayMs, Math.min(3 * firstWriteMs, 250))));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

/**
 * Runs a real process that rewrites a 1 MB document in a loop (`write`, a statement over `path`
 * and `texts`, the old and the new version), kills it with SIGKILL at a random moment `runs`
 * times, and checks each time that the document is the old or the new version, whole. Returns
 * the document's path and how many times it was the new one.
 */
async function killedWriter(name: string, imports: string, write: string, runs: number, maxDelayMs: number) {
  const writer = writerScript(
    `${name}.mjs`,
    `import { closeSync, readFileSync } from 'node:fs';
    ${imports}
    const [path, a, b] = process.argv.slice(2);
    const texts = [a, b].map((f) => readFileSync(f));
    let i = 0;
    const first = performance.now();
    ${write};
    process.stdout.write(\`ready \${performance.now() - first}\\n\`);
    for (i = 1; ; i++) ${write};`,
  );
  const a = join(dir, `${name}-a.md`);
  const b = join(dir, `${name}-b.md`);
  const old = `# Old\n\n${'- [ ] step\n'.repeat(100_000)}`;
  const neu = `# New\n\n${'- [x] step\n'.repeat(100_000)}`;
  writeFileSync(a, old);
  writeFileSync(b, neu);
  const target = join(dir, `${name}.md`);
  writeFileSync(target, old);
  let seenNew = 0;
  for (let run = 0; run < runs; run++) {
    await killMidWrite(writer, [target, a, b], maxDelayMs);
    const now = readFileSync(target, 'utf8');
    expect(now === old || now === neu).toBe(true);
    if (now === neu) seenNew++;
  }
  // The kills landed both before and after the new version was put in place.
  expect(seenNew).toBeGreaterThan(0);
  expect(seenNew).toBeLessThan(runs);
  return target;
}

describe('atomic writes', () => {
  it('leave the old or the new file, never a mix, when the writer is killed at any moment (200 runs)', async () => {
    const target = await killedWriter('doc', "import { writeAtomic } from './src/document/write.ts';", 'writeAtomic(path, texts[i % 2], 0o644)', 200, 25);
    // Killed writers leave temporary files; the next session that takes the lock removes them.
    const leftovers = () => readdirSync(dir).filter((f) => f.startsWith('.doc.md.') && f.endsWith('.tmp'));
    expect(leftovers().length).toBeGreaterThan(0);
    Document.open(target, { lock: 'runbook tick' }).close();
    expect(leftovers()).toEqual([]);
  }, 180_000);
});

describe('the checked write', () => {
  it('leaves the old or the new file, never a mix, when the writer is killed at any moment (100 runs)', async () => {
    // replaceFile swaps the new file in and reads back the old one.
    await killedWriter('swapped', "import { replaceFile } from './src/document/write.ts';", 'closeSync(replaceFile(path, texts[i % 2], 0o644).replaced.fd)', 100, 40);
  }, 180_000);

  it('flips a box without touching any other byte, and the next change follows the file as written', () => {
    const path = join(dir, 'flip.md');
    const text = `# Drill\n\n${'- [ ] step ☐\n'.repeat(2000)}`;
    writeFileSync(path, text);
    const doc = Document.open(path);
    const expected = (t: string, index: number) => t.split('\n').map((line, i) => (i === index + 2 ? line.replace('[ ]', '[x]') : line)).join('\n');
    doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, 1500) as Anchor & { kind: 'task' }, checked: true }]);
    expect(readFileSync(path, 'utf8')).toBe(expected(text, 1500));
    expect(doc.model.tasks[1500]!.checked).toBe(true);
    doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, 3) as Anchor & { kind: 'task' }, checked: true }]);
    expect(readFileSync(path, 'utf8')).toBe(expected(expected(text, 1500), 3));
    doc.close();
  });

  it('flips table boxes in their own family, one or two at a time', () => {
    const path = join(dir, 'cells.md');
    const head = `# ${'x'.repeat(475)}\n\n| Step | Done |\n|---|---|\n| a | `;
    const table = `${head}☐ |\n| b | ☐ |\n`;
    writeFileSync(path, table);
    const doc = Document.open(path);
    const cell = (row: number) => cellAnchor(doc.model, 0, row, 1) as Anchor & { kind: 'cell' };
    doc.apply([{ kind: 'checkbox', anchor: cell(0), state: 'checked' }]);
    expect(readFileSync(path, 'utf8')).toBe(`${head}☑ |\n| b | ☐ |\n`);
    doc.apply([
      { kind: 'checkbox', anchor: cell(0), state: 'unchecked' },
      { kind: 'checkbox', anchor: cell(1), state: 'checked' },
    ]);
    expect(readFileSync(path, 'utf8')).toBe(`${head}☐ |\n| b | ☑ |\n`);
    doc.apply([{ kind: 'checkbox', anchor: cell(1), state: 'unchecked' }]);
    expect(readFileSync(path, 'utf8')).toBe(table);
    doc.close();
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

  it("keeps their version, puts this session's beside it and says so when the target is gone", () => {
    const path = join(dir, 'gone.md');
    writeFileSync(path, '# Drill\n\n- [ ] first\n- [ ] second\n');
    const doc = Document.open(path);
    const anchor = taskAnchor(doc.model, 1) as Anchor & { kind: 'task' };
    writeFileSync(path, '# Drill\n\n- [ ] first\n- [ ] renamed second\n');
    expect(() => doc.apply([{ kind: 'task', anchor, checked: true }])).toThrow(ConflictError);
    expect(readFileSync(path, 'utf8')).toBe('# Drill\n\n- [ ] first\n- [ ] renamed second\n');
    expect(doc.conflicts).toHaveLength(1);
    expect(doc.conflicts[0]!.reason).toBe('the task "second" is no longer there');
    expect(readFileSync(doc.conflicts[0]!.kept, 'utf8')).toBe('# Drill\n\n- [ ] first\n- [x] second\n');
    // Asked again, the document is their version, where the task is not.
    expect(() => doc.apply([{ kind: 'task', anchor, checked: true }])).toThrow(/the task "second" was not found/);
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
