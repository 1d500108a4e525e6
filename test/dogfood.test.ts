import { readdirSync, readFileSync } from 'node:fs';
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
    const dir = 'dist/chunks';
    const files = readdirSync(dir);
    const text = (f: string) => readFileSync(join(dir, f), 'utf8');
    const imports = (f: string) => [...text(f).matchAll(/^import .*? from "\.\/(.+?\.js)";?$/gm)].map((m) => m[1]!);
    const reach = (start: string) => {
      const seen = new Set<string>([start]);
      const todo = [start];
      while (todo.length) for (const next of imports(todo.pop()!)) if (!seen.has(next)) seen.add(next), todo.push(next);
      return [...seen];
    };
    for (const command of ['list', 'run', 'tick', 'fill', 'new', 'reset', 'main']) {
      const entry = files.find((f) => f.startsWith(`${command}-`));
      expect(entry, command).toBeDefined();
      for (const chunk of reach(entry!)) expect(text(chunk), `${command} → ${chunk}`).not.toContain('node_modules/ink/');
    }
    const play = files.find((f) => f.startsWith('mount-'))!;
    expect(reach(play).some((chunk) => text(chunk).includes('node_modules/ink/'))).toBe(true);
  });
});
