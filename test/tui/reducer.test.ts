import { describe, expect, it } from 'vitest';
import { firstUnfinished, reduce } from '../../src/tui/reducer.js';
import { initialState, LINE_CHARS, type PlayState, type Step } from '../../src/tui/state.js';

const step = (id: number, kind: Step['kind'], status: Step['status'] = 'pending', rollback = false): Step => ({ id, kind, depth: 0, label: `s${id}`, line: id + 1, ref: id, status, rollback });

function state(steps: Step[], selected = 1): PlayState {
  return { ...initialState(steps, '/w'), selected, column: 0 };
}

const doc = [step(0, 'heading', 'info'), step(1, 'block', 'passed'), step(2, 'block'), step(3, 'heading', 'info'), step(4, 'task'), step(5, 'row', 'info'), step(6, 'block', 'pending', true)];

describe('the play reducer', () => {
  it('forgets a variable set by one block once a later block unsets it', () => {
    let s = reduce(reduce(state(doc, 2), { type: 'run-started', at: 1 }), { type: 'run-ended', status: 'passed', durationMs: 5, exitCode: 0, outcome: 'passed', cwd: '/w', changedVars: ['A'] });
    expect(s.changedVars).toEqual(['A']);
    s = reduce(reduce(s, { type: 'run-started', at: 2 }), { type: 'run-ended', status: 'passed', durationMs: 5, exitCode: 0, outcome: 'passed', cwd: '/w', changedVars: ['A', 'B'], unsetVars: ['A'] });
    expect(s.changedVars).toEqual(['B']);
  });

  it('resumes at the first unfinished step', () => {
    expect(firstUnfinished(doc)).toBe(2);
  });

  it('moves from step to step, passing over headings and stopping at the ends', () => {
    let s = state(doc, 2);
    s = reduce(s, { type: 'move', by: 1 });
    expect(s.selected).toBe(4);
    s = reduce(s, { type: 'move', by: -1 });
    expect(s.selected).toBe(2);
    s = reduce(reduce(s, { type: 'move', by: -1 }), { type: 'move', by: -1 });
    expect(s.selected).toBe(1);
    s = reduce(state(doc, 6), { type: 'move', by: 1 });
    expect(s.selected).toBe(6);
  });

  it('asks before running, with the confirm word when the block has one', () => {
    let s = reduce(state(doc, 2), { type: 'request-run', word: 'prod' });
    expect(s.mode).toEqual({ name: 'confirm', word: 'prod', typed: '' });
    s = reduce(reduce(s, { type: 'type', text: 'pr' }), { type: 'type', text: 'od' });
    expect(s.mode).toMatchObject({ typed: 'prod' });
    s = reduce(s, { type: 'backspace' });
    expect(s.mode).toMatchObject({ typed: 'pro' });
    expect(reduce(s, { type: 'cancel-input' }).mode).toEqual({ name: 'browse' });
    expect(reduce(state(doc, 4), { type: 'request-run', word: null }).mode).toEqual({ name: 'browse' });
  });

  it('clears a wrong confirm word and says what was typed', () => {
    let s = reduce(reduce(state(doc, 2), { type: 'request-run', word: 'prod' }), { type: 'type', text: 'pr' });
    s = reduce(s, { type: 'refuse-confirm' });
    expect(s.mode).toEqual({ name: 'confirm', word: 'prod', typed: '' });
    expect(s.message).toBe('"pr" is not "prod": type "prod" exactly to run this block');
  });

  it('says what f does when the line is not a table row, and what the line is', () => {
    const s = reduce(state(doc, 4), { type: 'start-fill', column: 0, prefill: '' });
    expect(s.mode).toEqual({ name: 'browse' });
    expect(s.message).toBe('f fills a cell of a table row; this line is a task: space ticks it');
    expect(reduce(state(doc, 5), { type: 'start-fill', column: 1, prefill: 'x' }).mode).toEqual({ name: 'fill', column: 1, typed: 'x' });
  });

  it('keeps where a wait for recovery stands while the step runs, and drops it when it ends', () => {
    const wait = { check: 'test -e healed', polls: 3, last: 'exit 1', deadlineAt: 30_000 };
    let s = reduce(state(doc, 2), { type: 'wait', wait });
    expect(s.mode).toEqual({ name: 'browse' });
    s = reduce(reduce(s, { type: 'run-started', at: 1000 }), { type: 'wait', wait });
    expect(s.mode).toEqual({ name: 'running', startedAt: 1000, wait });
    s = reduce(s, { type: 'run-ended', status: 'passed', durationMs: 5, exitCode: 0, outcome: 'passed', cwd: '/w', changedVars: [] });
    expect(s.mode).toEqual({ name: 'browse' });
  });

  it('runs: marks the step running, collects output by line, then moves on when it passes', () => {
    let s = reduce(state(doc, 2), { type: 'run-started', at: 1 });
    expect(s.steps[2]!.status).toBe('running');
    expect(reduce(s, { type: 'move', by: 1 }).selected).toBe(2);
    s = reduce(reduce(s, { type: 'output', text: 'hel' }), { type: 'output', text: 'lo\nworld\n' });
    expect(s.output).toEqual(['hello', 'world', '']);
    s = reduce(s, { type: 'run-ended', status: 'passed', durationMs: 1500, exitCode: 0, outcome: 'passed', cwd: '/w/sub', changedVars: ['A'] });
    expect(s.steps[2]).toMatchObject({ status: 'passed', durationMs: 1500 });
    expect(s.selected).toBe(4);
    expect(s.cwd).toBe('/w/sub');
    expect(s.changedVars).toEqual(['A']);
    // The cursor moved on: the line names the step that ran (its label), not the one now shown.
    expect(s.message).toBe(`✔ ${s.steps[2]!.label} (line ${s.steps[2]!.line}): passed in 1.50 s`);
    expect(s.steps[2]!.label).not.toBe(s.steps[4]!.label);
  });

  it('ends a step\'s output with what it kept as evidence', () => {
    let s = reduce(reduce(state(doc, 2), { type: 'run-started', at: 1 }), { type: 'output', text: 'captured\n' });
    s = reduce(s, { type: 'run-ended', status: 'passed', durationMs: 5, exitCode: 0, outcome: 'passed', cwd: '/w', changedVars: [], evidence: ['evidence: ab12/api.log · 1.2 KB · sha256 3f2a9c0d1e2f3a4b'] });
    expect(s.output).toEqual(['captured', 'evidence: ab12/api.log · 1.2 KB · sha256 3f2a9c0d1e2f3a4b']);
  });

  it('stays on a failed block, offering retry, and can jump to the rollback section', () => {
    let s = reduce(reduce(state(doc, 2), { type: 'run-started', at: 1 }), { type: 'output', text: 'boom\n' });
    s = reduce(s, { type: 'run-ended', status: 'failed', durationMs: 10, exitCode: 3, outcome: 'failed', cwd: '/w', changedVars: [] });
    expect(s.selected).toBe(2);
    expect(s.mode).toEqual({ name: 'failed', exitCode: 3, outcome: 'failed' });
    expect(s.output).toEqual(['boom', '']);
    const retry = reduce(s, { type: 'request-run', word: null });
    expect(retry.mode).toMatchObject({ name: 'confirm' });
    const rollback = reduce(s, { type: 'jump-rollback' });
    expect(rollback.selected).toBe(6);
    expect(reduce(state([step(0, 'block')], 0), { type: 'jump-rollback' }).message).toBe('this runbook has no rollback section');
  });

  it('skips a step and moves to the next unfinished one', () => {
    const s = reduce(state(doc, 2), { type: 'skip' });
    expect(s.steps[2]!.status).toBe('skipped');
    expect(s.selected).toBe(4);
    expect(reduce(state(doc, 1), { type: 'next-unfinished' }).selected).toBe(2);
  });

  it('records a tick and a fill, and edits the fill text', () => {
    let s = reduce(state(doc, 4), { type: 'ticked', status: 'ticked', message: 'task: [ ] → [x]' });
    expect(s.steps[4]!.status).toBe('ticked');
    s = reduce(s, { type: 'move', by: 1 });
    // Moving to a step leaves the column to the row's default until the operator picks one.
    expect(s.column).toBe(-1);
    s = reduce(s, { type: 'column', by: 5, width: 3, from: 1 });
    expect(s.column).toBe(2);
    s = reduce(s, { type: 'start-fill', column: 1, prefill: '2026' });
    s = reduce(reduce(s, { type: 'type', text: '-11' }), { type: 'backspace' });
    expect(s.mode).toEqual({ name: 'fill', column: 1, typed: '2026-1' });
    s = reduce(s, { type: 'filled', message: 'cell: → 2026-1' });
    expect(s.mode).toEqual({ name: 'browse' });
  });

  it('opens help while a block runs and goes back to the running block, its clock untouched', () => {
    let s = reduce(state(doc, 2), { type: 'run-started', at: 1 });
    s = reduce(s, { type: 'help' });
    expect(s.mode.name).toBe('help');
    s = reduce(s, { type: 'help' });
    expect(s.mode).toEqual({ name: 'running', startedAt: 1 });
    expect(reduce(reduce(state(doc, 2), { type: 'help' }), { type: 'help' }).mode).toEqual({ name: 'browse' });
  });

  it('counts every line a running step prints, not only those it keeps', () => {
    let s = reduce(state(doc, 2), { type: 'run-started', at: 1 });
    for (let i = 0; i < 700; i++) s = reduce(s, { type: 'output', text: `${i}\n${i}\n` });
    expect(s.outputLines).toBe(1400);
    expect(reduce(s, { type: 'run-started', at: 2 }).outputLines).toBe(0);
  });

  it('keeps only the last lines of output and scrolls back within them', () => {
    let s = state(doc, 2);
    for (let i = 0; i < 700; i++) s = reduce(s, { type: 'output', text: `${i}\n` });
    expect(s.output.length).toBe(500);
    expect(s.output[498]).toBe('699');
    s = reduce(s, { type: 'scroll', by: 10 });
    expect(s.scroll).toBe(10);
    expect(reduce(s, { type: 'scroll', by: -50 }).scroll).toBe(0);
  });
});

describe('rows in the flow', () => {
  const flow = [step(0, 'heading', 'info'), step(1, 'task', 'ticked'), step(2, 'block', 'passed'), step(3, 'row', 'info'), step(4, 'row', 'ticked'), step(5, 'task'), step(6, 'row', 'info')];

  it('counts a row still to tick or fill as unfinished: the start position, n and p visit it', () => {
    expect(firstUnfinished(flow)).toBe(3);
    let s = reduce(state(flow, 3), { type: 'next-unfinished' });
    expect(s.selected).toBe(5);
    s = reduce(s, { type: 'next-unfinished' });
    expect(s.selected).toBe(6);
    s = reduce(s, { type: 'previous-unfinished' });
    expect(s.selected).toBe(5);
    s = reduce(reduce(s, { type: 'previous-unfinished' }), { type: 'previous-unfinished' });
    // Before the first unfinished step, p goes round to the last one.
    expect(s.selected).toBe(6);
    expect(reduce(state([step(0, 'block', 'passed')], 0), { type: 'previous-unfinished' }).selected).toBe(0);
  });

  it('marks a row done when a fill leaves nothing to do, and moves on to it after a block', () => {
    const filled = reduce(state(flow, 6), { type: 'filled', message: 'cell', status: 'ticked' });
    expect(filled.steps[6]!.status).toBe('ticked');
    let s = reduce(state(flow, 2), { type: 'run-started', at: 0 });
    s = reduce(s, { type: 'run-ended', status: 'passed', durationMs: 1, exitCode: 0, outcome: 'passed', cwd: '/w', changedVars: [] });
    expect(s.selected).toBe(3);
  });

  it('keeps an edit and its diff on the confirm screen', () => {
    const diff = [{ op: '-' as const, text: 'echo one' }, { op: '+' as const, text: 'echo two' }];
    expect(reduce(state(flow, 2), { type: 'request-run', word: null, script: 'echo two', diff }).mode).toEqual({ name: 'confirm', word: null, typed: '', script: 'echo two', diff });
  });

  it('asks before running a block with checklist items unticked above it', () => {
    expect(reduce(state(flow, 2), { type: 'request-run', word: null, unticked: 3 }).mode).toEqual({ name: 'confirm', word: null, typed: '', unticked: 3 });
    expect(reduce(state(flow, 2), { type: 'request-run', word: null, unticked: 0 }).mode).toEqual({ name: 'confirm', word: null, typed: '' });
  });
});

describe('output and code the screen can hold', () => {
  it('keeps a progress bar that never ends its line at its last state, and bounds a line without end', () => {
    let s = state(doc, 2);
    for (let i = 0; i <= 100; i++) s = reduce(s, { type: 'output', text: `\rprogress ${i}%` });
    expect(s.output).toEqual(['progress 100%']);
    s = reduce(s, { type: 'output', text: '\r' });
    s = reduce(s, { type: 'output', text: 'done\n' });
    expect(s.output).toEqual(['done', '']);
    for (let i = 0; i < 100; i++) s = reduce(s, { type: 'output', text: 'x'.repeat(1000) });
    expect(s.output.at(-1)).toHaveLength(LINE_CHARS);
  });

  it('scrolls a command taller than its pane within its lines, and starts at its top on each confirm', () => {
    let s = reduce(state(doc, 2), { type: 'request-run', word: null });
    s = reduce(s, { type: 'scroll-code', by: 15, lines: 60, rows: 14 });
    expect(s.codeTop).toBe(15);
    s = reduce(reduce(s, { type: 'scroll-code', by: 40, lines: 60, rows: 14 }), { type: 'scroll-code', by: 1, lines: 60, rows: 14 });
    expect(s.codeTop).toBe(46);
    expect(reduce(s, { type: 'scroll-code', by: -99, lines: 60, rows: 14 }).codeTop).toBe(0);
    expect(reduce(reduce(s, { type: 'cancel-input' }), { type: 'request-run', word: null }).codeTop).toBe(0);
  });
});

describe('scenario steps', () => {
  const game = [step(0, 'heading', 'info'), step(1, 'scenario', 'passed'), step(2, 'scenario'), step(3, 'row', 'ticked'), step(4, 'scenario', 'failed')];

  it('are runnable and count as unfinished until they pass', () => {
    expect(firstUnfinished(game)).toBe(2);
    expect(reduce(state(game, 2), { type: 'request-run', word: null }).mode).toMatchObject({ name: 'confirm', word: null });
    expect(reduce(state(game, 3), { type: 'request-run', word: null }).mode).toEqual({ name: 'browse' });
  });

  it('show the scenario outcome and the new label when the run ends, then move to what is left', () => {
    let s = reduce(state(game, 2), { type: 'run-started', at: 0 });
    s = reduce(s, { type: 'run-ended', status: 'passed', durationMs: 1460, exitCode: 0, outcome: 'passed', cwd: '/w', changedVars: [], message: '✅ passed: 1.46 s meets < 10 s', label: 'scenario B · measured 1.46 s' });
    expect(s.steps[2]).toMatchObject({ status: 'passed', label: 'scenario B · measured 1.46 s' });
    expect(s.message).toBe('✅ passed: 1.46 s meets < 10 s');
    expect(s.selected).toBe(4);
    s = reduce(s, { type: 'run-started', at: 0 });
    s = reduce(s, { type: 'run-ended', status: 'failed', durationMs: 41_000, exitCode: 0, outcome: 'failed', cwd: '/w', changedVars: [], message: '❌ failed: 41.00 s breaks < 30 s' });
    expect(s.mode).toEqual({ name: 'failed', exitCode: 0, outcome: 'failed' });
    expect(s.message).toBe('❌ failed: 41.00 s breaks < 30 s');
  });
});
