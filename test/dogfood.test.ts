import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_WRAPPER } from '../src/compile-cache.js';
import { runCli } from './support/cli.js';

const runbooks = readdirSync('docs/runbooks').filter((f) => f.endsWith('.md'));

describe('the bundled runbooks', () => {
  it.each(runbooks)('%s parses without problems and dry-runs', (name) => {
    const path = join('docs/runbooks', name);
    const list = JSON.parse(runCli(['list', path, '--json']).stdout);
    expect(list.problems).toEqual([]);
    expect(list.blocks.some((b: { runnable: boolean }) => b.runnable)).toBe(true);
    const dry = runCli(['run', path, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^── block \d+ · /m);
  });
});

describe('the drill server', () => {
  it('stops at once on SIGTERM, even with a client connection still open', async () => {
    const portFile = join(mkdtempSync(join(tmpdir(), 'runbook-drill-')), 'port');
    const server = spawn(process.execPath, ['docs/runbooks/scripts/drill.mjs', 'serve', '--role', 'primary', '--port-file', portFile], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    try {
      while (!existsSync(portFile) || !readFileSync(portFile, 'utf8')) await new Promise((resolve) => setTimeout(resolve, 20));
      // A request whose headers never end keeps its connection busy: close() alone waits for it.
      const socket = connect(Number(readFileSync(portFile, 'utf8')), '127.0.0.1');
      socket.on('error', () => {});
      await new Promise((resolve) => socket.on('connect', resolve));
      socket.write('GET /health HTTP/1.1\r\nHost: drill\r\n');
      await new Promise((resolve) => setTimeout(resolve, 100));
      server.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000))]);
      expect(code).toBe(0);
      socket.destroy();
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  }, 20_000);
});

describe('the layout', () => {
  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : [join(dir, e.name)]));
  }

  it('never re-serializes Markdown: no module imports remark-stringify or mdast-util-to-markdown', () => {
    for (const file of sources('src')) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"](remark-stringify|mdast-util-to-markdown)['"]/);
    }
  });

  it('keeps mdast inside the parser and printing out of the executor', () => {
    for (const file of sources('src').filter((f) => !f.startsWith(join('src', 'parser')))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"](mdast|unified|remark-parse|remark-gfm)['"]/);
    }
    for (const file of sources(join('src', 'executor'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/console\.|process\.std(out|err)/);
    }
  });

  it('loads ink and react only for play', () => {
    // Every command but play runs from the CommonJS bundle; the screen is a module of its own.
    const bundle = readFileSync('dist/runbook.cjs', 'utf8');
    // Written as the loader runs it: wrapped, and ASCII (read as Latin-1).
    expect(bundle.startsWith(BUNDLE_WRAPPER[0]) && bundle.endsWith(BUNDLE_WRAPPER[1])).toBe(true);
    expect(bundle).toMatch(/^[\x00-\x7f]*$/);
    // Names are minified: the packages are told by strings of their own (React's element
    // symbol, ink's raw-mode refusal, yoga's layout constants).
    const marks = ['react.transitional.element', 'Raw mode is not supported', 'ALIGN_SPACE_EVENLY'];
    for (const mark of marks) expect(bundle).not.toContain(mark);
    expect(bundle.replace(/"/g, "'")).toContain("__runbookImport('./tui.js')");
    const screen = readFileSync('dist/tui.js', 'utf8');
    for (const mark of marks) expect(screen).toContain(mark);
  });

  it('writes V8 code caches on first use into the user cache folder, one per command and Node version, and still runs without', () => {
    const home = mkdtempSync(join(tmpdir(), 'runbook-home-'));
    const env = { RUNBOOK_CACHE_DIR: '', XDG_CACHE_HOME: '', HOME: home };
    const folder = join(home, '.cache', 'runbook', 'code', `node-${process.version}-${process.arch}`);
    const caches = () => (existsSync(folder) ? readdirSync(folder).sort() : []);
    const first = runCli(['list', 'docs/runbooks/failover-drill.md', '--json'], { env });
    expect(first.code).toBe(0);
    expect(caches()).toEqual([expect.stringMatching(/^runbook-[0-9a-f]{12}-list\.cache$/)]);
    const [list] = caches();
    const before = readFileSync(join(folder, list!));
    const withCache = runCli(['list', 'docs/runbooks/failover-drill.md', '--json'], { env });
    expect(withCache.stdout).toBe(first.stdout);
    // An accepted cache is left alone; a rejected one would be rewritten at exit.
    expect(readFileSync(join(folder, list!)).equals(before)).toBe(true);
    const without = runCli(['list', 'docs/runbooks/failover-drill.md', '--json'], { env: { ...env, RUNBOOK_NO_CODE_CACHE: '1' } });
    expect(without.stdout).toBe(withCache.stdout);
    // A mistyped command shares one cache with the others that have none of their own.
    expect(runCli(['lsit', 'docs/runbooks/failover-drill.md'], { env }).code).toBe(2);
    expect(caches().map((f) => /-([a-z]+)\.cache$/.exec(f)![1])).toEqual(['list', 'other']);
    // $XDG_CACHE_HOME, then RUNBOOK_CACHE_DIR, take precedence; nothing is shipped in dist/.
    const xdg = mkdtempSync(join(tmpdir(), 'runbook-xdg-'));
    runCli(['--help'], { env: { ...env, XDG_CACHE_HOME: xdg } });
    expect(readdirSync(join(xdg, 'runbook', 'code'))).toEqual([`node-${process.version}-${process.arch}`]);
    const own = mkdtempSync(join(tmpdir(), 'runbook-own-'));
    runCli(['--help'], { env: { ...env, XDG_CACHE_HOME: xdg, RUNBOOK_CACHE_DIR: own } });
    expect(readdirSync(own)).toEqual(['code']);
    expect(readdirSync('dist').filter((f) => f.endsWith('.cache'))).toEqual([]);
    // A cache folder that cannot be made costs the speed-up only.
    const blocked = join(own, 'a-file');
    writeFileSync(blocked, '');
    const unwritable = runCli(['list', 'docs/runbooks/failover-drill.md', '--json'], { env: { ...env, RUNBOOK_CACHE_DIR: blocked } });
    expect(unwritable.stderr).toBe('');
    expect(unwritable.stdout).toBe(first.stdout);
  });
});
