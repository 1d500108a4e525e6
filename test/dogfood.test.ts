import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
    expect(bundle).not.toContain('node_modules/ink/');
    expect(bundle).not.toContain('node_modules/react/');
    expect(bundle.replace(/"/g, "'")).toContain("__runbookImport('./tui.js')");
    expect(readFileSync('dist/tui.js', 'utf8')).toContain('node_modules/ink/');
  });

  it('starts commands from V8 code cached at build time, one cache per command, and still runs without it', () => {
    const caches = readdirSync('dist').filter((f) => /^runbook-[0-9a-f]{12}-[a-z]+\.cache$/.test(f));
    const commands = caches.map((f) => /-([a-z]+)\.cache$/.exec(f)![1]).sort();
    expect(commands, 'the build writes a code cache for each command').toEqual(['audit', 'check', 'fill', 'list', 'new', 'other', 'play', 'reset', 'run', 'tick']);
    const list = caches.find((f) => f.endsWith('-list.cache'))!;
    const before = readFileSync(join('dist', list));
    const withCache = runCli(['list', 'docs/runbooks/failover-drill.md', '--json']);
    expect(withCache.code).toBe(0);
    // An accepted cache is left alone; a rejected one would be rewritten at exit.
    expect(readFileSync(join('dist', list)).equals(before)).toBe(true);
    const without = runCli(['list', 'docs/runbooks/failover-drill.md', '--json'], { env: { RUNBOOK_NO_CODE_CACHE: '1' } });
    expect(without.code).toBe(0);
    expect(without.stdout).toBe(withCache.stdout);
    // A mistyped command starts from the shared cache and leaves no cache of its own behind.
    const typo = runCli(['lsit', 'docs/runbooks/failover-drill.md']);
    expect(typo.code).toBe(2);
    expect(readdirSync('dist').filter((f) => f.endsWith('.cache')).sort()).toEqual(caches.sort());
  });
});
