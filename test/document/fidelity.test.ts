import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { runCli } from '../support/cli.js';

// What GitHub shows is what the document says: cmark-gfm is the oracle for the cells of a table.
const env = { RUNBOOK_OPERATOR: 'ci' };

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'runbook-fidelity-'));
}

/** The text of each cell of each row (header first) of the first table, as cmark-gfm renders it. */
function githubCells(text: string): string[][] {
  const html = spawnSync('cmark-gfm', ['-e', 'table'], { input: text, encoding: 'utf8' }).stdout;
  const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'" };
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '').replace(/&[a-z#0-9]+;/g, (e) => entities[e] ?? e)));
}

/** The same, as runbook reads the document. */
function ourCells(text: string): string[][] {
  const table = parseRunbook(text).tables[0]!;
  return [table.headerRow, ...table.rows].map((row) => row.cells.filter((c) => !c.missing).map((c) => c.text));
}

describe('tables as GitHub reads them', () => {
  it('fill puts the value in the named column of a short row that ends in spaces', () => {
    const dir = folder();
    writeFileSync(join(dir, 'd.md'), '| Step | Started | Note |\n|---|---|---|\n| Failover | \n');
    const result = runCli(['fill', 'd.md', '--line', '3', '--column', 'Started', '--value', '14:02'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const text = readFileSync(join(dir, 'd.md'), 'utf8');
    expect(githubCells(text)[1]!.slice(0, 2)).toEqual(['Failover', '14:02']);
    expect(ourCells(text)[1]!.slice(0, 2)).toEqual(['Failover', '14:02']);
  });

  it('fill of a value ending in a backslash leaves the next cell where it was, in a table without padding', () => {
    const dir = folder();
    writeFileSync(join(dir, 'd.md'), '|Host|Path|Owner|\n|-|-|-|\n|web-1|TBD|alice|\n');
    expect(runCli(['fill', 'd.md', '--line', '3', '--column', 'Path', '--value', 'C:\\temp\\'], { cwd: dir, env }).code).toBe(0);
    const text = readFileSync(join(dir, 'd.md'), 'utf8');
    expect(githubCells(text)[1]).toEqual(['web-1', 'C:\\temp\\', 'alice']);
    expect(ourCells(text)[1]).toEqual(['web-1', 'C:\\temp\\', 'alice']);
  });
});

describe('the file a session writes', () => {
  it('is the one a link names: the link stays a link', () => {
    const dir = folder();
    mkdirSync(join(dir, 'shared'));
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'shared', 'failover.md'), '# F\n\n- [ ] step\n');
    symlinkSync('../shared/failover.md', join(dir, 'team', 'failover.md'));
    expect(runCli(['tick', 'team/failover.md', '--line', '3'], { cwd: dir, env }).code).toBe(0);
    expect(lstatSync(join(dir, 'team', 'failover.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'shared', 'failover.md'), 'utf8')).toBe('# F\n\n- [x] step\n');
  });

  it('runs a CR LF runbook as bash reads LF: no CR at the end of a word', () => {
    const dir = folder();
    writeFileSync(join(dir, 'c.md'), '# C\r\n\r\n```bash\r\necho hi > "out.txt"\r\nX=abc\r\n[ "$X" = abc ] && echo same\r\n```\r\n');
    const result = runCli(['run', 'c.md', '--yes', '--no-timeline'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('same');
    expect(existsSync(join(dir, 'out.txt'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('\r'))).toEqual([]);
    // The document keeps its own line endings.
    expect(readFileSync(join(dir, 'c.md'), 'utf8').split('\n').slice(0, -1).every((l) => l.endsWith('\r'))).toBe(true);
  });
});
