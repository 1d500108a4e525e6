import { describe, expect, it } from 'vitest';
import { blockProblems, describeProblem, parseRunbook, updateRunbook, type Block } from '../../src/parser/index.js';
import { lineOf, parsed } from '../support/fixtures.js';

const { text, model } = parsed('parser/options.md');
const at = (needle: string): Block => model.blocks.find((b) => b.line === lineOf(text, needle))!;
const problemsAt = (needle: string) => model.problems.filter((p) => p.line === lineOf(text, needle));

describe('typed block options', () => {
  it('reads every option once into typed fields', () => {
    expect(at('name=drain')).toMatchObject({
      name: 'drain',
      id: null,
      description: 'Drain the node',
      timeoutMs: 90_000,
      confirm: 'production',
      cwd: 'scripts',
      errexit: false,
      pipefail: false,
      secret: ['TOKEN', 'DB_PASS'],
      until: 'curl -fsS localhost',
      everyMs: 500,
      withinMs: 5_400_000,
      rollback: true,
      skip: false,
      runnable: true,
    });
    // The raw values stay for whatever still reads them.
    expect(at('name=drain').options.values.timeout).toBe('90s');
  });

  it('takes id as the name when there is none, a bare number of seconds, and JSON values', () => {
    expect(at('"id":"by-id"')).toMatchObject({ name: 'by-id', id: 'by-id', timeoutMs: 45_000, skip: true, runnable: false, skipReason: 'marked to skip' });
  });

  it("keeps Runme's excludeFromRunAll as skip", () => {
    expect(model.blocks.find((b) => b.body.includes('runme'))).toMatchObject({ skip: true, runnable: false });
  });

  it('gives defaults where nothing is written', () => {
    expect(parseRunbook('```bash\necho\n```\n').blocks[0]).toMatchObject({
      name: null, id: null, description: null, timeoutMs: null, confirm: null, cwd: null, errexit: true, pipefail: true,
      secret: [], until: null, everyMs: null, withinMs: null, rollback: false, skip: false,
    });
  });
});

describe('bad option values', () => {
  it('are problems at the block line, saying how to write them, and leave the default', () => {
    expect(at('timeout=abc')).toMatchObject({ timeoutMs: null, everyMs: null, errexit: true, runnable: true });
    expect(problemsAt('timeout=abc').map(describeProblem)).toEqual([
      `line ${lineOf(text, 'timeout=abc')}: timeout=abc is not a duration (30s, 5m, 1h30m)`,
      `line ${lineOf(text, 'timeout=abc')}: every=soon is not a duration (30s, 5m, 1h30m)`,
      `line ${lineOf(text, 'timeout=abc')}: errexit=maybe is neither true nor false`,
    ]);
    expect(problemsAt('timeout=abc').every((p) => p.ruleId === 'option-value' && p.severity === 'error')).toBe(true);
  });

  it('reports options written without the value they need, and names that are not variables', () => {
    expect(at('confirm secret')).toMatchObject({ confirm: null, secret: ['TOKEN'], timeoutMs: null });
    expect(problemsAt('confirm secret').map((p) => p.message)).toEqual([
      'confirm needs a value (confirm=production)',
      'secret="TOKEN x-y": x-y is not a variable name',
      'timeout=0 would stop the block at once: give a duration above zero (30s, 5m, 1h30m)',
    ]);
  });

  it('says nothing about the options of a block that is not shell', () => {
    expect(problemsAt('python { host')).toEqual([]);
  });
});

describe('options runbook does not support yet', () => {
  it('reads host= and hosts= into where the block runs, and parallel= into how many at once', () => {
    expect(problemsAt('host=db-1 }')).toEqual([]);
    expect(at('host=db-1 }')).toMatchObject({ target: { kind: 'host', name: 'db-1' }, parallel: 1 });
    const other = parseRunbook('```bash { hosts=web parallel=5 }\ntrue\n```\n\n```bash { hosts=web parallel=0 host="" }\ntrue\n```\n');
    expect(other.blocks[0]).toMatchObject({ target: { kind: 'group', name: 'web' }, parallel: 5 });
    expect(other.problems.map((p) => [p.line, p.ruleId, p.message])).toEqual([
      [5, 'option-value', 'parallel=0: give how many hosts at once, a whole number from 1 (parallel=5)'],
      [5, 'option-value', 'host needs a host name (host=db-1)'],
    ]);
  });

  it('refuses interactive, background and another interpreter', () => {
    expect(problemsAt('interactive background=true').map((p) => [p.ruleId, p.message])).toEqual([
      ['unsupported-option', 'interactive: blocks that read from the terminal are not supported yet; runbook will not run this block'],
      ['unsupported-option', 'background=true: background blocks are not supported yet; runbook will not run this block (start the process with `&` inside the block instead)'],
      ['unsupported-option', 'interpreter=python3: runbook runs bash blocks in its own bash session and no other interpreter; it will not run this block'],
    ]);
  });

  it('accepts them where they ask for what runbook does anyway', () => {
    expect(problemsAt('interactive=false')).toEqual([]);
  });

  it('finds the problems of one block', () => {
    expect(blockProblems(model, at('interactive background=true')).map((p) => p.ruleId)).toEqual(['unsupported-option', 'unsupported-option', 'unsupported-option']);
    expect(blockProblems(model, at('name=drain'))).toEqual([]);
  });

  it('moves the problems with their block when an edit above adds lines', () => {
    const fresh = parseRunbook(text);
    const insert = '\nA new paragraph.\n';
    const at0 = text.indexOf('```sh');
    const next = text.slice(0, at0) + insert + text.slice(at0);
    const updated = updateRunbook(fresh, next, [{ start: at0, oldEnd: at0, text: insert, removed: '' }]);
    expect(updated.problems).toEqual(parseRunbook(next).problems);
  });
});
