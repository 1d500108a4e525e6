import { LINE_CHARS, OUTPUT_LINES, type HostRow, type PlayState, type Step, type Wait } from './state.js';
import type { DiffLine } from './diff.js';
import { lastReturn } from './text.js';

/** Everything that can happen to the screen. */
export type Action =
  | { type: 'move'; by: number }
  | { type: 'next-unfinished' }
  | { type: 'previous-unfinished' }
  | { type: 'jump-rollback' }
  | { type: 'column'; by: number; width: number; from: number }
  | { type: 'request-run'; word: string | null; script?: string; diff?: DiffLine[]; unticked?: number }
  | { type: 'type'; text: string }
  | { type: 'backspace' }
  | { type: 'cancel-input' }
  | { type: 'run-started'; at: number }
  | { type: 'output'; text: string }
  | ({ type: 'host' } & HostRow)
  | { type: 'wait'; wait: Wait }
  | { type: 'run-ended'; status: Step['status']; durationMs: number; exitCode: number | null; outcome: string; edited?: boolean; cwd: string; changedVars: string[]; unsetVars?: string[]; evidence?: string[]; message?: string; label?: string }
  | { type: 'skip' }
  | { type: 'ticked'; status: Step['status']; message: string; label?: string }
  | { type: 'start-fill'; column: number; prefill: string }
  | { type: 'refuse-confirm' }
  | { type: 'toggle-save' }
  | { type: 'filled'; message: string; label?: string; status?: Step['status'] }
  | { type: 'scroll'; by: number }
  | { type: 'scroll-code'; by: number; lines: number; rows: number }
  | { type: 'help' }
  | { type: 'message'; text: string | null }
  | { type: 'quit' };

/** What a line that is not a table row is, and the key that does something with it, for `f` on it. */
const NOT_A_ROW: Record<Exclude<Step['kind'], 'row' | 'scenario'>, string> = {
  task: 'a task: space ticks it',
  block: 'a block: Enter runs it',
  heading: 'a heading: n goes to the next step',
};

/** What the confirm screen says about an edit: run once, or saved into the document too. */
function editMessage(save: boolean): string {
  return save ? 'runs your edited version and saves it into the document · Tab: this time only' : 'runs your edited version, this time only · Tab: save it into the document too';
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

/**
 * Whether a step still needs the operator. A table row with a box to tick or a cell to fill is
 * one of the steps: the outline marks it `info` until it is done.
 */
export function unfinished(step: Step): boolean {
  if (step.kind === 'heading') return false;
  return step.status === 'pending' || step.status === 'failed' || (step.kind === 'row' && step.status === 'info');
}

/** Whether Enter runs the step: a block or a scenario row. */
export function runnable(step: Step | undefined): boolean {
  return step?.kind === 'block' || step?.kind === 'scenario';
}

/** The first step that still needs doing, or the first step. */
export function firstUnfinished(steps: Step[]): number {
  const found = steps.findIndex(unfinished);
  return found === -1 ? 0 : found;
}

/** The pure transition function of the play screen: one case per action, so it reads as a table. */
export function reduce(state: PlayState, action: Action): PlayState {
  const mode = state.mode;
  switch (action.type) {
    case 'move': {
      if (mode.name === 'running') return state;
      // Headings are context, not stops: moving goes from step to step.
      let next = state.selected;
      for (let i = state.selected + Math.sign(action.by); i >= 0 && i < state.steps.length; i += Math.sign(action.by)) {
        if (state.steps[i]!.kind !== 'heading') {
          next = i;
          break;
        }
      }
      return { ...state, selected: next, column: -1, codeTop: 0, mode: { name: 'browse' }, message: null, output: mode.name === 'failed' ? [] : state.output };
    }
    case 'next-unfinished': {
      if (mode.name === 'running') return state;
      const after = state.steps.findIndex((s, i) => i > state.selected && unfinished(s));
      const next = after !== -1 ? after : firstUnfinished(state.steps);
      return { ...state, selected: next, column: -1, codeTop: 0, mode: { name: 'browse' }, message: null };
    }
    case 'previous-unfinished': {
      if (mode.name === 'running') return state;
      const left = state.steps.flatMap((s, i) => (unfinished(s) ? [i] : []));
      const previous = left.filter((i) => i < state.selected).at(-1) ?? left.at(-1) ?? state.selected;
      return { ...state, selected: previous, column: -1, codeTop: 0, mode: { name: 'browse' }, message: null };
    }
    case 'jump-rollback': {
      const at = state.steps.findIndex((s) => s.rollback && s.kind === 'block');
      if (at === -1) return { ...state, message: 'this runbook has no rollback section' };
      return { ...state, selected: at, mode: { name: 'browse' }, message: 'rollback: Enter runs it' };
    }
    case 'column':
      return { ...state, column: clamp(action.from + action.by, 0, Math.max(0, action.width - 1)) };
    case 'request-run':
      if (mode.name === 'running' || !runnable(state.steps[state.selected])) return state;
      return { ...state, codeTop: 0, mode: { name: 'confirm', word: action.word, typed: '', ...(action.script !== undefined ? { script: action.script } : {}), ...(action.diff ? { diff: action.diff } : {}), ...(action.unticked ? { unticked: action.unticked } : {}) }, message: action.script !== undefined ? editMessage(false) : null };
    case 'type':
      if (mode.name === 'confirm') return { ...state, mode: { ...mode, typed: mode.typed + action.text } };
      if (mode.name === 'fill') return { ...state, mode: { ...mode, typed: mode.typed + action.text } };
      return state;
    case 'backspace':
      if (mode.name === 'confirm' || mode.name === 'fill') return { ...state, mode: { ...mode, typed: mode.typed.slice(0, -1) } };
      return state;
    case 'cancel-input':
      if (mode.name === 'confirm' || mode.name === 'fill' || mode.name === 'help') return { ...state, mode: { name: 'browse' }, message: null };
      return state;
    case 'run-started':
      return { ...state, mode: { name: 'running', startedAt: action.at }, output: [], outputLines: 0, scroll: 0, hosts: [], steps: setStatus(state.steps, state.selected, 'running') };
    case 'output': {
      const lines = state.output.length ? [...state.output] : [''];
      const parts = action.text.split('\n');
      // A progress bar draws over its own line: keep its last state, so no line grows without bound.
      lines[lines.length - 1] = bound(lines[lines.length - 1] + parts[0]!);
      for (const part of parts.slice(1)) lines.push(bound(part));
      return { ...state, output: lines.slice(-OUTPUT_LINES), outputLines: state.outputLines + parts.length - 1 };
    }
    case 'host': {
      const row = { host: action.host, outcome: action.outcome, durationMs: action.durationMs, reason: action.reason };
      const at = state.hosts.findIndex((h) => h.host === action.host);
      return { ...state, hosts: at === -1 ? [...state.hosts, row] : state.hosts.map((h, i) => (i === at ? row : h)) };
    }
    case 'wait':
      if (mode.name !== 'running') return state;
      return { ...state, mode: { ...mode, wait: action.wait } };
    case 'run-ended': {
      // A step that never started (an edit that could not be saved, say) only says why.
      if (mode.name !== 'running') return { ...state, mode: { name: 'browse' }, message: action.message ?? null };
      const steps = state.steps.map((s, i) => (i === state.selected ? { ...s, status: action.status, durationMs: action.durationMs, label: action.label ?? s.label } : s));
      const failed = action.status === 'failed';
      // What the step kept as evidence ends its output, where the operator reads what it did.
      const evidence = action.evidence ?? [];
      const output = evidence.length ? [...(state.output.at(-1) === '' ? state.output.slice(0, -1) : state.output), ...evidence].slice(-OUTPUT_LINES) : state.output;
      return {
        ...state,
        output,
        outputLines: state.outputLines + evidence.length,
        steps,
        cwd: action.cwd,
        // What the session's blocks have set so far: a name a later block unset is no longer.
        changedVars: [...new Set([...state.changedVars, ...action.changedVars])].filter((name) => !action.unsetVars?.includes(name)),
        mode: failed ? { name: 'failed', exitCode: action.exitCode, outcome: action.outcome } : { name: 'browse' },
        selected: failed ? state.selected : nextAfter(steps, state.selected),
        // The cursor moves on after a pass: the line names the step that ran, whose output stays above.
        message: action.message ?? (failed ? null : `✔ ${state.steps[state.selected]!.label} (line ${state.steps[state.selected]!.line}): ${action.outcome}${action.edited ? ' · edited' : ''} in ${(action.durationMs / 1000).toFixed(2)} s`),
      };
    }
    case 'skip': {
      if (mode.name === 'running') return state;
      const steps = setStatus(state.steps, state.selected, 'skipped');
      return { ...state, steps, mode: { name: 'browse' }, selected: nextAfter(steps, state.selected), message: 'skipped' };
    }
    case 'ticked':
      return { ...state, steps: relabel(setStatus(state.steps, state.selected, action.status), state.selected, action.label), message: action.message };
    case 'start-fill': {
      if (mode.name === 'running') return state;
      const kind = state.steps[state.selected]?.kind;
      if (kind !== 'row' && kind !== 'scenario') return { ...state, message: `f fills a cell of a table row; this line is ${NOT_A_ROW[kind ?? 'heading']}` };
      return { ...state, mode: { name: 'fill', column: action.column, typed: action.prefill } };
    }
    case 'toggle-save':
      if (mode.name !== 'confirm' || mode.script === undefined) return state;
      return { ...state, mode: { ...mode, save: !mode.save }, message: editMessage(!mode.save) };
    case 'refuse-confirm':
      // The wrong word goes, so the next attempt starts from an empty field.
      if (mode.name !== 'confirm' || mode.word === null) return state;
      return { ...state, mode: { ...mode, typed: '' }, message: `"${mode.typed}" is not "${mode.word}": type "${mode.word}" exactly to run this block` };
    case 'filled':
      return { ...state, steps: relabel(action.status ? setStatus(state.steps, state.selected, action.status) : state.steps, state.selected, action.label), mode: { name: 'browse' }, message: action.message };
    case 'scroll':
      return { ...state, scroll: clamp(state.scroll + action.by, 0, Math.max(0, state.output.length - 1)) };
    case 'scroll-code':
      return { ...state, codeTop: clamp(state.codeTop + action.by, 0, Math.max(0, action.lines - action.rows)) };
    case 'help':
      // Help may open while a block runs; closing it goes back to what was on screen, clock and all.
      if (mode.name === 'help') return { ...state, mode: mode.back };
      return { ...state, mode: { name: 'help', back: mode } };
    case 'message':
      return { ...state, message: action.text };
    case 'quit':
      return { ...state, quitting: true };
  }
}

/** The part of a growing output line worth keeping: from its last carriage return, at most LINE_CHARS. */
function bound(line: string): string {
  // A trailing carriage return stays: what comes next draws over the line, not after it.
  const kept = line.includes('\r') ? lastReturn(line) + (line.endsWith('\r') ? '\r' : '') : line;
  return kept.length > LINE_CHARS ? kept.slice(0, LINE_CHARS) : kept;
}

function relabel(steps: Step[], index: number, label: string | undefined): Step[] {
  return label === undefined ? steps : steps.map((s, i) => (i === index ? { ...s, label } : s));
}

function setStatus(steps: Step[], index: number, status: Step['status']): Step[] {
  return steps.map((s, i) => (i === index ? { ...s, status } : s));
}

/** The next step that still needs doing after `index`, else `index`. */
function nextAfter(steps: Step[], index: number): number {
  const next = steps.findIndex((s, i) => i > index && unfinished(s));
  return next === -1 ? index : next;
}
