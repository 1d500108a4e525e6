import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchEnd } from '../../src/audit/pool.js';
import { runCli } from '../support/cli.js';

/** Four copies of the audit fixtures (over forty session docs), in a folder of their own. */
function docs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-pool-'));
  for (const team of ['alpha', 'bravo', 'charlie', 'delta']) cpSync('fixtures/audit', join(dir, team), { recursive: true });
  return dir;
}

/** Every file below `dir`, recursively (the models are under `audit/`, V8's code caches under `code/`). */
const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)) : []);

function audit(cwd: string, cache: string, ...args: string[]) {
  return runCli(['audit', '.', ...args], { cwd, env: { RUNBOOK_CACHE_DIR: cache } });
}

describe('runbook audit over many documents', () => {
  it('gives byte-identical output in worker threads, from the cache, and on one thread uncached', () => {
    const dir = docs();
    const cache = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const serial = audit(dir, cache, '--jobs', '1', '--no-cache', '--format', format);
      expect(serial.code).toBe(1);
      expect(serial.stdout.length).toBeGreaterThan(1000);
      const cold = audit(dir, cache, '--jobs', '3', '--format', format);
      const warm = audit(dir, cache, '--jobs', '3', '--format', format);
      const warmSerial = audit(dir, cache, '--jobs', '1', '--format', format);
      for (const other of [cold, warm, warmSerial]) {
        expect(other.stderr).toBe('');
        expect(other.code).toBe(serial.code);
        expect(other.stdout).toBe(serial.stdout);
      }
    }
  });

  it('starts its workers from the code cache the audit keeps, and from source when that cache is damaged', () => {
    const dir = docs();
    const cache = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
    const serial = audit(dir, cache, '--jobs', '1', '--no-cache', '--format', 'json');
    // The first run writes the audit's code cache, which its workers then load.
    for (let run = 0; run < 2; run++) expect(audit(dir, cache, '--jobs', '3', '--no-cache', '--format', 'json')).toEqual(serial);
    const [code, ...more] = filesIn(join(cache, 'code')).filter((f) => f.endsWith('-audit.cache'));
    expect(more).toEqual([]);
    writeFileSync(code!, Buffer.alloc(4096, 7));
    expect(audit(dir, cache, '--jobs', '3', '--no-cache', '--format', 'json')).toEqual(serial);
  });

  it('skips a document found in a folder that it cannot read, wherever it falls, with one line, and audits the rest', () => {
    for (const jobs of ['1', '2']) {
      const dir = docs();
      const without = audit(dir, mkdtempSync(join(tmpdir(), 'runbook-cache-')), '--jobs', jobs, '--format', 'json');
      // Last in the order, so the threads are well under way when it is reached.
      writeFileSync(join(dir, 'delta', 'zz-binary.md'), Buffer.from([0x23, 0x20, 0x00, 0xff, 0xfe, 0x0a]));
      const result = audit(dir, mkdtempSync(join(tmpdir(), 'runbook-cache-')), '--jobs', jobs, '--format', 'json');
      expect(result.code).toBe(without.code);
      expect(result.stdout).toBe(without.stdout);
      expect(result.stderr).toMatch(/^runbook: skipped .*zz-binary\.md: /);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('keeps one parsed model per distinct text, under a folder named after the version, and none with --no-cache', () => {
    const dir = docs();
    const cache = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
    audit(dir, cache, '--no-cache', '--jobs', '2');
    expect(filesIn(join(cache, 'audit'))).toEqual([]);
    audit(dir, cache, '--jobs', '2');
    const models = filesIn(join(cache, 'audit')).filter((f) => f.endsWith('.model'));
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
    expect(models.every((f) => f.startsWith(join(cache, 'audit', `${version}-`)))).toBe(true);
    // The four copies share their models: one per distinct document (templates included).
    const distinct = new Set(filesIn(join(dir, 'alpha')).filter((f) => f.endsWith('.md')).map((f) => readFileSync(f, 'utf8')));
    expect(models.length).toBe(distinct.size);
  });

  it('reads an unchanged document from the cache, and parses again what it cannot read there', () => {
    const dir = docs();
    const cache = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
    const one = join(dir, 'alpha', 'clean.md');
    const expected = runCli(['audit', one, '--format', 'json', '--no-cache']).stdout;
    runCli(['audit', one], { env: { RUNBOOK_CACHE_DIR: cache } });
    const [entry] = filesIn(join(cache, 'audit'));
    // The model of another document put in clean.md's entry is not believed: parsed again.
    const other = mkdtempSync(join(tmpdir(), 'runbook-other-'));
    runCli(['audit', join(dir, 'alpha', 'unfilled.md')], { env: { RUNBOOK_CACHE_DIR: other } });
    writeFileSync(entry!, readFileSync(filesIn(join(other, 'audit'))[0]!));
    expect(runCli(['audit', one, '--format', 'json'], { env: { RUNBOOK_CACHE_DIR: cache } }).stdout).toBe(expected);
    // Nor is an entry cut short, or one that is JSON of another shape under the right key.
    const key = entry!.split('/').pop()!.replace(/\.model$/, '');
    for (const damaged of [readFileSync(entry!, 'latin1').slice(0, 200), `${key}\n{}`, `${key}\nnull`, `${key}\n[1,2]`, `${key}\n{"length":0,"blocks":{}}`]) {
      writeFileSync(entry!, damaged, 'latin1');
      const again = runCli(['audit', one, '--format', 'json'], { env: { RUNBOOK_CACHE_DIR: cache } });
      expect([again.code, again.stderr, again.stdout]).toEqual([0, '', expected]);
    }
    // A damaged entry is parsed again (and rewritten); the output is the uncached one.
    writeFileSync(entry!, 'not a model');
    expect(runCli(['audit', one, '--format', 'json'], { env: { RUNBOOK_CACHE_DIR: cache } }).stdout).toBe(expected);
    expect(runCli(['audit', one, '--format', 'json'], { env: { RUNBOOK_CACHE_DIR: cache } }).stdout).toBe(expected);
    // Deleting the whole cache is safe.
    expect(runCli(['audit', one, '--format', 'json'], { env: { RUNBOOK_CACHE_DIR: join(cache, 'gone', 'entirely') } }).stdout).toBe(expected);
  });

  it('names in the summary table, as GitHub renders it, a file whose name holds backticks and a pipe', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-summary-'));
    for (const name of ['`old` | ops.md', 'ends-with-`.md']) writeFileSync(join(dir, name), '# Drill\n\n- [ ] Page the on-call\n');
    const result = runCli(['audit', '.', '--summary', 'summary.md'], { cwd: dir });
    expect(result.code).toBe(1);
    const shown = execFileSync('cmark-gfm', ['-e', 'table'], { input: readFileSync(join(dir, 'summary.md')), encoding: 'utf8' });
    const rows = [...shown.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]));
    expect(rows.map((cells) => [cells.length, cells[0]])).toEqual([
      [4, '<code>`old` | ops.md</code>'],
      [4, '<code>ends-with-`.md</code>'],
    ]);
  });

  it('says in one line when the summary file cannot be written', () => {
    const result = runCli(['audit', 'fixtures/audit/clean.md', '--summary', join(tmpdir(), 'no-such-folder-here', 'summary.md')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`runbook: --summary ${join(tmpdir(), 'no-such-folder-here', 'summary.md')}: cannot write it (ENOENT)\n`);
  });

  it('refuses a --jobs that is not a whole number from 1, with one line and exit 2', () => {
    for (const jobs of ['0', '-2', '1.5', 'many']) {
      const result = runCli(['audit', 'fixtures/audit/clean.md', '--jobs', jobs]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`runbook: --jobs ${jobs}: give a whole number from 1\n`);
    }
  });
});

describe('the batches the audit pool hands its workers', () => {
  it('cover every document once, and shrink to one document as the end nears', () => {
    for (const [total, threads] of [[1000, 2], [41, 2], [300, 3], [9, 2]] as const) {
      const sizes: number[] = [];
      for (let next = 0; next < total; ) {
        const end = batchEnd(next, total, threads);
        expect(end).toBeGreaterThan(next);
        sizes.push(end - next);
        next = end;
      }
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
      // When this thread runs out, a worker holding its two last batches has a few documents left.
      expect(sizes.slice(-2).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
      if (total >= 300) expect(sizes[0]).toBe(8);
    }
  });
});
