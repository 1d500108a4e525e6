import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The import directions docs/architecture.md states, checked on every source file.
const ALLOWED: Record<string, string[]> = {
  parser: [],
  document: ['parser'],
  executor: [],
  session: ['parser', 'document', 'executor'],
  audit: ['parser'],
  check: ['parser', 'audit', 'session'],
  tui: ['parser', 'session'],
  report: ['parser', 'document', 'executor', 'session'],
  commands: ['parser', 'document', 'executor', 'session', 'audit', 'check', 'tui', 'report'],
};
const SHARED = new Set(['errors', 'io', 'clock', 'cache-dir', 'random']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** The layer a file belongs to: the first folder under src/, or `top` for the entry files. */
const layerOf = (file: string) => {
  const parts = relative('src', file).split('/');
  return parts.length === 1 ? `top:${parts[0]!.replace(/\.(?:tsx?|jsx?)$/, '')}` : parts[0]!;
};

describe('the layers of src/', () => {
  const files = sources('src');

  it('import only the layers below them, as docs/architecture.md says', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (from.startsWith('top:')) continue;
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const to = layerOf(relative(process.cwd(), resolve(dirname(file), spec!)));
        if (to === from || (to.startsWith('top:') && SHARED.has(to.slice(4)))) continue;
        if (!ALLOWED[from]!.includes(to)) wrong.push(`${file} imports ${spec} (${from} → ${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('leave exits and signal handlers to cli.ts and main.ts', () => {
    const found = files.filter((f) => !/src\/(cli|main)\.ts$/.test(f)).filter((f) => /process\.exit\(|process\.(?:on|once)\(\s*'SIG/.test(readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('keep the commands that drive a session thin', () => {
    for (const file of ['src/commands/run.ts', 'src/commands/play.ts']) {
      expect(readFileSync(file, 'utf8').split('\n').length, file).toBeLessThan(100);
    }
  });

  it('every folder the table names exists, and no other', () => {
    const folders = readdirSync('src', { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(folders).toEqual(Object.keys(ALLOWED).sort());
    const doc = readFileSync('docs/architecture.md', 'utf8');
    for (const folder of folders) expect(doc).toContain(`| \`${folder}/\` |`);
  });
});
