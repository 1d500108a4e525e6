import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheName, loadCached } from '../src/compile-cache.js';

function bundle(): { dir: string; file: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
  const file = join(dir, 'bundle.cjs');
  // A CommonJS module that uses require, its own exports and the injected importer.
  // A comment unique to each bundle: V8 keeps compiled scripts in memory by their text, and this
  // test must see what a fresh process would.
  writeFileSync(file, `// ${dir}\n` + "const { basename } = require('node:path');\nexports.name = () => basename(__filename);\nexports.screen = () => __runbookImport('./screen.js');\n");
  return { dir, file, cache: join(dir, 'bundle.cache') };
}

const importer = async (specifier: string) => ({ imported: specifier });

describe('loading the bundle through V8 code cache', () => {
  it('compiles without a cache, writes one, and starts from it next time', async () => {
    const { file, cache } = bundle();
    const first = loadCached(file, cache, importer);
    expect(first.compiled).toBe(true);
    expect((first.exports as { name(): string }).name()).toBe('bundle.cjs');
    expect(await (first.exports as { screen(): Promise<unknown> }).screen()).toEqual({ imported: './screen.js' });
    first.save();
    expect(readFileSync(cache).length).toBeGreaterThan(0);
    const second = loadCached(file, cache, importer);
    expect(second.compiled).toBe(false);
    expect((second.exports as { name(): string }).name()).toBe('bundle.cjs');
  });

  it('falls back to compiling when the cache is garbage or belongs to other source', () => {
    const { file, cache } = bundle();
    writeFileSync(cache, Buffer.from('not a code cache at all'));
    const loaded = loadCached(file, cache, importer);
    expect(loaded.compiled).toBe(true);
    expect((loaded.exports as { name(): string }).name()).toBe('bundle.cjs');
    // A cache made for a bundle of another length is rejected too. (V8 compares only lengths: the
    // CLI names its cache after a hash of the bundle, so a rebuilt bundle never meets an old cache.)
    const other = bundle();
    writeFileSync(other.file, `${readFileSync(other.file, 'utf8')}exports.more = 1;\n`);
    loadCached(other.file, other.cache, importer).save();
    const fresh = bundle();
    expect(loadCached(fresh.file, other.cache, importer).compiled).toBe(true);
  });

  it('makes its folder, and drops the caches other builds left for the same command', () => {
    const { dir, file } = bundle();
    const folder = join(dir, 'cache', 'node-v20');
    const cache = join(folder, cacheName('aaaaaaaaaaaa', 'list'));
    mkdirSync(folder, { recursive: true });
    for (const name of [cacheName('bbbbbbbbbbbb', 'list'), cacheName('bbbbbbbbbbbb', 'audit')]) writeFileSync(join(folder, name), 'old');
    loadCached(file, cache, importer).save();
    expect(readdirSync(folder).sort()).toEqual([cacheName('aaaaaaaaaaaa', 'list'), cacheName('bbbbbbbbbbbb', 'audit')].sort());
    expect(loadCached(file, cache, importer).compiled).toBe(false);
    // A folder that does not exist yet is made.
    const deeper = join(dir, 'not', 'yet', cacheName('aaaaaaaaaaaa', 'run'));
    loadCached(file, deeper, importer).save();
    expect(readFileSync(deeper).length).toBeGreaterThan(0);
  });

  it('never reads or writes a cache when given none', () => {
    const { file } = bundle();
    const loaded = loadCached(file, null, importer);
    expect(loaded.compiled).toBe(true);
    expect(() => loaded.save()).not.toThrow();
  });

  it('leaves no temporary file behind where the cache cannot be written', () => {
    const { file } = bundle();
    const loaded = loadCached(file, join('/nonexistent-folder', 'bundle.cache'), importer);
    expect(() => loaded.save()).not.toThrow();
  });
});

describe('the built CLI', () => {
  it('starts every command from the cache its first run wrote, and never writes it again', () => {
    const work = mkdtempSync(join(tmpdir(), 'runbook-cache-cli-'));
    const folder = join(work, 'cache', 'code', `node-${process.version}-${process.arch}`);
    const doc = join(work, 'doc.md');
    writeFileSync(doc, '# Doc\n\n- [ ] Greet\n\n  ```bash\n  echo hi\n  ```\n');
    const caches = () => new Map(readdirSync(folder).filter((n) => n.endsWith('.cache')).map((n) => [n, statSync(join(folder, n)).mtimeMs]));
    // `run` sets V8 flags of its own: a cache written under other flags would be rejected (and
    // written again) on every start.
    const commands = [['run', doc, '--yes'], ['list', doc], ['audit', doc], ['check', doc]];
    const runAll = () => {
      for (const args of commands) {
        spawnSync(process.execPath, [join(import.meta.dirname, '..', 'bin', 'runbook.js'), ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, RUNBOOK_CACHE_DIR: join(work, 'cache') } });
      }
    };
    runAll();
    const before = caches();
    expect([...before.keys()].map((n) => /-([a-z]+)\.cache$/.exec(n)![1]).sort()).toEqual(['audit', 'check', 'list', 'run']);
    runAll();
    expect(caches()).toEqual(before);
  });
});
